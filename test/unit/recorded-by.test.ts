import type { VerdictEntry } from '../../src/contract/project-page';
import { recordedBy } from '../../static/outcome-map/src/decided';

const entry = (over: Partial<VerdictEntry>): VerdictEntry => ({
  id: 'v1',
  issueKey: 'DEMO-7',
  verdict: 'validated',
  proposed: null,
  evidence: 'Cart abandonment fell to 31%.',
  by: '5b10ac8d82e05b22cc7d4ef5',
  byName: 'Max Member',
  at: '2026-11-30T09:15:00.000Z',
  recordedIn: 'results-review',
  ...over,
});

describe('who recorded a verdict, as the results review says it', () => {
  it('names the person, and where when it was the issue panel', () => {
    expect(recordedBy(entry({}))).toBe('Max Member, 2026-11-30');
    expect(recordedBy(entry({ recordedIn: 'issue-panel' }))).toBe(
      'Max Member, in the issue panel, 2026-11-30',
    );
  });

  it('never shows an account id: a person Jira does not name is said so, the app as the app', () => {
    expect(recordedBy(entry({ byName: null }))).toBe('Someone Jira does not name, 2026-11-30');
    expect(recordedBy(entry({ byName: null, by: 'app' }))).toBe('Outcome Lens, 2026-11-30');
    expect(recordedBy(entry({ byName: null, by: 'unknown', recordedIn: 'issue-panel' }))).toBe(
      'In the issue panel, 2026-11-30',
    );
  });
});
