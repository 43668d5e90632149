import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import EmptyState from '@atlaskit/empty-state';
import Spinner from '@atlaskit/spinner';
import { useState } from 'react';
import type { Answer } from '../../../src/contract/answer';
import { PROJECT_PAGE_RESOLVERS as R } from '../../../src/contract/project-page-keys';
import type { DecisionEntry, DecisionLogData } from '../../../src/contract/project-page';
import { callResolver, flag } from '../../shared/bridge';
import { TableScroll } from '../../shared/TableScroll';
import { ruleLabel } from '../../../src/domain/zombie-rule-labels';
import { decisionsCsv, download } from './csv';
import { decidedText } from './decided';
import { LoadError } from '../../shared/LoadError';
import { IssueLink } from '../../shared/IssueLink';

const HEAD = {
  cells: [
    // Stored and shown in UTC, as the map and the health figures are: a team across time zones reads one time.
    { key: 'when', content: 'When (UTC)' },
    { key: 'issue', content: 'Issue' },
    { key: 'kind', content: 'Decision' },
    { key: 'decided', content: 'What was decided' },
    { key: 'who', content: 'Who' },
    { key: 'why', content: 'Why' },
    { key: 'rules', content: 'Rules that fired' },
  ],
};

function rowOf(e: DecisionEntry) {
  return {
    key: e.id,
    testId: `log-${e.issueKey}`,
    cells: [
      { key: 'when', content: <span className="ol-nowrap">{e.at.slice(0, 16).replace('T', ' ')}</span> },
      { key: 'issue', content: <IssueLink issueKey={e.issueKey} /> },
      { key: 'kind', content: e.kind },
      { key: 'decided', content: decidedText(e), testId: 'log-decided' },
      // The account id stays reachable where the name is shown.
      { key: 'who', content: <span title={e.by}>{e.byName ?? e.by}</span> },
      { key: 'why', content: e.reason },
      {
        key: 'rules',
        content: e.rules.map((r) => `${ruleLabel(r.rule)} (since ${r.since})`).join(', '),
      },
    ],
  };
}

/**
 * The kill review's record: every decision with who made it and why, in a table that scrolls sideways in a
 * narrow frame, and its export. `log` is null while loading; an error is shown as such, never as an empty log.
 */
export function DecisionLog({
  projectKey,
  log,
  error,
  onRetry,
  hasMore,
  onMore,
}: {
  projectKey: string;
  log: DecisionEntry[] | null;
  error: string | null;
  /** Reads the log again after it could not load. */
  onRetry: () => Promise<unknown>;
  /** Older entries are left past those listed. */
  hasMore: boolean;
  /** Lists the next older page below the listed entries; answers the error to show, or null. */
  onMore: () => Promise<string | null>;
}) {
  const [moreBusy, setMoreBusy] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);
  const more = async () => {
    setMoreBusy(true);
    setMoreError(null);
    try {
      setMoreError(await onMore());
    } finally {
      setMoreBusy(false);
    }
  };
  const exportAll = async (format: 'csv' | 'json') => {
    // A partial log passed off as the whole would mislead whoever reads the file: every page, or nothing.
    const entries: DecisionEntry[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer<DecisionLogData> = await callResolver<DecisionLogData>(R.decisionLog, {
        limit: 500,
        cursor,
      });
      if (!page.ok) return flag('Decision log not exported', page.error.message, 'error');
      entries.push(...page.data.entries);
      cursor = page.data.nextCursor;
    } while (cursor);
    if (format === 'csv')
      download(`decision-log-${projectKey}.csv`, decisionsCsv(entries), 'text/csv;charset=utf-8');
    else download(`decision-log-${projectKey}.json`, JSON.stringify(entries, null, 2), 'application/json');
  };
  return (
    <section aria-labelledby="decision-log-heading" className="ol-stack">
      <h2 className="ol-heading" id="decision-log-heading">
        Decision log
      </h2>
      <div className="ol-actions">
        <Button onClick={() => void exportAll('csv')}>Export decision log as CSV</Button>
        <Button onClick={() => void exportAll('json')}>Export decision log as JSON</Button>
      </div>
      {error ? (
        <LoadError
          title="The decision log could not load"
          message={error}
          onRetry={onRetry}
          testId="log-error"
        />
      ) : log === null ? (
        <Spinner label="Loading the decision log" />
      ) : log.length === 0 ? (
        <EmptyState
          testId="log-empty"
          headingLevel={3}
          headingSize="xsmall"
          header="No decisions yet"
          description="Each kill, keep or relink made here is listed with who decided and why."
        />
      ) : (
        <>
          <TableScroll label="Decision log, scrolls sideways">
            <DynamicTable label="Decision log" head={HEAD} rows={log.map(rowOf)} testId="decision-log" />
          </TableScroll>
          {moreError ? (
            <p className="ol-error" role="alert">
              {moreError}
            </p>
          ) : null}
          {hasMore ? (
            <Button isLoading={moreBusy} onClick={() => void more()}>
              {moreError ? 'Try again' : 'Load older decisions'}
            </Button>
          ) : null}
        </>
      )}
    </section>
  );
}
