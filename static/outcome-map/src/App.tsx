import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import {
  PROJECT_PAGE_RESOLVERS as R,
  type ProjectPageLoadData,
  type ScanNowData,
} from '../../../src/contract/project-page';
import { callResolver, flag } from '../../shared/bridge';
import { Message } from '../../shared/Message';
import { Health } from './Health';
import { KillReview } from './KillReview';
import { OutcomeMap } from './OutcomeMap';

const TABS = [
  { id: 'map', label: 'Outcome map' },
  { id: 'kill', label: 'Kill review' },
  { id: 'health', label: 'Backlog health' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function App() {
  const [data, setData] = useState<ProjectPageLoadData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<TabId>('map');
  // Bumped when a scan starts from the first-day notice: backlog health's run list then follows it.
  const [scanTick, setScanTick] = useState(0);
  const tabRefs = useRef<Array<HTMLButtonElement | null>>([]);

  const reload = useCallback(async () => {
    const answer = await callResolver<ProjectPageLoadData>(R.load);
    if (answer.ok) {
      setData(answer.data);
      setError(null);
    } else setError(answer.error.message);
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  // Arrow keys move between tabs, as the WAI-ARIA tabs pattern asks.
  const onKey = (e: KeyboardEvent, index: number) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = (index + step + TABS.length) % TABS.length;
    setTab(TABS[next]!.id);
    tabRefs.current[next]?.focus();
  };

  if (error)
    return (
      <main className="ol-root">
        <Message appearance="error" title="Outcome Lens could not load this project" testId="load-error">
          <p>{error}</p>
        </Message>
      </main>
    );
  if (!data)
    return (
      <main className="ol-root" aria-busy="true">
        <p className="ol-muted">Loading outcomes…</p>
      </main>
    );
  return (
    <main className="ol-root">
      {/* The host page shows the title; the frame needs its own level-one heading for screen readers. */}
      <h1 className="ol-sr-only">Outcome Lens for {data.projectKey}</h1>
      <div role="tablist" aria-label="Outcome Lens views" className="ol-tabs">
        {TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            className="ol-tab"
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => onKey(e, i)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {data.lastScanAt === null ? (
        <NeverScanned
          page={data}
          onStarted={() => {
            setScanTick((n) => n + 1);
            setTab('health');
          }}
        />
      ) : null}
      <section role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'map' ? <OutcomeMap page={data} onOutcomesChanged={reload} /> : null}
        {tab === 'kill' ? <KillReview page={data} /> : null}
        {tab === 'health' ? <Health page={data} startedTick={scanTick} /> : null}
      </section>
    </main>
  );
}

/**
 * Shown above every tab until a live scan has finished: an empty kill review or zero zombies then means
 * "not judged yet", not "nothing lingers". Admins can look first with a dry run (writes nothing to Jira).
 */
function NeverScanned({ page, onStarted }: { page: ProjectPageLoadData; onStarted: () => void }) {
  const [busy, setBusy] = useState(false);
  const start = async (dryRun: boolean) => {
    setBusy(true);
    const a = await callResolver<ScanNowData>(R.scanNow, dryRun ? { dryRun } : {});
    setBusy(false);
    if (!a.ok) return flag('Scan not started', a.error.message, 'error');
    flag(a.data.started ? (dryRun ? 'Dry run' : 'Scan') : 'Scan already running', a.data.message);
    onStarted();
  };
  return (
    <Message appearance="warning" title="This project has not been scanned yet" testId="never-scanned">
      <p>
        No item of {page.projectKey} has been judged: the kill review is empty and backlog health counts no
        zombies because nothing was looked at, not because nothing lingers.
      </p>
      {page.permissions.isAdmin ? (
        <div className="ol-actions">
          <button type="button" className="ol-btn" disabled={busy} onClick={() => void start(true)}>
            Dry run: show what would be flagged (writes nothing to Jira)
          </button>
          <button type="button" className="ol-btn" disabled={busy} onClick={() => void start(false)}>
            Scan now
          </button>
        </div>
      ) : (
        <p>A project administrator can run a first scan, or a dry run that writes nothing, from here.</p>
      )}
    </Message>
  );
}
