/**
 * The outcome map's bulk link: select items that serve no outcome and link them to one outcome in one action.
 * Each item is relinked through the single decision on the server (its own decision-log row, idempotent), as
 * background work with progress; the map reloads when it is done.
 */
import Button from '@atlaskit/button/new';
import { Checkbox } from '@atlaskit/checkbox';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import AkTextArea from '@atlaskit/textarea';
import { useCallback, useEffect, useRef, useState } from 'react';
import { NO_OUTCOME, PROJECT_PAGE_RESOLVERS as R } from '../../../src/contract/project-page-keys';
import type {
  BulkJobData,
  MapFilters,
  MapIssue,
  MapPageData,
  ProjectPageLoadData,
} from '../../../src/contract/project-page';
import { callResolver, flag } from '../../shared/bridge';
import { BulkProgress, useBulkRun } from './bulk';
import { useListSelection } from '../../shared/useListSelection';

interface Choice {
  value: string;
  label: string;
}

/** The map mounts its lanes anew when it reloads after a link: the finished run is shown again from here. */
let lastRun: BulkJobData | null = null;

export function BulkLink(props: { page: ProjectPageLoadData; filters: MapFilters; onLinked: () => void }) {
  const { page, filters, onLinked } = props;
  const [open, setOpen] = useState(false);
  const [issues, setIssues] = useState<MapIssue[] | null>(null);
  const [token, setToken] = useState<string | null>(null);
  const listed = issues ?? [];
  const selection = useListSelection(listed.map((i) => i.key));
  const [outcomeId, setOutcomeId] = useState('');
  const [reason, setReason] = useState('Linked from the outcome map');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const bulk = useBulkRun((job) => {
    lastRun = job;
    if (job.failed.length === 0)
      flag(`Linked ${job.decided} items`, 'Each has its own row in the decision log.');
    selection.replace(job.failed.map((f) => f.key));
    setIssues(null);
    onLinked();
  }, lastRun);

  const latestLoad = useRef(0);
  const load = useCallback(
    async (pageToken: string | null) => {
      const ask = ++latestLoad.current;
      const answer = await callResolver<MapPageData>(R.mapPage, {
        lane: NO_OUTCOME,
        filters,
        pageToken,
        pageSize: 100,
      });
      // An answer under filters changed since (or overtaken by a later load) must not fill the list.
      if (ask !== latestLoad.current) return;
      if (!answer.ok) return setMessage(answer.error.message);
      setIssues((old) => [...(pageToken ? (old ?? []) : []), ...answer.data.issues]);
      setToken(answer.data.nextPageToken);
      if (!pageToken) {
        // Only what is listed stays ticked: a link never takes items the person no longer sees.
        const listedNow = new Set(answer.data.issues.map((i) => i.key));
        selection.replace((ticked) => ticked.filter((key) => listedNow.has(key)));
      }
    },
    [filters],
  );
  // The map's filters changed: the list is read again under them, never one filter's page added to another's.
  const listedUnder = useRef(filters);
  useEffect(() => {
    if (listedUnder.current === filters) return;
    listedUnder.current = filters;
    setIssues(null);
    setToken(null);
  }, [filters]);
  useEffect(() => {
    if (open && issues === null) void load(null);
  }, [open, issues, load]);

  const outcomes: Choice[] = page.outcomes
    .filter((o) => o.status === 'active')
    .map((o) => ({ value: o.id, label: o.name }));
  if (!page.permissions.canDecide || outcomes.length === 0) return null;
  if (!open)
    return (
      <div>
        <Button onClick={() => setOpen(true)}>Link items to an outcome</Button>
        <BulkProgress run={bulk} />
      </div>
    );

  const submit = async () => {
    if (!outcomeId) return setErrors({ outcomeId: 'Choose the outcome they serve.' });
    setErrors({});
    const error = await bulk.start({
      decision: { kind: 'relink', outcomeId, reason },
      selection: { keys: selection.selected, onlyUnlinked: true },
    });
    if (!error) return setMessage(null);
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(error.fields ?? {})) fields[k.replace(/^decision\./, '')] = v;
    setErrors(fields);
    setMessage(error.message);
  };
  return (
    <form
      className="ol-dialog ol-stack"
      aria-label="Link items to an outcome"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {message ? (
        <SectionMessage appearance="error" title="Nothing was linked">
          <p>{message}</p>
        </SectionMessage>
      ) : null}
      <div className="ol-field">
        <label className="ol-label" htmlFor="bulk-link-outcome">
          Outcome they serve
        </label>
        <Select<Choice>
          inputId="bulk-link-outcome"
          options={outcomes}
          value={outcomes.find((o) => o.value === outcomeId) ?? null}
          onChange={(o) => setOutcomeId(o?.value ?? '')}
          placeholder="Choose an outcome"
        />
        {errors.outcomeId ? <span className="ol-error">{errors.outcomeId}</span> : null}
      </div>
      <div className="ol-field">
        <label className="ol-label" htmlFor="bulk-link-reason">
          Why (goes into each item&apos;s decision log row)
        </label>
        <AkTextArea
          id="bulk-link-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          isInvalid={Boolean(errors.reason)}
        />
        {errors.reason ? <span className="ol-error">{errors.reason}</span> : null}
      </div>
      {issues === null ? <p className="ol-muted">Loading the items that serve no outcome…</p> : null}
      {listed.length > 0 ? (
        <Checkbox
          label={`Select all ${listed.length} listed`}
          isChecked={selection.allListed}
          isIndeterminate={selection.someListed}
          onChange={(e) => selection.setAllListed(e.target.checked)}
        />
      ) : null}
      <ul className="ol-link-list" aria-label="Items that serve no outcome">
        {listed.map((i) => (
          <li key={i.key}>
            <Checkbox
              label={`${i.key} ${i.summary}`}
              isChecked={selection.isSelected(i.key)}
              onChange={(e) => selection.set(i.key, e.target.checked)}
            />
          </li>
        ))}
      </ul>
      {token ? <Button onClick={() => void load(token)}>Load more items</Button> : null}
      <BulkProgress run={bulk} />
      <div className="ol-actions">
        <Button
          type="submit"
          appearance="primary"
          isDisabled={selection.selected.length === 0 || bulk.running}
        >
          Link {selection.selected.length} to the outcome
        </Button>
        <Button appearance="subtle" onClick={() => setOpen(false)}>
          Close
        </Button>
      </div>
    </form>
  );
}
