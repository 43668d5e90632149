import { Fragment } from 'react';
import type { UnreadableIssues } from '../../../src/contract/project-page';
import { UNREADABLE_NAMED } from '../../../src/contract/project-page-keys';
import { IssueLink } from '../../shared/IssueLink';
import { Message } from '../../shared/Message';

/** Jira's issue key shape: a project key, a hyphen, a number. Anything else named is an issue id. */
const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-\d+$/;

/**
 * Says which open issues an answer left out because Jira sent them in a shape the app cannot read, so that a
 * count or a list is never silently short. Nothing when none were.
 */
export function UnreadableNote({
  unreadable,
  leftOutOf,
  testId,
}: {
  unreadable: UnreadableIssues | null | undefined;
  /** What they are missing from, as "the counts below" or "this list". */
  leftOutOf: string;
  testId?: string;
}) {
  if (!unreadable || unreadable.count === 0) return null;
  const { count, named } = unreadable;
  const one = count === 1;
  const unnamed = count - named.length;
  return (
    <Message
      appearance="warning"
      title={one ? 'An issue could not be read' : `${count} issues could not be read`}
      testId={testId ?? 'unreadable-note'}
    >
      <p>
        {one ? 'It is' : 'They are'} left out of {leftOutOf}: Jira sent {one ? 'it' : 'them'} in a shape this
        app does not know
        {named.length > 0 ? ' (' : '.'}
        {named.map((name, i) => (
          <Fragment key={name}>
            {i > 0 ? ', ' : ''}
            {ISSUE_KEY.test(name) ? <IssueLink issueKey={name} /> : `issue id ${name}`}
          </Fragment>
        ))}
        {named.length > 0 ? `${unnamed > 0 ? ` and ${unnamed} more` : ''}).` : ''} Open {one ? 'it' : 'them'}{' '}
        in Jira to see {one ? 'its' : 'their'} fields; the scan&apos;s run log names what it could not read.
      </p>
    </Message>
  );
}

/** What pages read one after another left out, together (each named once, the first ten named). */
export function addUnreadable(
  so: UnreadableIssues | null,
  more: UnreadableIssues | null | undefined,
): UnreadableIssues | null {
  if (!more || more.count === 0) return so;
  if (!so) return more;
  const named = [...new Set([...so.named, ...more.named])].slice(0, UNREADABLE_NAMED);
  return { count: so.count + more.count, named };
}
