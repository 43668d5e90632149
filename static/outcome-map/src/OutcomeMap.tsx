import Badge from '@atlaskit/badge';
import Button from '@atlaskit/button/new';
import { Checkbox } from '@atlaskit/checkbox';
import { Label } from '@atlaskit/form';
import Lozenge from '@atlaskit/lozenge';
import ProgressBar from '@atlaskit/progress-bar';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { NO_OUTCOME, PROJECT_PAGE_RESOLVERS as R } from '../../../src/contract/project-page-keys';
import type {
  LaneSummary,
  MapFilters,
  MapIssue,
  MapLanesData,
  MapPageData,
  MapSummaryData,
  OutcomeView,
  ProjectPageLoadData,
  UnreadableIssues,
} from '../../../src/contract/project-page';
import { amountText, type DecimalMark } from '../../../src/domain/amounts';
import { useDecimalMark } from '../../shared/useDecimalMark';
import type { Answer } from '../../../src/contract/answer';
import { callResolver, flag } from '../../shared/bridge';
import { ConfirmDialog } from '../../shared/ConfirmDialog';
import { ProgressChart } from './Chart';
import { IssueLink } from '../../shared/IssueLink';
import { pct } from '../../shared/percent';
import { ImportMeasurements } from './ImportMeasurements';
import { addUnreadable, UnreadableNote } from './UnreadableNote';
import { keepFilters, readKeptFilters, sessionStore, type KeptFilters } from './kept-filters';
import { MeasurementForm, OutcomeForm } from './OutcomeForm';

/** Story points with the person's decimal mark ("2,5" in German): an estimate may be a fraction. */
const pointsText = (n: number, mark: DecimalMark) => amountText(n, null, mark);

function IssueCard({ issue }: { issue: MapIssue }) {
  const mark = useDecimalMark();
  return (
    <li className="ol-card" data-testid={`map-issue-${issue.key}`}>
      <IssueLink issueKey={issue.key} /> {issue.summary}
      <div className="ol-card-meta">
        <span className="ol-score-badge">
          score <Badge max={100}>{issue.score}</Badge>
        </span>
        <span className="ol-muted">{issue.statusName}</span>
        <span className="ol-muted">{issue.issueType}</span>
        {issue.estimate !== null ? (
          <span className="ol-muted">{pointsText(issue.estimate, mark)} pts</span>
        ) : null}
        {issue.via ? <span className="ol-muted">via {issue.via}</span> : null}
        {issue.zombie ? <Lozenge appearance="removed">zombie</Lozenge> : null}
        {issue.isRecipe ? <Lozenge appearance="moved">recipe</Lozenge> : null}
      </div>
    </li>
  );
}

/** Whether any filter narrows the map. */
const filtered = (filters: MapFilters): boolean =>
  filters.sprintId !== undefined ||
  filters.issueType !== undefined ||
  filters.assignee !== undefined ||
  filters.recipe === true;

/** Where the map's first load of the lanes is: on its way, failed, or answered (perhaps without this lane). */
type LanesState = 'loading' | 'failed' | 'loaded';

function LaneIssues({
  lane,
  filters,
  label,
  first,
  lanes,
  counted,
}: {
  lane: string;
  filters: MapFilters;
  label: string;
  first: MapPageData | undefined;
  lanes: LanesState;
  /** The open issues the lane's summary counted (perhaps at the last scan), when it counted any. */
  counted: number | undefined;
}) {
  const [issues, setIssues] = useState<MapIssue[]>(first?.issues ?? []);
  const [token, setToken] = useState<string | null>(first?.nextPageToken ?? null);
  const [unreadable, setUnreadable] = useState<UnreadableIssues | null>(first?.unreadable ?? null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  /** A lane the first load left out has been read on demand. */
  const [read, setRead] = useState(false);
  // The filters a page was asked for: an answer that comes back after they changed is dropped.
  const shownFilters = useRef(filters);
  shownFilters.current = filters;
  // New filters bring a new first load: what was read on demand under the old ones is dropped.
  useEffect(() => {
    setIssues(first?.issues ?? []);
    setToken(first?.nextPageToken ?? null);
    setUnreadable(first?.unreadable ?? null);
    setRead(false);
    setError(null);
  }, [first, filters]);
  const more = useCallback(async () => {
    setLoading(true);
    setError(null);
    const asked = filters;
    const answer = await callResolver<MapPageData>(R.mapPage, {
      lane,
      filters,
      pageToken: token,
      pageSize: 20,
    });
    setLoading(false);
    if (asked !== shownFilters.current) return;
    // What is listed stays; the error says what failed beside the button that tries again.
    if (!answer.ok) return setError(answer.error.message);
    setIssues((old) => [...old, ...answer.data.issues]);
    setToken(answer.data.nextPageToken);
    setUnreadable((so) => addUnreadable(so, answer.data.unreadable));
    setRead(true);
  }, [lane, filters, token]);
  const failed = error ? (
    <p className="ol-error" role="alert">
      {error}
    </p>
  ) : null;
  if (!first && lanes === 'failed')
    return <p className="ol-muted">Not loaded: see the message above the map.</p>;
  if (!first && lanes === 'loading') return <Spinner size="small" label={`Loading issues: ${label}`} />;
  // The lane's name is in what a screen reader hears, not in what is shown: a button cuts a long label short, and
  // the button sits in its lane already.
  const showVerb = error ? 'Try again' : 'Show issues';
  const moreVerb = error ? 'Try again' : 'Load more issues';
  // The first load reads the lanes looked at first; a project with many outcomes loads the others on demand.
  if (!first && !read)
    return (
      <>
        {failed}
        <Button isLoading={loading} onClick={() => void more()} aria-label={`${showVerb}: ${label}`}>
          {showVerb}
        </Button>
      </>
    );
  return (
    <>
      <ul className="ol-cards" aria-label={`Issues: ${label}`}>
        {issues.map((i) => (
          <IssueCard key={i.key} issue={i} />
        ))}
      </ul>
      {issues.length === 0 ? (
        <p className="ol-muted" data-testid="lane-empty">
          {counted
            ? // The count is the summary's, perhaps the last scan's; the list is read now.
              'No open issues here now: those counted above have closed or moved since, or are not visible to you.'
            : filtered(filters)
              ? 'No open issues here match the filters.'
              : 'No open issues here.'}
        </p>
      ) : null}
      <UnreadableNote unreadable={unreadable} leftOutOf="this list" testId="lane-unreadable" />
      {failed}
      {token ? (
        <Button isLoading={loading} onClick={() => void more()} aria-label={`${moreVerb}: ${label}`}>
          {moreVerb}
        </Button>
      ) : null}
    </>
  );
}

/**
 * A lane's share of all open work. Drawn unlike the progress bar (another colour, its own caption), as the two
 * answer different questions: how far the outcome has come, and how much of the backlog serves it.
 */
function Share({ lane, label }: { lane: LaneSummary; label: string }) {
  const mark = useDecimalMark();
  return (
    <div className="ol-lane-meta">
      {lane.count} open ({pct(lane.countShare)} of items
      {lane.estimate
        ? `, ${pointsText(lane.estimate, mark)} pts = ${pct(lane.estimateShare)} of estimate`
        : ''}
      ){lane.inherited ? `, ${lane.inherited} through an epic` : ''}
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

/**
 * Atlaskit's progress bar with the reading said in words: it sets role, label and a 0–1 value, and this adds
 * aria-valuetext ("50% of the way from 120 to 60"), which a screen reader reads instead of the bare number.
 */
function TargetProgress({ value, label, valueText }: { value: number; label: string; valueText: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    ref.current?.querySelector('[role="progressbar"]')?.setAttribute('aria-valuetext', valueText);
  }, [valueText]);
  return (
    <div ref={ref} className="ol-progress">
      <ProgressBar appearance="success" value={value} ariaLabel={label} testId="target-progress" />
    </div>
  );
}

/** The statuses an outcome is closed with; "active" is the one it is reopened to. */
type ClosedStatus = 'achieved' | 'abandoned';

function OutcomeLane(props: {
  outcome: OutcomeView;
  lane: LaneSummary | undefined;
  first: MapPageData | undefined;
  lanes: LanesState;
  filters: MapFilters;
  canEdit: boolean;
  /** Reloads the map after a change; `focusId` names the element that takes the keyboard once it has. */
  onChanged: (focusId: string) => void;
}) {
  const { outcome: o } = props;
  const mark = useDecimalMark();
  const amount = (n: number) => amountText(n, o.unit, mark);
  // Measured past the baseline the wrong way: the bar stops at 0%, and the words say it went the other way.
  const movedAway =
    o.progress.measuredAt !== null &&
    (o.target < o.baseline ? o.progress.current > o.baseline : o.progress.current < o.baseline);
  const [mode, setMode] = useState<'none' | 'edit' | 'measure'>('none');
  // What the confirmation asks about; kept while the dialog closes, so its text does not change as it fades.
  const [closeAs, setCloseAs] = useState<ClosedStatus>('achieved');
  const [asking, setAsking] = useState(false);
  const ask = (status: ClosedStatus) => {
    setCloseAs(status);
    setAsking(true);
  };
  // A second click before the first answers would send the same version again and be refused as a conflict:
  // the ref turns it away even before the disabled buttons have rendered.
  const sendingStatus = useRef(false);
  const [statusBusy, setStatusBusy] = useState(false);
  const changeStatus = async (send: () => Promise<Answer<OutcomeView>>, done: string, focusAfter: string) => {
    if (sendingStatus.current) return;
    sendingStatus.current = true;
    setStatusBusy(true);
    const answer = await send();
    sendingStatus.current = false;
    setStatusBusy(false);
    if (answer.ok) {
      flag(done, o.name);
      props.onChanged(focusAfter);
      return;
    }
    // The card is read again, so it shows what changed and a second click is sent on the newest version.
    const said =
      answer.error.code === 'CONFLICT'
        ? 'Someone else changed this outcome meanwhile. It now shows their version: check it, then try again.'
        : answer.error.message;
    flag('Outcome not changed', said, 'error');
    props.onChanged(`lane-${o.id}`);
  };
  const close = () => {
    setAsking(false);
    void changeStatus(
      () => callResolver<OutcomeView>(R.archiveOutcome, { id: o.id, version: o.version, status: closeAs }),
      `Outcome ${closeAs}`,
      // Its undo, in the place of the button that closed it.
      `reopen-${o.id}`,
    );
  };
  const reopen = () =>
    void changeStatus(
      () => callResolver<OutcomeView>(R.reopenOutcome, { id: o.id, version: o.version }),
      'Outcome active again',
      `lane-${o.id}`,
    );
  // What the card says after a form closed (a reading that let the oldest go); cleared by the next one.
  const [note, setNote] = useState<string | null>(null);
  // Saved or cancelled, the keyboard goes back to the button that opened the form: after a save, once the map
  // has reloaded and drawn that button anew.
  const done = (changed: boolean, said: string | null = null) => {
    const opener = `${mode}-${o.id}-open`;
    setNote(said);
    setMode('none');
    if (changed) props.onChanged(opener);
    else setTimeout(() => document.getElementById(opener)?.focus(), 0);
  };
  return (
    <article className="ol-lane" aria-labelledby={`lane-${o.id}`} data-testid={`lane-${o.id}`}>
      <div className="ol-lane-head">
        {/* Focusable from script only: the keyboard lands here when the button it came from is gone. */}
        <h3 id={`lane-${o.id}`} tabIndex={-1}>
          {o.name}
        </h3>
        {o.status !== 'active' ? (
          <Lozenge appearance={o.status === 'achieved' ? 'success' : 'default'}>{o.status}</Lozenge>
        ) : null}
      </div>
      <div className="ol-lane-meta">
        {/* Before the first measurement the baseline is a plan, not a reading: say so instead of "120 now". */}
        {o.progress.measuredAt === null
          ? `${o.metric}: not measured yet, from ${amount(o.baseline)} to ${amount(o.target)} by ${o.dueDate}`
          : `${o.metric}: ${amount(o.progress.current)} now, from ${amount(o.baseline)} to ${amount(o.target)} by ${o.dueDate}`}
      </div>
      <div className="ol-bar-caption" aria-hidden="true">
        Progress to target: {pct(o.progress.fraction)}
        {movedAway ? ' (moved away from it)' : ''}
      </div>
      <TargetProgress
        value={o.progress.fraction}
        label={`Progress to target: ${o.name}`}
        valueText={`${pct(o.progress.fraction)} of the way from ${amount(o.baseline)} to ${amount(o.target)}${movedAway ? `: it moved away from the target, to ${amount(o.progress.current)}` : ''}`}
      />
      {o.measurements.length ? (
        <>
          <ProgressChart outcome={o} />
          {o.measurementsHeld > o.measurements.length ? (
            <p className="ol-help" data-testid={`chart-window-${o.id}`}>
              The chart shows the latest {o.measurements.length} of the {o.measurementsHeld} measurements
              held.
            </p>
          ) : null}
        </>
      ) : (
        <p className="ol-muted" data-testid={`no-measurements-${o.id}`}>
          No measurements yet: the chart starts with the first one.
        </p>
      )}
      {props.lane ? <Share lane={props.lane} label={o.name} /> : null}
      {props.canEdit ? (
        <div className="ol-actions">
          <Button
            id={`edit-${o.id}-open`}
            aria-expanded={mode === 'edit'}
            onClick={() => setMode('edit')}
            aria-label={`Edit ${o.name}`}
          >
            Edit
          </Button>
          <Button
            id={`measure-${o.id}-open`}
            aria-expanded={mode === 'measure'}
            onClick={() => setMode('measure')}
            aria-label={`Measure ${o.name}`}
          >
            Measure
          </Button>
          {o.status === 'active' ? (
            <>
              <Button
                onClick={() => ask('achieved')}
                aria-label={`Mark ${o.name} achieved`}
                aria-haspopup="dialog"
                isDisabled={statusBusy}
              >
                Achieved
              </Button>
              <Button
                onClick={() => ask('abandoned')}
                aria-label={`Abandon ${o.name}`}
                aria-haspopup="dialog"
                isDisabled={statusBusy}
              >
                Abandon
              </Button>
            </>
          ) : (
            <Button
              id={`reopen-${o.id}`}
              onClick={reopen}
              aria-label={`Make active again: ${o.name}`}
              isDisabled={statusBusy}
            >
              Make active again
            </Button>
          )}
        </div>
      ) : null}
      <ConfirmDialog
        open={asking}
        title={closeAs === 'achieved' ? `Mark "${o.name}" achieved?` : `Abandon "${o.name}"?`}
        confirmLabel={closeAs === 'achieved' ? 'Mark achieved' : 'Abandon outcome'}
        onConfirm={close}
        onCancel={() => setAsking(false)}
      >
        <p>
          {closeAs === 'achieved'
            ? 'It is closed as reached: the target has been met.'
            : 'It is closed as given up: nobody works toward it any more.'}{' '}
          Work can no longer be linked to it from the issue panel, Relink or the bulk link; the issues linked
          to it stay linked, and its measurements stay on the card. You can make it active again later.
        </p>
      </ConfirmDialog>
      {note ? (
        <p className="ol-help" role="status" data-testid={`measure-note-${o.id}`}>
          {note}
        </p>
      ) : null}
      {mode === 'edit' ? <OutcomeForm outcome={o} onDone={done} /> : null}
      {mode === 'measure' ? <MeasurementForm outcome={o} onDone={done} /> : null}
      {props.canEdit ? (
        <ImportMeasurements outcome={o} onImported={() => props.onChanged(`import-${o.id}-open`)} />
      ) : null}
      <LaneIssues
        lane={o.id}
        filters={props.filters}
        label={o.name}
        first={props.first}
        lanes={props.lanes}
        counted={props.lane?.count}
      />
    </article>
  );
}

interface Choice {
  value: string;
  label: string;
}

/** A filter: Atlaskit's select under a visible label that names it. */
function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  /** What a chosen value was called when chosen: shown if the options no longer list it. */
  keptName?: string;
  options: Choice[];
  onChange: (value: string, name: string) => void;
}) {
  const listed = props.options.find((o) => o.value === props.value);
  return (
    <div className="ol-filter">
      <Label htmlFor={props.id}>{props.label}</Label>
      <Select<Choice>
        inputId={props.id}
        value={
          listed ??
          (props.value ? { value: props.value, label: props.keptName ?? props.value } : props.options[0])
        }
        options={props.options}
        onChange={(choice) => props.onChange(choice?.value ?? '', choice?.label ?? '')}
      />
    </div>
  );
}

export function OutcomeMap({
  page,
  onOutcomesChanged,
  unlinkedLaneExtra,
}: {
  page: ProjectPageLoadData;
  onOutcomesChanged: () => Promise<void>;
  /**
   * Drawn at the head of the "serves no outcome" lane, above its issues (a selection or bulk-link control),
   * with the filters in force: the lane's issues are the ones those filters show. `reload` counts the map and
   * reads its lanes again (after items were linked).
   */
  unlinkedLaneExtra?: (filters: MapFilters, reload: () => void) => ReactNode;
}) {
  // Kept for the tab across reloads (kept-filters.ts).
  const [kept, setKept] = useState<KeptFilters>(() => readKeptFilters(sessionStore(), page.projectKey));
  const filters = kept.filters;
  useEffect(() => keepFilters(sessionStore(), page.projectKey, kept), [kept, page.projectKey]);
  const [summary, setSummary] = useState<MapSummaryData | null>(null);
  const [pages, setPages] = useState<MapPageData[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [lanesFailed, setLanesFailed] = useState(false);
  const [creating, setCreating] = useState(false);
  const [generation, setGeneration] = useState(0);
  const mark = useDecimalMark();

  useEffect(() => {
    let live = true;
    setPages(null);
    setError(null);
    setLanesFailed(false);
    // Counts and the lanes' first pages load side by side: each is its own function invocation.
    void callResolver<MapSummaryData>(R.mapSummary, { filters }).then((answer) => {
      if (!live) return;
      if (answer.ok) setSummary(answer.data);
      else setError(answer.error.message);
    });
    void callResolver<MapLanesData>(R.mapLanes, { filters, pageSize: 20 }).then((answer) => {
      if (!live) return;
      if (answer.ok) setPages(answer.data.lanes);
      else {
        setLanesFailed(true);
        setError(answer.error.message);
      }
    });
    return () => {
      live = false;
    };
  }, [filters, generation]);

  // A change can take away the control that had the keyboard (a closed outcome's buttons give way to its
  // Make active again): the change names where the keyboard goes once the map is read again.
  const focusAfterReload = useRef<string | null>(null);
  const changed = (focusId: string | null = null) => {
    focusAfterReload.current = focusId;
    void onOutcomesChanged().then(() => setGeneration((g) => g + 1));
  };
  useEffect(() => {
    const id = focusAfterReload.current;
    focusAfterReload.current = null;
    if (id) document.getElementById(id)?.focus();
  }, [generation]);
  const options = summary?.filterOptions;
  const laneOf = (id: string) => summary?.lanes.find((l) => l.lane === id);
  const none = laneOf(NO_OUTCOME);
  const pageOf = (id: string) => pages?.find((p) => p.lane === id);
  const lanesState: LanesState = lanesFailed ? 'failed' : pages === null ? 'loading' : 'loaded';
  const setFilter = (key: 'sprintId' | 'issueType' | 'assignee') => (value: string, name: string) => {
    const next: MapFilters = { ...filters };
    const names = { ...kept.names };
    delete names[key];
    if (!value) delete next[key];
    else {
      if (key === 'sprintId') next.sprintId = Number(value);
      else next[key] = value;
      names[key] = name;
    }
    setKept({ filters: next, names });
  };
  const setRecipeOnly = (on: boolean) => {
    const { recipe: _recipe, ...rest } = filters;
    setKept({ filters: on ? { ...rest, recipe: true } : rest, names: kept.names });
  };

  return (
    <div className="ol-stack">
      {page.dryRun ? (
        <SectionMessage appearance="information" title="Dry run is on">
          <p>The scan shows what it would flag but writes nothing.</p>
        </SectionMessage>
      ) : null}
      <div className="ol-filters" role="search" aria-label="Filter the map">
        <FilterSelect
          id="filter-sprint"
          label="Sprint"
          value={filters.sprintId ? String(filters.sprintId) : ''}
          keptName={kept.names.sprintId}
          onChange={setFilter('sprintId')}
          options={[
            { value: '', label: 'All sprints' },
            ...(options?.sprints ?? []).map((s) => ({ value: String(s.id), label: s.name })),
          ]}
        />
        <FilterSelect
          id="filter-type"
          label="Type"
          value={filters.issueType ?? ''}
          keptName={kept.names.issueType}
          onChange={setFilter('issueType')}
          options={[
            { value: '', label: 'All types' },
            ...(options?.issueTypes ?? []).map((t) => ({ value: t, label: t })),
          ]}
        />
        <FilterSelect
          id="filter-assignee"
          label="Assignee"
          value={filters.assignee ?? ''}
          keptName={kept.names.assignee}
          onChange={setFilter('assignee')}
          options={[
            { value: '', label: 'Anyone' },
            { value: 'unassigned', label: 'Unassigned' },
            ...(options?.assignees ?? []).map((a) => ({ value: a.accountId, label: a.displayName })),
          ]}
        />
        <div className="ol-filter ol-filter-check">
          {/* The filter reads the recipe flag the scan writes: before a scan it would find none. */}
          <Checkbox
            id="filter-recipe"
            label={
              page.lastScanAt ? 'Recipes only (as of the last scan)' : 'Recipes only (after the first scan)'
            }
            isChecked={filters.recipe === true}
            isDisabled={!page.lastScanAt && filters.recipe !== true}
            onChange={(e) => setRecipeOnly(e.target.checked)}
          />
        </div>
        {filtered(filters) ? (
          <Button
            appearance="subtle"
            onClick={() => {
              setKept({ filters: {}, names: {} });
              // The button goes with the filters: focus goes back to the first of them.
              setTimeout(() => document.getElementById('filter-sprint')?.focus(), 0);
            }}
          >
            Clear filters
          </Button>
        ) : null}
        {page.permissions.canEditOutcomes ? (
          <Button id="new-outcome-open" appearance="primary" onClick={() => setCreating(true)}>
            New outcome
          </Button>
        ) : (
          <span className="ol-muted">{page.permissions.outcomesReadOnlyReason}</span>
        )}
      </div>
      {creating ? (
        <OutcomeForm
          onDone={(c) => {
            setCreating(false);
            if (c) changed('new-outcome-open');
            else setTimeout(() => document.getElementById('new-outcome-open')?.focus(), 0);
          }}
        />
      ) : null}
      {error ? (
        <div role="alert">
          <SectionMessage appearance="error" title="The map could not load">
            <p>{error}</p>
            <Button onClick={() => setGeneration((g) => g + 1)}>Try again</Button>
          </SectionMessage>
        </div>
      ) : null}
      <UnreadableNote unreadable={summary?.unreadable} leftOutOf="the counts below" testId="map-unreadable" />
      {summary?.truncated ? (
        <SectionMessage appearance="warning" title="Large backlog" testId="map-truncated">
          <p>
            Counted the first {summary.total} open issues; the project has more, so the counts and shares
            below are of those.{' '}
            {summary.liveBecause === 'filter'
              ? 'The last scan counted the whole backlog, but not by this filter: this view is counted now. Fewer filters show the scan’s figures.'
              : summary.liveBecause === 'access'
                ? 'This view is counted now, from the issues you can see.'
                : 'The daily scan counts the whole backlog: after it has run, the map shows its figures.'}
          </p>
        </SectionMessage>
      ) : null}
      {summary ? (
        <p className="ol-muted" data-testid="map-total">
          {summary.total} open items, {pointsText(summary.totalEstimate, mark)} story points in this view
          {summary.asOf
            ? `, as of the scan at ${summary.asOf.slice(0, 16).replace('T', ' ')} UTC (the lanes' issues below are live).`
            : summary.liveBecause === 'filter'
              ? ', counted now: the last scan did not count this view.'
              : summary.liveBecause === 'access'
                ? ', counted now from the issues you can see.'
                : ', counted now: no scan has counted this view yet.'}
        </p>
      ) : error ? null : (
        <Spinner label="Counting open work" />
      )}
      {/* Lanes carry level-three headings: this keeps the outline in order for screen readers. */}
      <h2 className="ol-sr-only">Outcomes and the work that serves them</h2>
      {/* Not drawn anew after a change: a form open in another lane keeps what is typed in it. */}
      <div className="ol-lanes">
        <article className="ol-lane ol-lane-none" aria-labelledby="lane-none-title" data-testid="lane-none">
          <div className="ol-lane-head">
            <h3 id="lane-none-title">Serves no outcome</h3>
            {none ? <Badge appearance="important">{none.count}</Badge> : null}
          </div>
          {none ? <Share lane={none} label="serves no outcome" /> : null}
          {unlinkedLaneExtra ? unlinkedLaneExtra(filters, () => changed()) : null}
          <LaneIssues
            lane={NO_OUTCOME}
            filters={filters}
            label="serves no outcome"
            first={pageOf(NO_OUTCOME)}
            lanes={lanesState}
            counted={none?.count}
          />
        </article>
        {page.outcomes.map((o) => (
          <OutcomeLane
            key={o.id}
            outcome={o}
            lane={laneOf(o.id)}
            first={pageOf(o.id)}
            lanes={lanesState}
            filters={filters}
            canEdit={page.permissions.canEditOutcomes}
            onChanged={changed}
          />
        ))}
      </div>
    </div>
  );
}
