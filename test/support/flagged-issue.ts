import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { JiraStore } from '../../workbench/jira/store';
import type { IssueInput } from '../../workbench/jira/types';

/**
 * An issue as the scan leaves it once flagged: a story created long ago whose lens carries `zombie: 'true'` and the
 * rule that flagged it. Seeded straight into the emulator's store, so Jira's search index has it before the test
 * starts. `lens` adds to (or overrides) the lens written, as a hypothesis or a score; `issueFields` add to the issue, as
 * the labels the flag put on it.
 */
export function seedFlaggedIssue(
  store: JiraStore,
  projectKey: string,
  summary = 'Add a blue Save for Later button',
  lens: Record<string, unknown> = {},
  issueFields: Partial<IssueInput> = {},
): string {
  const issue = store.createIssue({
    projectKey,
    summary,
    type: 'Story',
    created: '2025-01-01T00:00:00.000Z',
    ...issueFields,
  });
  store.setIssueProperty(issue.key, ISSUE_PROPERTY_KEY, {
    zombie: 'true',
    flag: {
      flaggedAt: '2026-01-01T00:00:00.000Z',
      rules: [
        { rule: 'idle', since: '2025-03-02', detail: 'No activity for 300 days.', clearBy: 'Act on it.' },
      ],
      labelApplied: false,
      commented: false,
    },
    ...lens,
  });
  return issue.key;
}
