import Button from '@atlaskit/button/new';
import EmptyState from '@atlaskit/empty-state';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import Tooltip from '@atlaskit/tooltip';
import { useEffect, useRef, useState } from 'react';
import { PROJECT_PAGE_RESOLVERS as R } from '../../../src/contract/project-page-keys';
import type {
  HealthData,
  HealthRecipesData,
  ProjectPageLoadData,
  ScanNowData,
  UnreadableIssues,
} from '../../../src/contract/project-page';
import type { HealthExample } from '../../../src/domain/backlog-health';
import { callResolver, flag } from '../../shared/bridge';
import { ruleLabel } from '../../../src/domain/zombie-rule-labels';
import { download, healthCsv, recipesCsv } from './csv';
import { LoadError } from '../../shared/LoadError';
import { IssueLink } from '../../shared/IssueLink';
import { pct } from '../../shared/percent';
import { topReporters } from './reporters';
import { ScanRuns } from './ScanRuns';
import { addUnreadable, UnreadableNote } from './UnreadableNote';
import { movementText, recipesStatus, scoresText } from './health-words';
import { useDecimalMark } from '../../shared/useDecimalMark';

/**
 * How one figure moved since the last scan, in words: "Recipe share: +3 percentage points since the last
 * scan", or "no change". Nothing when there is no earlier scan or no figure to compare.
 */
function Movement({
  what,
  change,
  unit,
  firstScan = false,
}: {
  what: string;
  change: number | null | undefined;
  unit?: string;
  /** The one scan so far counted these figures: there is nothing earlier to compare with. */
  firstScan?: boolean;
}) {
  const mark = useDecimalMark();
  const text = movementText(change, { unit, firstScan, mark });
  if (text === null) return null;
  return (
    <p className="ol-help">
      {what}: {text}
    </p>
  );
}

function Bar({ label, count, share }: { label: string; count: number; share: number }) {
  return (
    <div className="ol-hbar">
      <span>{label}</span>
      <div className="ol-share" role="img" aria-label={`${label}: ${count}, ${pct(share)}`}>
        <span style={{ width: pct(share) }} />
      </div>
      <span>
        {count} ({pct(share)})
      </span>
    </div>
  );
}

/** How many recipes one "Load more" gathers at least, reading page after page, before it stops. */
const RECIPES_PER_STEP = 20;

/** The list of every recipe as it was last shown: read again, as far, when the figures are counted again. */
export interface ListedRecipes {
  recipes: HealthExample[];
  /** The whole open backlog had been read. */
  done: boolean;
}

/**
 * Every recipe of the open backlog, not a sample: read on request, a batch at a time, with "Load more", or all
 * at once for the CSV export. A list that was open when the figures were counted again (`listed`, after a scan
 * or a dry run) stays open: it is read again from Jira, as far as it went, and shown meanwhile as it was.
 */
function AllRecipes({
  count,
  projectKey,
  asOf,
  truncated,
  listed,
  onListed,
}: {
  count: number;
  projectKey: string;
  /** When the scan that counted `count` finished; null when it was counted now, for this page. */
  asOf: string | null;
  /** `count` covers the first 1,000 open items only (counted now, over a larger backlog). */
  truncated: boolean;
  /** The list as it was shown before the figures were counted again; null when it was not open. */
  listed: ListedRecipes | null;
  /** Told what the list shows each time a read of it ends; null when it is no longer shown. */
  onListed: (listed: ListedRecipes | null) => void;
}) {
  const [recipes, setRecipes] = useState<HealthExample[]>(listed?.recipes ?? []);
  const [token, setToken] = useState<string | null>(null);
  const [started, setStarted] = useState(listed !== null);
  const [done, setDone] = useState(listed?.done ?? false);
  // A list kept open is being read again: busy from the first render, so Load more and the export wait for it.
  const [busy, setBusy] = useState(listed !== null);
  // The list shown is the one read before the figures were counted again, until it has been read again.
  const [refreshing, setRefreshing] = useState(listed !== null);
  const [error, setError] = useState<string | null>(null);
  const [unreadable, setUnreadable] = useState<UnreadableIssues | null>(null);
  // A read that ends after the figures were counted again (this list replaced by a fresh one) tells no one.
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );
  /**
   * Reads on from where the list stopped (or afresh, `again`): a batch of at least `atLeast`, or every page left
   * (`toEnd`). Answers the whole list once it is complete; null while pages are left or a page could not be read
   * (its message is shown).
   */
  const read = async (
    toEnd: boolean,
    { again = false, atLeast = RECIPES_PER_STEP }: { again?: boolean; atLeast?: number } = {},
  ): Promise<HealthExample[] | null> => {
    setBusy(true);
    setError(null);
    let next = started && !again ? token : null;
    let complete = false;
    const found: HealthExample[] = [];
    let leftOut: UnreadableIssues | null = null;
    let failed = false;
    for (;;) {
      const answer = await callResolver<HealthRecipesData>(R.healthRecipes, { pageToken: next });
      if (!alive.current) return null;
      if (!answer.ok) {
        setError(answer.error.message);
        failed = true;
        break;
      }
      found.push(...answer.data.recipes);
      leftOut = addUnreadable(leftOut, answer.data.unreadable);
      next = answer.data.nextPageToken;
      complete = !next;
      if (complete || (!toEnd && found.length >= atLeast)) break;
    }
    if (again) setRefreshing(false);
    // A list that could not be read again is not shown as it was (it may be out of date): its message is, and
    // the button to list it afresh.
    if (again && failed) {
      setRecipes([]);
      setToken(null);
      setStarted(false);
      setDone(false);
      setBusy(false);
      onListed(null);
      return null;
    }
    const list = again ? found : [...recipes, ...found];
    setDone(complete);
    setStarted(true);
    setToken(next);
    setRecipes(list);
    setUnreadable((so) => (again ? leftOut : addUnreadable(so, leftOut)));
    setBusy(false);
    onListed({ recipes: list, done: complete });
    return complete ? list : null;
  };
  // Open before the figures were counted again: read again, as far as it went.
  useEffect(() => {
    if (listed)
      void read(listed.done, { again: true, atLeast: Math.max(listed.recipes.length, RECIPES_PER_STEP) });
    // Once, for the list this one replaces.
  }, []);
  const exportAll = async () => {
    const all = done ? recipes : await read(true);
    if (all) download(`recipes-${projectKey}.csv`, recipesCsv(all), 'text/csv;charset=utf-8');
  };
  // None to list only when the count is of the whole open backlog as it is now: a scan's count may be days old,
  // and a count over the first 1,000 items may miss every recipe.
  if (count === 0 && asOf === null && !truncated && !started) return null;
  return (
    <div data-testid="all-recipes">
      {started ? (
        <ul aria-label="Every recipe" aria-busy={busy}>
          {recipes.map((e) => (
            <li key={e.key}>
              <IssueLink issueKey={e.key} /> {e.summary}{' '}
              <span className="ol-muted">({e.phrases.map((p) => `“${p}”`).join(', ')})</span>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p className="ol-error" role="alert">
          {error}
        </p>
      ) : null}
      <UnreadableNote unreadable={unreadable} leftOutOf="this list" testId="recipes-unreadable" />
      <p className="ol-help" role="status">
        {recipesStatus({ count, listed: recipes.length, started, done, asOf, truncated, refreshing })}
      </p>
      <div className="ol-actions">
        {!done ? (
          <Button isLoading={busy} onClick={() => void read(false)}>
            {started ? 'Load more recipes' : 'List every recipe'}
          </Button>
        ) : null}
        <Button isDisabled={busy} onClick={() => void exportAll()}>
          Export every recipe as CSV
        </Button>
      </div>
    </div>
  );
}

export function Health({
  page,
  startedTick = 0,
  scanInNotice = false,
  onScanned,
}: {
  page: ProjectPageLoadData;
  startedTick?: number;
  /** Told when a scan started from this page has finished: the page's own figures are then out of date. */
  onScanned?: () => void;
  /** The first-day notice above offers Scan now and the dry run: one place to start a scan, not two. */
  scanInNotice?: boolean;
}) {
  const [data, setData] = useState<HealthData | null>(null);
  // Counts the figures' loads: the list of every recipe is read again with each, so it and its export are not
  // a list read before a scan changed the figures it is told against.
  const [loads, setLoads] = useState(0);
  // The list of every recipe as last shown, if it was opened: it stays open when the figures are counted again.
  const listedRecipes = useRef<ListedRecipes | null>(null);
  const mark = useDecimalMark();
  const [error, setError] = useState<string | null>(null);
  // Bumped when this page started a run: the run list waits for it to show up and finish.
  const [scanTick, setScanTick] = useState(0);
  // Bumped when the request found a run already going: the run list follows that one, and waits for no new one.
  const [watchTick, setWatchTick] = useState(0);
  const load = () =>
    callResolver<HealthData>(R.health, {}).then((a) => {
      if (!a.ok) return setError(a.error.message);
      setData(a.data);
      setLoads((n) => n + 1);
      setError(null);
    });
  useEffect(() => {
    void load();
  }, []);
  // Which scan is being asked for. The ref is set at the first press, before React draws the button as busy: a
  // second press (a double click) in between sends nothing more.
  const [starting, setStarting] = useState<'scan' | 'dry run' | null>(null);
  const startingNow = useRef(false);
  // A run is going or awaited (as the run list last found it, or since this page started one): Scan now and the
  // dry run wait for it to end, as the app would only answer that a scan is already running.
  const [runGoing, setRunGoing] = useState(false);
  const scan = async (dryRun: boolean) => {
    if (startingNow.current || runGoing) return;
    startingNow.current = true;
    setStarting(dryRun ? 'dry run' : 'scan');
    const a = await callResolver<ScanNowData>(R.scanNow, dryRun ? { dryRun } : {});
    startingNow.current = false;
    setStarting(null);
    if (a.ok) {
      // Busy until the run list has looked: it then says whether the run is still going.
      setRunGoing(true);
      // "Already running" means this request yielded to the run in progress.
      flag(a.data.started ? (dryRun ? 'Dry run' : 'Scan') : 'Scan already running', a.data.message);
      if (a.data.started) setScanTick((n) => n + 1);
      else setWatchTick((n) => n + 1);
      await load();
    } else flag('Scan not started', a.error.message, 'error');
  };
  if (error) return <LoadError title="Backlog health could not load" message={error} onRetry={load} />;
  if (!data) return <Spinner label="Loading backlog health" />;
  const c = data.current;
  const m = data.movement;
  // The last scan is the one that counted "now" when it is the only one: say so rather than "no change".
  const firstScan = data.asOf !== null && data.lastScan?.at === data.asOf;
  return (
    <div className="ol-stack">
      <div className="ol-actions">
        <Button
          isDisabled={!c}
          onClick={() =>
            download(`backlog-health-${page.projectKey}.csv`, healthCsv(data), 'text/csv;charset=utf-8')
          }
        >
          Export backlog health as CSV
        </Button>
        {page.permissions.isAdmin && !scanInNotice ? (
          <>
            <Tooltip content="Flags zombies, clears flags and updates scores in Jira now, as the daily scan does">
              <Button
                isLoading={starting === 'scan'}
                isDisabled={starting === 'dry run' || runGoing}
                onClick={() => void scan(false)}
              >
                Scan now
              </Button>
            </Tooltip>
            <Tooltip content="Lists what a scan would change, without writing anything to Jira">
              <Button
                isLoading={starting === 'dry run'}
                isDisabled={starting === 'scan' || runGoing}
                onClick={() => void scan(true)}
              >
                Dry run (writes nothing)
              </Button>
            </Tooltip>
          </>
        ) : null}
        <span className="ol-muted" data-testid="health-as-of">
          {data.asOf
            ? `Figures as of the scan at ${data.asOf.slice(0, 16).replace('T', ' ')} UTC. `
            : data.liveBecause === 'access'
              ? 'These figures were counted now, from the issues you can see. '
              : 'No scan has counted the backlog yet: these figures were counted now. '}
          {firstScan
            ? 'One scan so far: movement shows from the next one.'
            : data.lastScan?.at
              ? `Changes are since the last scan, ${data.lastScan.at.slice(0, 16).replace('T', ' ')}.`
              : data.liveBecause === 'access'
                ? ''
                : 'No scan yet: no movement to show.'}
        </span>
      </div>
      <ScanRuns
        tick={scanTick + startedTick}
        watchTick={watchTick}
        onGoing={setRunGoing}
        onFinished={() => {
          // The figures above are the scan's: count them again, as the page does its notice.
          void load();
          onScanned?.();
        }}
      />
      <UnreadableNote unreadable={data.unreadable} leftOutOf="the figures below" testId="health-unreadable" />
      {data.truncated ? (
        <SectionMessage appearance="warning" title="Large backlog">
          <p>This report covers the first 1,000 open items; the daily scan counts them all.</p>
        </SectionMessage>
      ) : null}
      {c.total === 0 ? (
        <EmptyState
          headingLevel={2}
          headingSize="xsmall"
          header="No open work"
          description="There are no open issues in this project."
        />
      ) : (
        <>
          <h2 className="ol-heading">Who wrote the stories?</h2>
          {topReporters(c.reporters, c.total).map((r) => (
            <Bar key={r.label} label={r.label} count={r.count} share={r.share} />
          ))}
          <h2 className="ol-heading">Recipes or problems?</h2>
          <Movement
            firstScan={firstScan}
            what="Recipe share"
            change={m && m.recipeShare * 100}
            unit="percentage points"
          />
          <Bar label="Recipes" count={c.recipes.count} share={c.recipes.share} />
          <Bar label="Problems" count={c.problems.count} share={c.problems.share} />
          <AllRecipes
            key={loads}
            count={c.recipes.count}
            projectKey={page.projectKey}
            asOf={data.asOf}
            truncated={data.truncated}
            listed={listedRecipes.current}
            onListed={(listed) => {
              listedRecipes.current = listed;
            }}
          />
          <h2 className="ol-heading">Which outcome does each serve?</h2>
          <Movement
            firstScan={firstScan}
            what="Linked share"
            change={m && m.linkedShare * 100}
            unit="percentage points"
          />
          <Bar label="Linked directly" count={c.links.direct.count} share={c.links.direct.share} />
          <Bar label="Through an epic" count={c.links.inherited.count} share={c.links.inherited.share} />
          <Bar label="Serves no outcome" count={c.links.none.count} share={c.links.none.share} />
          <h2 className="ol-heading">Scores</h2>
          <Movement firstScan={firstScan} what="Mean score" change={m?.meanScore} unit="points" />
          {c.scores.buckets.map((b) => (
            <Bar
              key={b.from}
              label={`${b.from}–${b.to}`}
              count={b.count}
              share={c.total ? b.count / c.total : 0}
            />
          ))}
          <p className="ol-muted">{scoresText(c.scores.mean, c.scores.median, mark)}</p>
          <h2 className="ol-heading">Zombies</h2>
          <Movement firstScan={firstScan} what="Zombies" change={m?.zombies} />
          {Object.entries(c.zombies.byRule).map(([rule, n]) => (
            <Bar key={rule} label={ruleLabel(rule)} count={n} share={c.total ? n / c.total : 0} />
          ))}
        </>
      )}
    </div>
  );
}
