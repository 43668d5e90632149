import { router } from '../../node_modules/@forge/bridge/out/router/router';
import { issueUrl } from './bridge';

/**
 * An issue key that opens the issue in Jira through Forge's router (the app runs in an iframe, so a plain link
 * would open Jira inside it). The href, on the site's own address, is there for middle-click, "copy link" and
 * screen readers.
 */
export function IssueLink({ issueKey }: { issueKey: string }) {
  return (
    <a
      className="ol-nowrap"
      href={issueUrl(issueKey) ?? undefined}
      tabIndex={0}
      onClick={(e) => {
        e.preventDefault();
        void router.navigate({ target: 'issue', issueKey }).catch(() => undefined);
      }}
    >
      {issueKey}
    </a>
  );
}
