import { useCallback, useEffect, useState } from 'react';
import {
  NO_OUTCOME,
  PROJECT_PAGE_RESOLVERS as R,
  type LaneSummary,
  type MapFilters,
  type MapIssue,
  type MapLanesData,
  type MapPageData,
  type MapSummaryData,
  type OutcomeView,
  type ProjectPageLoadData,
} from '../../../src/contract/project-page';
import { callResolver, flag } from '../../shared/bridge';
import { SelectInput } from '../../shared/Field';
import { Message } from '../../shared/Message';
import { ProgressChart } from './Chart';
import { IssueLink, pct } from './IssueLink';
import { ImportMeasurements } from './ImportMeasurements';
import { MeasurementForm, OutcomeForm } from './OutcomeForm';

function IssueCard({ issue }: { issue: MapIssue }) {
  return (
    <li className="ol-card" data-testid={`map-issue-${issue.key}`}>
      <IssueLink issueKey={issue.key} /> {issue.summary}
      <div className="ol-card-meta">
        <span className="ol-pill" aria-label={`Score ${issue.score} of 100`}>
          score {issue.score}
        </span>
        <span className="ol-muted">{issue.statusName}</span>
        <span className="ol-muted">{issue.issueType}</span>
        {issue.estimate !== null ? <span className="ol-muted">{issue.estimate} pts</span> : null}
        {issue.via ? <span className="ol-muted">via {issue.via}</span> : null}
        {issue.zombie ? <span className="ol-pill ol-pill-danger">zombie</span> : null}
        {issue.isRecipe ? <span className="ol-pill ol-pill-warning">recipe</span> : null}
      </div>
    </li>
  );
}

function LaneIssues({
  lane,
  filters,
  label,
  first,
}: {
  lane: string;
  filters: MapFilters;
  label: string;
  first: MapPageData | undefined;
}) {
  const [issues, setIssues] = useState<MapIssue[]>(first?.issues ?? []);
  const [token, setToken] = useState<string | null>(first?.nextPageToken ?? null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => {
    setIssues(first?.issues ?? []);
    setToken(first?.nextPageToken ?? null);
  }, [first]);
  const more = useCallback(async () => {
    setLoading(true);
    const answer = await callResolver<MapPageData>(R.mapPage, {
      lane,
      filters,
      pageToken: token,
      pageSize: 20,
    });
    setLoading(false);
    if (!answer.ok) return setError(answer.error.message);
    setIssues((old) => [...old, ...answer.data.issues]);
    setToken(answer.data.nextPageToken);
  }, [lane, filters, token]);
  if (error) return <p className="ol-error">{error}</p>;
  if (!first) return <p className="ol-muted">Loading issues…</p>;
  return (
    <>
      <ul className="ol-cards" aria-label={`Issues: ${label}`}>
        {issues.map((i) => (
          <IssueCard key={i.key} issue={i} />
        ))}
      </ul>
      {issues.length === 0 ? <p className="ol-muted">No open issues here.</p> : null}
      {token ? (
        <button type="button" className="ol-btn" disabled={loading} onClick={() => void more()}>
          Load more issues: {label}
        </button>
      ) : null}
    </>
  );
}

/**
 * A lane's share of all open work. Drawn unlike the progress bar (another colour, its own caption), as the two
 * answer different questions: how far the outcome has come, and how much of the backlog serves it.
 */
function Share({ lane, label }: { lane: LaneSummary; label: string }) {
  return (
    <div className="ol-lane-meta">
      {lane.count} open ({pct(lane.countShare)} of items
      {lane.estimate ? `, ${lane.estimate} pts = ${pct(lane.estimateShare)} of estimate` : ''})
      {lane.inherited ? `, ${lane.inherited} through an epic` : ''}
      {lane.zombies ? `, ${lane.zombies} zombie${lane.zombies > 1 ? 's' : ''}` : ''}
      <div className="ol-bar-caption" aria-hidden="true">
        Share of open work: {pct(lane.countShare)}
      </div>
      <div
        className="ol-share ol-share-work"
        role="meter"
        aria-label={`Share of open work: ${label}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(lane.countShare * 100)}
        aria-valuetext={`${pct(lane.countShare)} of open items`}
      >
        <span style={{ width: pct(lane.countShare) }} />
      </div>
    </div>
  );
}

function OutcomeLane(props: {
  outcome: OutcomeView;
  lane: LaneSummary | undefined;
  first: MapPageData | undefined;
  filters: MapFilters;
  canEdit: boolean;
  onChanged: () => void;
}) {
  const { outcome: o } = props;
  const [mode, setMode] = useState<'none' | 'edit' | 'measure'>('none');
  const archive = async (status: 'achieved' | 'abandoned') => {
    const answer = await callResolver<OutcomeView>(R.archiveOutcome, {
      id: o.id,
      version: o.version,
      status,
    });
    if (answer.ok) {
      flag(`Outcome ${status}`, o.name);
      props.onChanged();
    } else flag('Outcome not changed', answer.error.message, 'error');
  };
  const done = (changed: boolean) => {
    const opener = `${mode}-${o.id}-open`;
    setMode('none');
    if (changed) props.onChanged();
    // Cancel returns the keyboard to the button that opened the form.
    else setTimeout(() => document.getElementById(opener)?.focus(), 0);
  };
  return (
    <article className="ol-lane" aria-labelledby={`lane-${o.id}`} data-testid={`lane-${o.id}`}>
      <h3 id={`lane-${o.id}`}>{o.name}</h3>
      <div className="ol-lane-meta">
        {/* Before the first measurement the baseline is a plan, not a reading: say so instead of "120 now". */}
        {o.progress.measuredAt === null
          ? `${o.metric}: not measured yet, from ${o.baseline} to ${o.target} by ${o.dueDate}`
          : `${o.metric}: ${o.progress.current}${o.unit ?? ''} now, from ${o.baseline} to ${o.target} by ${o.dueDate}`}{' '}
        {o.status !== 'active' ? <span className="ol-pill ol-pill-success">{o.status}</span> : null}
      </div>
      <div className="ol-bar-caption" aria-hidden="true">
        Progress to target: {pct(o.progress.fraction)}
      </div>
      <div
        className="ol-bar ol-bar-progress"
        role="progressbar"
        aria-label={`Progress to target: ${o.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(o.progress.fraction * 100)}
        aria-valuetext={`${pct(o.progress.fraction)} of the way from ${o.baseline} to ${o.target}`}
      >
        <span style={{ width: pct(o.progress.fraction) }} />
      </div>
      {o.measurements.length ? (
        <ProgressChart outcome={o} />
      ) : (
        <p className="ol-muted" data-testid={`no-measurements-${o.id}`}>
          No measurements yet: the chart starts with the first one.
        </p>
      )}
      {props.lane ? <Share lane={props.lane} label={o.name} /> : null}
      {props.canEdit ? (
        <div className="ol-actions">
          <button
            type="button"
            className="ol-btn"
            id={`edit-${o.id}-open`}
            aria-expanded={mode === 'edit'}
            onClick={() => setMode('edit')}
            aria-label={`Edit ${o.name}`}
          >
            Edit
          </button>
          <button
            type="button"
            className="ol-btn"
            id={`measure-${o.id}-open`}
            aria-expanded={mode === 'measure'}
            onClick={() => setMode('measure')}
            aria-label={`Measure ${o.name}`}
          >
            Measure
          </button>
          {o.status === 'active' ? (
            <>
              <button
                type="button"
                className="ol-btn"
                onClick={() => void archive('achieved')}
                aria-label={`Mark ${o.name} achieved`}
              >
                Achieved
              </button>
              <button
                type="button"
                className="ol-btn"
                onClick={() => void archive('abandoned')}
                aria-label={`Abandon ${o.name}`}
              >
                Abandon
              </button>
            </>
          ) : null}
        </div>
      ) : null}
      {mode === 'edit' ? <OutcomeForm outcome={o} onDone={done} /> : null}
      {mode === 'measure' ? <MeasurementForm outcome={o} onDone={done} /> : null}
      {props.canEdit ? <ImportMeasurements outcome={o} onImported={props.onChanged} /> : null}
      <LaneIssues lane={o.id} filters={props.filters} label={o.name} first={props.first} />
    </article>
  );
}

export function OutcomeMap({
  page,
  onOutcomesChanged,
}: {
  page: ProjectPageLoadData;
  onOutcomesChanged: () => Promise<void>;
}) {
  const [filters, setFilters] = useState<MapFilters>({});
  const [summary, setSummary] = useState<MapSummaryData | null>(null);
  const [pages, setPages] = useState<MapPageData[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let live = true;
    setPages(null);
    // Counts and the lanes' first pages load side by side: each is its own function invocation.
    void callResolver<MapSummaryData>(R.mapSummary, { filters }).then((answer) => {
      if (!live) return;
      if (answer.ok) setSummary(answer.data);
      else setError(answer.error.message);
    });
    void callResolver<MapLanesData>(R.mapLanes, { filters, pageSize: 20 }).then((answer) => {
      if (!live) return;
      if (answer.ok) setPages(answer.data.lanes);
      else setError(answer.error.message);
    });
    return () => {
      live = false;
    };
  }, [filters, generation]);

  const changed = () => {
    void onOutcomesChanged().then(() => setGeneration((g) => g + 1));
  };
  const options = summary?.filterOptions;
  const laneOf = (id: string) => summary?.lanes.find((l) => l.lane === id);
  const none = laneOf(NO_OUTCOME);
  const pageOf = (id: string) => pages?.find((p) => p.lane === id);
  const setFilter = (key: 'sprintId' | 'issueType' | 'assignee') => (value: string) => {
    const next: MapFilters = { ...filters };
    if (!value) delete next[key];
    else if (key === 'sprintId') next.sprintId = Number(value);
    else next[key] = value;
    setFilters(next);
  };
  const setRecipeOnly = (on: boolean) => {
    const { recipe: _recipe, ...rest } = filters;
    setFilters(on ? { ...rest, recipe: true } : rest);
  };

  return (
    <div className="ol-stack">
      {page.dryRun ? (
        <Message appearance="info" title="Dry run is on">
          <p>The scan shows what it would flag but writes nothing.</p>
        </Message>
      ) : null}
      <div className="ol-filters" role="search" aria-label="Filter the map">
        <SelectInput
          id="filter-sprint"
          label="Sprint"
          value={filters.sprintId ? String(filters.sprintId) : ''}
          onChange={setFilter('sprintId')}
          options={[
            { value: '', label: 'All sprints' },
            ...(options?.sprints ?? []).map((s) => ({ value: String(s.id), label: s.name })),
          ]}
        />
        <SelectInput
          id="filter-type"
          label="Type"
          value={filters.issueType ?? ''}
          onChange={setFilter('issueType')}
          options={[
            { value: '', label: 'All types' },
            ...(options?.issueTypes ?? []).map((t) => ({ value: t, label: t })),
          ]}
        />
        <SelectInput
          id="filter-assignee"
          label="Assignee"
          value={filters.assignee ?? ''}
          onChange={setFilter('assignee')}
          options={[
            { value: '', label: 'Anyone' },
            { value: 'unassigned', label: 'Unassigned' },
            ...(options?.assignees ?? []).map((a) => ({ value: a.accountId, label: a.displayName })),
          ]}
        />
        <label className="ol-check" htmlFor="filter-recipe">
          <input
            id="filter-recipe"
            type="checkbox"
            checked={filters.recipe === true}
            onChange={(e) => setRecipeOnly(e.target.checked)}
          />{' '}
          Recipes only
        </label>
        {page.permissions.canEditOutcomes ? (
          <button type="button" className="ol-btn ol-btn-primary" onClick={() => setCreating(true)}>
            New outcome
          </button>
        ) : (
          <span className="ol-muted">{page.permissions.outcomesReadOnlyReason}</span>
        )}
      </div>
      {creating ? (
        <OutcomeForm
          onDone={(c) => {
            setCreating(false);
            if (c) changed();
          }}
        />
      ) : null}
      {error ? (
        <Message appearance="error" title="The map could not load">
          <p>{error}</p>
        </Message>
      ) : null}
      {summary?.truncated ? (
        <Message appearance="warning" title="Large backlog" testId="map-truncated">
          <p>
            Counted the first {summary.total} open issues; the project has more, so the counts and shares
            below are of those. The daily scan counts the whole backlog: after it has run, the map shows its
            figures.
          </p>
        </Message>
      ) : null}
      {summary ? (
        <p className="ol-muted" data-testid="map-total">
          {summary.total} open items, {summary.totalEstimate} story points in this view
          {summary.asOf
            ? `, as of the scan at ${summary.asOf.slice(0, 16).replace('T', ' ')} UTC (the lanes' issues below are live).`
            : ', counted now: no scan has counted this view yet.'}
        </p>
      ) : (
        <p className="ol-muted">Counting open work…</p>
      )}
      {/* Lanes carry level-three headings: this keeps the outline in order for screen readers. */}
      <h2 className="ol-sr-only">Outcomes and the work that serves them</h2>
      <div className="ol-lanes" key={generation}>
        <article className="ol-lane ol-lane-none" aria-labelledby="lane-none-title" data-testid="lane-none">
          <h3 id="lane-none-title">Serves no outcome</h3>
          {none ? <Share lane={none} label="serves no outcome" /> : null}
          <LaneIssues
            lane={NO_OUTCOME}
            filters={filters}
            label="serves no outcome"
            first={pageOf(NO_OUTCOME)}
          />
        </article>
        {page.outcomes.map((o) => (
          <OutcomeLane
            key={o.id}
            outcome={o}
            lane={laneOf(o.id)}
            first={pageOf(o.id)}
            filters={filters}
            canEdit={page.permissions.canEditOutcomes}
            onChanged={changed}
          />
        ))}
      </div>
    </div>
  );
}
