import Button from '@atlaskit/button/new';
import SectionMessage from '@atlaskit/section-message';
import Spinner from '@atlaskit/spinner';
import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import { useCallback, useEffect, useState } from 'react';
import { PROJECT_PAGE_RESOLVERS as R } from '../../../src/contract/project-page-keys';
import type { ProjectPageLoadData, ScanNowData } from '../../../src/contract/project-page';
import { callResolver, flag, personDecimalMark } from '../../shared/bridge';
import { Health } from './Health';
import { KillReview } from './KillReview';
import { BulkLink } from './BulkLink';
import { OutcomeMap } from './OutcomeMap';
import { ResultsReview } from './ResultsReview';
import { ShippedTab } from './ShippedTab';

const TABS = [
  { id: 'map', label: 'Outcome map' },
  { id: 'kill', label: 'Kill review' },
  { id: 'results', label: 'Results review' },
  { id: 'health', label: 'Backlog health' },
  { id: 'shipped', label: 'Shipped vs moved' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function App() {
  const [data, setData] = useState<ProjectPageLoadData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<TabId>('map');
  // Bumped when a scan starts from the first-day notice: backlog health's run list then follows it.
  const [scanTick, setScanTick] = useState(0);

  const reload = useCallback(async () => {
    // The person's decimal mark is asked for with the page, so the forms show and read numbers with it.
    const [answer] = await Promise.all([callResolver<ProjectPageLoadData>(R.load), personDecimalMark()]);
    if (answer.ok) {
      setData(answer.data);
      setError(null);
    } else setError(answer.error.message);
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  const tryAgain = (
    <Button testId="load-again" onClick={() => void reload()}>
      Try again
    </Button>
  );
  if (error && !data)
    return (
      <main className="ol-root">
        <div role="alert">
          <SectionMessage
            appearance="error"
            title="Outcome Lens could not load this project"
            testId="load-error"
          >
            <p>{error}</p>
            {tryAgain}
          </SectionMessage>
        </div>
      </main>
    );
  if (!data)
    return (
      <main className="ol-root" aria-busy="true">
        <Spinner label="Loading outcomes" />
      </main>
    );
  const selected = TABS.findIndex((t) => t.id === tab);
  // Above every view until a live scan has run: Atlaskit's Tabs takes only the tab list and panels as children.
  const notice =
    data.lastScanAt === null ? (
      <NeverScanned
        page={data}
        onStarted={() => {
          setScanTick((n) => n + 1);
          setTab('health');
        }}
      />
    ) : null;
  return (
    <main className="ol-root">
      {/* The host page shows the title; the frame needs its own level-one heading for screen readers. */}
      <h1 className="ol-sr-only">Outcome Lens for {data.projectKey}</h1>
      {/* A refresh after a change that failed: the page as it was stays, with what is open in it. */}
      {error ? (
        <div role="alert">
          <SectionMessage
            appearance="warning"
            title="Outcome Lens could not refresh this page"
            testId="refresh-error"
          >
            <p>{error} What you see may be out of date.</p>
            {tryAgain}
          </SectionMessage>
        </div>
      ) : null}
      {/* Atlaskit's tabs: arrow keys, Home and End move and select, only the selected tab is in the tab order.
          A tab's panel is mounted when chosen, so each view loads fresh, as it did before. */}
      <Tabs
        id="outcome-lens"
        selected={selected}
        onChange={(index) => setTab(TABS[index]!.id)}
        shouldUnmountTabPanelOnChange
      >
        <TabList>
          {TABS.map((t) => (
            <Tab key={t.id} testId={`tab-${t.id}`}>
              {t.label}
            </Tab>
          ))}
        </TabList>
        <TabPanel>
          <div className="ol-panel">
            {notice}
            <OutcomeMap
              page={data}
              onOutcomesChanged={reload}
              unlinkedLaneExtra={(filters, reloadMap) => (
                <BulkLink page={data} filters={filters} onLinked={reloadMap} />
              )}
            />
          </div>
        </TabPanel>
        <TabPanel>
          <div className="ol-panel">
            {notice}
            <KillReview page={data} />
          </div>
        </TabPanel>
        <TabPanel>
          <div className="ol-panel">
            {notice}
            <ResultsReview page={data} />
          </div>
        </TabPanel>
        <TabPanel>
          <div className="ol-panel">
            {notice}
            <Health
              page={data}
              startedTick={scanTick}
              scanInNotice={notice !== null}
              onScanned={() => void reload()}
            />
          </div>
        </TabPanel>
        <TabPanel>
          <div className="ol-panel">
            {notice}
            <ShippedTab />
          </div>
        </TabPanel>
      </Tabs>
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
    <div className="ol-notice">
      <SectionMessage
        appearance="warning"
        title="This project has not been scanned yet"
        testId="never-scanned"
      >
        <p>
          No item of {page.projectKey} has been judged: the kill review is empty and backlog health counts no
          zombies because nothing was looked at, not because nothing lingers.
        </p>
        {page.permissions.isAdmin ? (
          <div className="ol-actions">
            <Button isDisabled={busy} onClick={() => void start(true)}>
              Dry run: show what would be flagged (writes nothing to Jira)
            </Button>
            <Button appearance="primary" isDisabled={busy} onClick={() => void start(false)}>
              Scan now
            </Button>
          </div>
        ) : (
          <p>A project administrator can run a first scan, or a dry run that writes nothing, from here.</p>
        )}
      </SectionMessage>
    </div>
  );
}
