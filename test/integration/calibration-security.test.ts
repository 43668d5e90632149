/**
 * Calibration and issue security levels. The calibration job reads the project's history as the app, which a
 * level may let see issues a person cannot: its counts (issues read, open today, what became of them) and its
 * proposal would tell that person of them. A review found a viewer reading "6 issues read, 6 open today" where
 * Jira showed them one issue. As the scan's figures, they are shown only to a person who may see every secured
 * issue the run read; to anyone else the page says they are withheld.
 */
import type { Answer } from '../../src/contract/answer';
import type { CalibrationState, CalibrationView } from '../../src/contract/calibration';
import type { HealthData } from '../../src/contract/project-page';
import type { SettingsData } from '../../src/contract/settings';
import { FIGURES_UNNOTED_NOTE, FIGURES_WITHHELD_NOTE } from '../../src/services/calibration';
import { keys } from '../../src/storage/keys';
import { kvs } from '../../src/storage/kvs-client';
import type { WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/runtime';
import { PAGE_PROJECT as P, aProjectPageApp, callPage, dataOf } from '../support/project-page-app';

const SETTINGS = 'outcome-lens-settings';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

let app: WorkbenchApp;
beforeEach(() => (app = aProjectPageApp({ consumers: true })));
afterEach(() => app.close());

const callSettings = async <T>(fn: string, user: string, payload: unknown = {}) =>
  (await app.invoke(SETTINGS, fn, payload, { user, projectKey: P })) as Answer<T>;
const viewOf = async (user: string) => dataOf(await callSettings<CalibrationView>('calibrationState', user));

/** A level whose people are `who` and the app's role (the app reads its issues, as a site may let it). */
function levelFor(who: string): string {
  return app.jira.store.createSecurityLevel({
    name: `${who} only`,
    accountIds: [app.accountIdOf(who)],
    projectRoles: ['atlassian-addons-project-access'],
  }).name;
}

/** One open story anyone may see, and `secured` more under `level`; returns the secured keys. */
function backlog(level?: string, secured = 0): string[] {
  app.jira.store.createIssue({
    projectKey: P,
    type: 'Story',
    summary: 'Open work',
    created: ago(200),
    updated: ago(100),
  });
  return Array.from(
    { length: secured },
    (_, i) =>
      app.jira.store.createIssue({
        projectKey: P,
        type: 'Story',
        summary: `Secret ${i}`,
        created: ago(200),
        updated: ago(100),
        securityLevel: level,
      }).key,
  );
}

/** "Calibrate from history" (or the mapping's confirmation) as the admin, then the job run to the end. */
async function calibrate(fn = 'calibrate', payload: unknown = {}): Promise<void> {
  dataOf(await callSettings(fn, 'admin', payload));
  const run = await app.queue.runDue({ until: 'idle', advanceClock: true });
  expect(run.failed).toBe(0);
}

const asApp = <T>(fn: () => Promise<T>) =>
  runInInvocation(
    { accountId: null, moduleKey: 'calibration-security-test', installContext: app.installContext },
    fn,
  );

describe('calibration, shown to someone outside a security level', () => {
  it('withholds the counts and proposal from a viewer kept from a secured issue it read, and shows them to a member of the level', async () => {
    const level = levelFor('admin');
    const secured = backlog(level, 5);
    // Closed under the level with a resolution of its own: the name tells what became of it.
    app.jira.store.createIssue({
      projectKey: P,
      type: 'Story',
      summary: 'Secret closed',
      created: ago(200),
      updated: ago(10),
      status: 'Done',
      statusCategory: 'done',
      resolution: 'Quietly dropped',
      securityLevel: level,
    });
    await calibrate();

    const admin = await viewOf('admin');
    expect(admin.figuresWithheld).toBeNull();
    expect(admin.state).toMatchObject({
      status: 'finished',
      progress: { issuesRead: 7 },
      resolutionNames: ['Quietly dropped'],
    });
    expect(admin.state?.result).toMatchObject({ openToday: 6, stillOpen: 6 });

    // Jira shows the viewer one issue of the project; nothing here may count the other six.
    const health = dataOf(await callPage<HealthData>(app, 'health', {}, 'viewer'));
    expect(health.current.total).toBe(1);
    const viewer = await viewOf('viewer');
    expect(viewer.state).toMatchObject({
      status: 'finished',
      progress: null,
      result: null,
      resolutionNames: [],
      mapping: null,
    });
    expect(viewer.figuresWithheld).toBe(FIGURES_WITHHELD_NOTE);
    // The secured issues the run noted stay in storage: the page is never sent them.
    const sent = JSON.stringify(viewer);
    expect(sent).not.toContain('secured');
    for (const hidden of [...secured, 'Quietly dropped']) expect(sent).not.toContain(hidden);
    expect(JSON.stringify(admin)).not.toContain('secured');
  });

  it('keeps withholding them after the mapping is confirmed and the history replayed', async () => {
    backlog(levelFor('admin'), 2);
    await calibrate();
    const { runId } = (await viewOf('admin')).state!;
    await calibrate('saveResolutionMapping', { delivered: ['Done'], abandoned: [], runId });

    const admin = await viewOf('admin');
    expect(admin.state).toMatchObject({ mappingConfirmed: true, progress: { issuesRead: 3 } });
    expect(admin.state?.runId).not.toBe(runId);
    expect(admin.figuresWithheld).toBeNull();
    expect((await viewOf('viewer')).figuresWithheld).toBe(FIGURES_WITHHELD_NOTE);
  });

  it('refuses an administrator kept from a secured issue the proposal counted to apply it', async () => {
    backlog(levelFor('member'), 1);
    await calibrate();
    const view = await viewOf('admin');
    expect(view).toMatchObject({ figuresWithheld: FIGURES_WITHHELD_NOTE, state: { result: null } });
    const applied = await callSettings<SettingsData>('applyCalibration', 'admin', {
      runId: view.state!.runId,
      idleDays: 30,
      version: 0,
    });
    expect(applied).toEqual({ ok: false, error: { code: 'NOT_AUTHORIZED', message: FIGURES_WITHHELD_NOTE } });
    // The member of the level reads them.
    expect(await viewOf('member')).toMatchObject({
      figuresWithheld: null,
      state: { progress: { issuesRead: 2 } },
    });
  });

  it('shows the figures to everyone, asking Jira about no issue, when the run read none under a level', async () => {
    levelFor('admin');
    backlog();
    await calibrate();
    const before = app.jira.calls.length;
    const viewer = await viewOf('viewer');
    expect(viewer.figuresWithheld).toBeNull();
    expect(viewer.state).toMatchObject({ progress: { issuesRead: 1 }, result: { openToday: 1 } });
    const asked = app.jira.calls.slice(before).map((c) => c.path);
    expect(asked.filter((p) => p.includes('/issue/bulkfetch'))).toEqual([]);
  });

  it('withholds from everyone the figures of a run stored before secured issues were noted, until calibrated again', async () => {
    backlog(levelFor('admin'), 1);
    await calibrate();
    await asApp(async () => {
      const stored = await kvs.get<CalibrationState>(keys.calibrationLatest(P));
      expect(stored?.secured).toEqual({ count: 1, keys: [expect.any(String)] });
      delete stored!.secured;
      await kvs.set(keys.calibrationLatest(P), stored!);
    });
    for (const who of ['admin', 'viewer'])
      expect(await viewOf(who)).toMatchObject({
        figuresWithheld: FIGURES_UNNOTED_NOTE,
        state: { progress: null },
      });

    await calibrate();
    expect(await viewOf('admin')).toMatchObject({
      figuresWithheld: null,
      state: { progress: { issuesRead: 2 } },
    });
    expect((await viewOf('viewer')).figuresWithheld).toBe(FIGURES_WITHHELD_NOTE);
  });
});
