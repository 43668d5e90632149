import type { ReactNode } from 'react';
import { router } from '../../node_modules/@forge/bridge/out/router/router';
import { issueSearchPath, issueSearchUrl } from './bridge';

/**
 * A link to Jira's issue search for `jql`, followed through Forge's router as IssueLink's are, with the query
 * beside it to copy into a filter. The href, on the site's own address, is there for middle-click and "copy link".
 */
export function JqlSearchLink({ jql, children }: { jql: string; children: ReactNode }) {
  return (
    <>
      <a
        href={issueSearchUrl(jql) ?? undefined}
        tabIndex={0}
        onClick={(e) => {
          e.preventDefault();
          void router.navigate(issueSearchPath(jql)).catch(() => undefined);
        }}
      >
        {children}
      </a>{' '}
      (JQL: <code>{jql}</code>)
    </>
  );
}
