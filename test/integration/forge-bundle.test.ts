/**
 * The deploy artifact runs: the backend as Forge's own bundler builds it (`npm run bundle`, dist/forge-bundle/,
 * built by `npm test`'s pretest) exports every handler manifest.yml names, and each of them, invoked once over
 * the workbench with the real SDK packages bundled inside it, does its job: the three resolvers with real
 * function keys, the scheduled trigger, and the queue consumer the trigger feeds.
 *
 * The whole integration project can run against the bundle too: OUTCOME_LENS_APP=bundle (see README).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Answer } from '../../src/contract/answer';
import { ISSUE_PANEL_RESOLVERS, type PanelSaveData } from '../../src/contract/issue-panel';
import { GADGET_RESOLVERS, type GadgetViewData } from '../../src/contract/shipped';
import { PROJECT_PAGE_RESOLVERS, type MapSummaryData } from '../../src/contract/project-page';
import { SETTINGS_RESOLVERS, type SettingsData } from '../../src/contract/settings';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { DEFAULT_SETTINGS, type Settings } from '../../src/domain/settings';
import { appSourceFromEnv, BUNDLE_DIR, loadHandler, ROOT_DIR } from '../../workbench/app-source';
import { createWorkbenchApp, readManifest, type WorkbenchApp } from '../../workbench/app';
import { configureWorkflowValidator } from '../../workbench/jira/workflow-validators';
import { aBetDraft } from '../support/builders';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const ENTRY = path.join(BUNDLE_DIR, 'index.cjs');

function newestSource(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs;
    return Math.max(newest, mtime);
  }, 0);
}

function ok<T>(answer: unknown): T {
  const a = answer as Answer<T>;
  if (!a.ok) throw new Error(`expected ok, got ${a.error.code}: ${a.error.message}`);
  return a.data;
}

describe('the @forge/bundler artifact', () => {
  it('is built, and newer than every source file it was built from', () => {
    if (!fs.existsSync(ENTRY))
      throw new Error(`${path.relative(ROOT_DIR, ENTRY)} is missing: run npm run bundle`);
    const stale = newestSource(path.join(ROOT_DIR, 'src')) > fs.statSync(ENTRY).mtimeMs;
    expect({ stale, hint: 'src/ changed after the bundle was built: run npm run bundle' }).toMatchObject({
      stale: false,
    });
  });

  it('exports every handler manifest.yml names as a function, from one entry per handler module', () => {
    const handlers = [...readManifest().functions.values()];
    const modules = [...new Set(handlers.map((h) => h.split('.')[0]))];
    expect(modules.map((m) => fs.existsSync(path.join(BUNDLE_DIR, `${m}.cjs`)))).toEqual(
      modules.map(() => true),
    );
    for (const handler of handlers) expect(typeof loadHandler(handler, 'bundle')).toBe('function');
    console.log(`bundle exports ${handlers.join(', ')} (${fs.statSync(ENTRY).size} bytes)`);
  });

  it('is chosen by OUTCOME_LENS_APP=bundle; the sources are the default, and a misspelt value is refused', () => {
    expect(appSourceFromEnv({ OUTCOME_LENS_APP: 'bundle' })).toBe('bundle');
    expect(appSourceFromEnv({})).toBe('src');
    expect(appSourceFromEnv({ OUTCOME_LENS_APP: 'src' })).toBe('src');
    expect(() => appSourceFromEnv({ OUTCOME_LENS_APP: 'bundled' })).toThrow(/must be "src" or "bundle"/);
  });

  it('is where the workbench takes handlers from in bundle mode, and says how to build it when missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-bundle-'));
    try {
      expect(() => loadHandler('index.issuePanel', 'bundle', dir)).toThrow(
        /index\.cjs is missing \(run npm run bundle\)/,
      );
      fs.writeFileSync(path.join(dir, 'index.cjs'), 'exports.issuePanel = () => "from the bundle";');
      const handler = loadHandler('index.issuePanel', 'bundle', dir) as () => string;
      expect(handler()).toBe('from the bundle');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('every handler in the bundle, invoked once over the workbench', () => {
  let app: WorkbenchApp;
  beforeEach(() => {
    app = createWorkbenchApp({ dataFile: ':memory:', appSource: 'bundle' });
    const s = app.jira.store;
    s.createProject({ key: 'DEMO', name: 'Demo' });
    app.grantDemoRoles('DEMO');
    s.createIssue({ key: 'DEMO-1', type: 'Story', summary: 'Shoppers lose their cart when they leave' });
    // Idle past the default 60 days: the scan must flag it.
    s.createIssue({
      key: 'DEMO-2',
      type: 'Story',
      summary: 'Old export idea',
      created: ago(80),
      updated: ago(70),
    });
  });
  afterEach(() => app.close());

  it('runs the resolvers, the trigger and the consumer from the bundle, each doing its job', async () => {
    expect(app.appSource).toBe('bundle');

    // settings → index.settings: stores the settings (the entry gate reads them from app storage).
    const settings: Settings = {
      ...structuredClone(DEFAULT_SETTINGS),
      flagActions: { label: 'zombie', comment: false },
    };
    const saved = ok<SettingsData>(
      await app.invoke(
        'outcome-lens-settings',
        SETTINGS_RESOLVERS.save,
        { version: 0, settings },
        { user: 'admin', projectKey: 'DEMO' },
      ),
    );
    expect(saved).toMatchObject({
      version: 1,
      canEdit: true,
      settings: { flagActions: { label: 'zombie' } },
    });

    // issue panel → index.issuePanel: scores the bet and writes the issue property JQL indexes.
    const panel = ok<PanelSaveData>(
      await app.invoke(
        'outcome-lens-issue-panel',
        ISSUE_PANEL_RESOLVERS.save,
        { version: 0, draft: aBetDraft() },
        { user: 'member', issueKey: 'DEMO-1' },
      ),
    );
    expect(panel.lens.version).toBe(1);
    expect(panel.score).toBeGreaterThan(0);
    expect(readLens(app.jira.store.getIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY))).toMatchObject({
      score: panel.score,
      hasHypothesis: 'true',
    });

    // workflow validator → index.entryGate: the framed bet may start, the bare idea may not.
    configureWorkflowValidator(app.jira.store, 'DEMO', 'In Progress', 'outcome-lens-entry-gate');
    const start = async (key: string) =>
      app.jira.handle({
        method: 'POST',
        path: `/rest/api/3/issue/${key}/transitions`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ transition: { id: '21' } }),
        actor: { type: 'user', accountId: app.accountIdOf('member') },
      });
    expect((await start('DEMO-1')).status).toBe(204);
    const blocked = await start('DEMO-2');
    expect(blocked.status).toBe(400);
    expect(blocked.body).toContain('no hypothesis yet');

    // project page → index.projectPage: both open issues, in the "no outcome" lane.
    const map = ok<MapSummaryData>(
      await app.invoke(
        'outcome-lens-project-page',
        PROJECT_PAGE_RESOLVERS.mapSummary,
        {},
        { user: 'viewer', projectKey: 'DEMO' },
      ),
    );
    expect(map.total).toBe(2);
    expect(map.lanes).toEqual([expect.objectContaining({ lane: 'none', count: 2 })]);

    // scheduled trigger → index.scanTrigger, which queues the project; consumer → index.scanConsumer flags DEMO-2.
    const run = await app.runScheduledTrigger('outcome-lens-daily-scan');
    expect(run.result).toEqual({ statusCode: 204, body: '' });
    expect(run.deliveries.length).toBeGreaterThan(0);
    expect(run.queue).toMatchObject({ failed: 0, pending: 0 });
    expect(run.queue.delivered).toBe(run.deliveries.length);
    const flagged = readLens(app.jira.store.getIssueProperty('DEMO-2', ISSUE_PROPERTY_KEY));
    expect(flagged.zombie).toBe('true');
    expect(flagged.flag?.rules.map((r) => r.rule)).toContain('idle');
    expect(app.jira.store.getIssue('DEMO-2')?.labels).toContain('zombie');
    expect(readLens(app.jira.store.getIssueProperty('DEMO-1', ISSUE_PROPERTY_KEY)).zombie).toBe('false');

    // web trigger → index.measurementsWebTrigger: a token made in settings lets a measurement in.
    const made = ok<{ token: string }>(
      await app.invoke(
        'outcome-lens-settings',
        SETTINGS_RESOLVERS.createToken,
        { name: 'ci' },
        { user: 'admin', projectKey: 'DEMO' },
      ),
    );
    const sent = await app.invokeWebTrigger('outcome-lens-measurements', {
      method: 'POST',
      headers: { authorization: `Bearer ${made.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ metric: 'Weekly active carts', value: 120, at: '2026-01-05', id: 'b-1' }),
    });
    expect(sent.statusCode).toBe(200);
    expect(JSON.parse(sent.body)).toMatchObject({ ok: true, accepted: 1 });

    // dashboard gadget → index.shippedGadget: the project the viewer may browse, from the scan's summary.
    const gadget = ok<GadgetViewData>(
      await app.invoke(
        'outcome-lens-shipped-gadget',
        GADGET_RESOLVERS.view,
        { projectKeys: ['DEMO'], months: 6 },
        { user: 'viewer' },
      ),
    );
    expect(gadget.hidden).toBe(0);
    expect(gadget.projects.map((p) => p.projectKey)).toEqual(['DEMO']);
    expect(gadget.projects[0]!.updatedAt).not.toBeNull();
  });
});
