/**
 * Calibration in the app, over the workbench: the background job reads an imported project's history from the
 * Jira emulator (search, then changelogs in bulk), a page at a time, and proposes the same thresholds as
 * `outcome-lens calibrate` on the file that was imported. It resumes after Forge stops an invocation, only
 * project administrators start it, confirm the resolution mapping or apply it, and the mapping they confirm is
 * the one the replay uses.
 */
import { kvs } from '@forge/kvs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  CALIBRATION_QUEUE,
  createCalibrationConsumer,
  loadCalibrationState,
  loadConfirmedMapping,
  pushCalibrationEvent,
  type CalibrationRunOptions,
} from '../../src/calibration/job';
import type { CalibrationState } from '../../src/contract/calibration';
import { calibrationLine, type CalibrationLine } from '../../src/cli/calibrate';
import { runCli } from '../../src/cli/main';
import type { CallContext } from '../../src/resolvers/endpoint';
import {
  applyCalibration,
  calibrationView,
  saveResolutionMapping,
  startCalibration,
} from '../../src/services/calibration';
import { loadSettings } from '../../src/storage/settings';
import { loadProjectSettings, saveProjectSettings } from '../../src/services/project-settings';
import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import { keys } from '../../src/storage/keys';
import { importIssues } from '../../workbench/import';
import { PROJECT_PERMISSIONS } from '../../workbench/jira/types';
import { MEMBER_PERMISSIONS } from '../../workbench/users';
import { generateHistoryExport, writeJsonl } from '../support/history-export';
import { createWorkbench, USERS, type Workbench } from '../support/workbench-harness';
import { failStorageWrite } from '../support/storage-faults';

const ROOT = path.resolve(__dirname, '../..');
const APACHE = path.join(ROOT, 'data/apache-issues-v2.jsonl.gz');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'calibration-'));

/** A line of `outcome-lens calibrate`, as the command shapes it. */
type CliLine = CalibrationLine;

/** What `outcome-lens calibrate FILE` prints, and the moment it replays the file as of. */
async function cli(file: string): Promise<{ lines: CliLine[]; asOf: Date }> {
  let out = '';
  let err = '';
  const code = await runCli(['calibrate', file], {
    stdin: new PassThrough(),
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    now: () => new Date(),
  });
  expect(code).toBe(0);
  const asOf = /as of (\S+)\./.exec(err)?.[1];
  if (!asOf) throw new Error(`no "as of" in ${err}`);
  return {
    lines: out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as CliLine),
    asOf: new Date(asOf),
  };
}

/** The app's proposal in the CLI's shape, by the command's own line shaper. */
function asCliLine(state: Pick<CalibrationState, 'result'>): CliLine {
  return calibrationLine(state.result!);
}

function sameAsCli(app: CliLine, expected: CliLine): void {
  // The printed line has exactly the shaper's fields: the comparison below is with the real output.
  expect(Object.keys(expected)).toEqual(Object.keys(app));
  expect(app.project).toBe(expected.project);
  expect(app.thresholds).toEqual(expected.thresholds);
  expect([app.delivered, app.abandoned]).toEqual([expected.delivered, expected.abandoned]);
  const candidates = new Set(expected.replay.map((r) => r.idleDays));
  expect(app.replay.filter((r) => candidates.has(r.idleDays))).toEqual(expected.replay);
}

let wb: Workbench;
let clockMs: number;
function useConsumer(options: CalibrationRunOptions = {}, timeoutSeconds = 900): void {
  wb.queue.registerConsumer(
    CALIBRATION_QUEUE,
    createCalibrationConsumer({ clock: () => clockMs, ...options }),
    { timeoutSeconds },
  );
}
const call = (projectKey: string, accountId: string = USERS.admin): CallContext => ({
  accountId,
  moduleKey: 'outcome-lens-settings',
  issueKey: null,
  projectKey,
});
const clock = { now: () => new Date(clockMs) };

function grantRoles(projectKey: string): void {
  wb.jira.store.grant(projectKey, USERS.admin, PROJECT_PERMISSIONS);
  wb.jira.store.grant(projectKey, USERS.member, MEMBER_PERMISSIONS);
  wb.jira.store.grant(projectKey, USERS.viewer, ['BROWSE_PROJECTS']);
}

/** A generated history of `issues` issues up to `asOf` (by default 2026-06-01, where the tests' clock is set). */
async function importGenerated(
  projectKey: string,
  issues: number,
  asOf = new Date('2026-06-01T00:00:00Z'),
): Promise<{ file: string }> {
  const file = path.join(TMP, `${projectKey}-${issues}-${asOf.getTime()}.jsonl`);
  if (!fs.existsSync(file)) writeJsonl(file, generateHistoryExport({ projectKey, issues, asOf }));
  await importIssues({ jira: wb.jira }, file);
  grantRoles(projectKey);
  return { file };
}

const state = (projectKey: string) => wb.asSystem(() => loadCalibrationState(projectKey));
const searches = () => wb.jira.calls.filter((c) => c.path.includes('/search/jql')).length;

beforeEach(() => {
  wb = createWorkbench();
});
afterEach(() => wb.dispose());
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

describe('calibration from history, in the app', () => {
  it('proposes for each project of the imported Apache file what the CLI proposes for it', async () => {
    const { lines, asOf } = await cli(APACHE);
    const report = await importIssues({ jira: wb.jira }, APACHE);
    expect(report.imported).toBe(442);
    clockMs = asOf.getTime();
    useConsumer();
    for (const line of lines)
      await wb.asSystem(() =>
        pushCalibrationEvent({ projectKey: line.project, runId: `apache-${line.project}` }),
      );
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    for (const line of lines) {
      const s = await state(line.project);
      expect(s?.failure ?? null).toBeNull();
      expect(s).toMatchObject({ status: 'finished', asOf: asOf.toISOString() });
      sameAsCli(asCliLine(s!), line);
      // No project there has 100 delivered items: the app keeps the defaults and says why, as the CLI does.
      expect(s!.result!.thresholds.idleDays).toBeNull();
      expect(s!.result!.basis).toMatch(/^Too little history/);
    }
    // The busiest projects of the file, by what the replay saw.
    const cb = await state('CB');
    expect([cb!.result!.delivered, cb!.result!.abandoned]).toEqual([27, 3]);
    expect(cb!.mapping?.delivered).toEqual(['Done', 'Fixed']);
  });

  it('proposes numeric limits, per type where a type has the history, exactly as the CLI does', async () => {
    const { file } = await importGenerated('GEN', 600);
    const { lines, asOf } = await cli(file);
    clockMs = asOf.getTime();
    useConsumer();
    const started = await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock));
    expect(started.alreadyRunning).toBe(false);
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const view = await wb.asUser(USERS.viewer, () => calibrationView(call('GEN', USERS.viewer)));
    expect(view).toMatchObject({ canEdit: false, current: { idleDays: 60, byType: {} }, minDelivered: 100 });
    const s = view.state!;
    expect(s).toMatchObject({ runId: started.runId, status: 'finished', requestedBy: USERS.admin });
    // Read: the issues open or touched since the day before the first scan date (566 of the 600).
    expect(s.progress).toMatchObject({ pages: 6, issuesRead: 566 });
    expect(lines[0]!.thresholds.idleDays).toEqual(expect.any(Number));
    expect(Object.keys(lines[0]!.thresholds.byType).length).toBeGreaterThan(0);
    sameAsCli(asCliLine(s), lines[0]!);
    // Every limit from 1 to 365 days can be previewed, with what it flags today and what became of the past.
    expect(s.result!.replay.filter((r) => r.idleDays <= 365)).toHaveLength(365);
    expect(s.result!.replay.find((r) => r.idleDays === 60)).toMatchObject({
      flaggedToday: expect.any(Number),
      medianDaysToClose: expect.any(Number),
    });
  });

  it('resumes after Forge stops an invocation, reading no page twice but the one it was stopped in', async () => {
    const { file } = await importGenerated('GEN', 500);
    const { lines, asOf } = await cli(file);
    clockMs = asOf.getTime();
    // A 1 s time limit, and Jira takes 1.5 s over the third search: the first invocation has stored two pages
    // when Forge stops it, in the middle of the third.
    useConsumer({ timeoutMs: 3_600_000 }, 1);
    const model = wb.jira.latency;
    const before = model.before.bind(model);
    let searchCalls = 0;
    let stoppedAt = 0;
    model.before = (endpoint, write) =>
      endpoint === 'POST /search/jql' && ++searchCalls === 3
        ? ((stoppedAt = Date.now()), 1_500)
        : before(endpoint, write);
    await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock));
    await wb.queue.runDue();
    expect(wb.queue.deliveries).toHaveLength(1);
    expect(wb.queue.deliveries[0]).toMatchObject({ ok: false });
    const stopped = await state('GEN');
    expect(stopped).toMatchObject({ status: 'running', progress: { pages: 2 } });
    const searchesBeforeStop = searches();

    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const done = await state('GEN');
    expect(done).toMatchObject({ status: 'finished', progress: { pages: 5, issuesRead: 471 } });
    expect(done!.progress.invocations).toBe(2);
    // The retry took over the stopped step and read on from the cursor: pages 3 to 5, the third again.
    expect(searches() - searchesBeforeStop).toBe(3);
    expect(wb.queue.deliveries.at(-1)).toMatchObject({ ok: true, retryCount: 1 });
    sameAsCli(asCliLine(done!), lines[0]!);
    // The stopped invocation wakes after its slow call and can reach nothing: let it end inside this test.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, stoppedAt + 1_700 - Date.now())));
  });

  it('continues within its budget over several invocations, and a duplicated event runs no step twice', async () => {
    await importGenerated('GEN', 500);
    // Every clock reading moves 1 s against a 5 s budget (stop at 3.5 s): each invocation reads one page.
    let t = Date.parse('2026-06-01T00:00:00Z');
    clockMs = t;
    useConsumer({ clock: () => (t += 1000), timeoutMs: 5_000, budgetShare: 0.7 });
    wb.queue.injectDelivery({ duplicates: 10 });
    await wb.asSystem(() => pushCalibrationEvent({ projectKey: 'GEN', runId: 'budgeted' }));
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const s = await state('GEN');
    expect(s).toMatchObject({ status: 'finished', progress: { pages: 5, issuesRead: 471 } });
    expect(s!.progress.invocations).toBeGreaterThanOrEqual(3);
    // Every event came twice; each step ran once, so each page was searched once.
    expect(wb.queue.deliveries.length).toBeGreaterThanOrEqual(2 * s!.progress.invocations);
    expect(searches()).toBe(5);
  });

  it.each([429, 500] as const)(
    'goes on when the push of its next step is refused (%i): the retry of the step pushes it again',
    async (status) => {
      await importGenerated('GEN', 500);
      let t = Date.parse('2026-06-01T00:00:00Z');
      clockMs = t;
      useConsumer({ clock: () => (t += 1000), timeoutMs: 5_000, budgetShare: 0.7 });
      await wb.asSystem(() => pushCalibrationEvent({ projectKey: 'GEN', runId: 'refused-push' }));
      // The second step's push, and the retry's first push again, are refused.
      wb.queue.injectDelivery({ refusePushes: { count: 2, status } });
      await wb.queue.runDue({ until: 'idle', advanceClock: true });
      expect(await state('GEN')).toMatchObject({
        status: 'finished',
        progress: { pages: 5, issuesRead: 471 },
      });
      expect(searches()).toBe(5);
    },
  );

  it("finishes when app storage stores a step's claim and then answers an error", async () => {
    await importGenerated('GEN', 300);
    clockMs = Date.parse('2026-06-01T00:00:00Z');
    useConsumer();
    // A timeout after the write: the one delivery of the step must know the claim as its own, not yield to no one.
    const hit = failStorageWrite(wb.kvs, (w) => !!w.key?.startsWith('calibration:GEN:step:'), {
      lands: true,
    });
    await wb.asSystem(() => pushCalibrationEvent({ projectKey: 'GEN', runId: 'stored-claim' }));
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    jest.restoreAllMocks();
    expect(hit).toHaveLength(1);
    expect(await state('GEN')).toMatchObject({ status: 'finished', progress: { pages: 3, issuesRead: 281 } });
    expect(searches()).toBe(3);
  });

  it('waits out a rate limit through its queue and still reads every page once', async () => {
    await importGenerated('GEN', 300);
    clockMs = Date.parse('2026-06-01T00:00:00Z');
    useConsumer();
    wb.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 30,
      times: 1,
      match: { pathIncludes: '/changelog/bulkfetch' },
    });
    await wb.asSystem(() => pushCalibrationEvent({ projectKey: 'GEN', runId: 'limited' }));
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const s = await state('GEN');
    expect(s).toMatchObject({ status: 'finished', progress: { pages: 3, issuesRead: 281, rateLimited: 1 } });
    // The page whose changelog was refused is searched again; no other.
    expect(searches()).toBe(4);
  });

  it("keeps to its share of the hour's points, waiting for the next window instead of drawing 429s", async () => {
    wb.dispose();
    // Quota, queue and job on one clock: the queue's, which jumps to the next due event.
    const queueClock = () => wb.queue.now();
    wb = createWorkbench({ latency: 'off', rateLimits: { quotaPoints: 1_500, clock: queueClock } });
    // A history up to today: the run reads the recent years before the queue's clock, which is the wall clock.
    await importGenerated('GEN', 600, new Date(queueClock()));
    wb.queue.registerConsumer(CALIBRATION_QUEUE, createCalibrationConsumer({ clock: queueClock }), {
      timeoutSeconds: 900,
    });
    const startedAt = wb.queue.now();
    await wb.asSystem(() => pushCalibrationEvent({ projectKey: 'GEN', runId: 'paced' }));
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const s = await state('GEN');
    // About 200 points a page (a search and its changelogs), against half of 1,500: it waits at least once.
    expect(s).toMatchObject({ status: 'finished', progress: { rateLimited: 0 } });
    expect(s!.progress.pages).toBeGreaterThanOrEqual(5);
    expect(s!.progress.points).toBeGreaterThan(750);
    expect(s!.progress.invocations).toBeGreaterThanOrEqual(2);
    expect(wb.jira.calls.filter((c) => c.status === 429)).toHaveLength(0);
    expect(wb.queue.now() - startedAt).toBeGreaterThan(0);
  });

  it('takes a long run that keeps working for alive, however long ago it started, and one gone quiet for dead', async () => {
    await importGenerated('GEN', 600);
    let t = Date.parse('2026-06-01T00:00:00Z');
    clockMs = t;
    // One page an invocation: the run goes on over many.
    useConsumer({ clock: () => (t += 1000), timeoutMs: 5_000, budgetShare: 0.7 });
    const { runId } = await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock));
    await wb.queue.runDue({ maxEvents: 1 });
    expect(await state('GEN')).toMatchObject({ status: 'running', heardAt: expect.any(String) });
    // Paced by the quota, it is still reading 90 minutes after it started: its last word was 5 minutes ago.
    clockMs += 90 * 60_000;
    const running = (await state('GEN'))!;
    await wb.asSystem(() =>
      kvs.set(keys.calibrationLatest('GEN'), {
        ...running,
        heardAt: new Date(clockMs - 5 * 60_000).toISOString(),
      }),
    );
    expect(await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock))).toEqual({
      runId,
      alreadyRunning: true,
    });
    // Nothing heard for 61 minutes: a new press starts a new run.
    clockMs += 56 * 60_000;
    const again = await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock));
    expect(again.alreadyRunning).toBe(false);
    expect(again.runId).not.toBe(runId);
  });

  it('lets only project administrators start it, confirm the mapping or apply the proposal', async () => {
    await importGenerated('GEN', 600);
    clockMs = Date.parse('2026-06-01T00:00:00Z');
    useConsumer();
    for (const who of [USERS.member, USERS.viewer, USERS.outsider]) {
      await expect(wb.asUser(who, () => startCalibration(call('GEN', who), clock))).rejects.toMatchObject({
        name: 'NotAuthorizedError',
      });
      await expect(
        wb.asUser(who, () =>
          saveResolutionMapping(call('GEN', who), { delivered: [], abandoned: [] }, clock),
        ),
      ).rejects.toMatchObject({ name: 'NotAuthorizedError' });
    }
    await expect(
      wb.asUser(USERS.outsider, () => calibrationView(call('GEN', USERS.outsider))),
    ).rejects.toMatchObject({ name: 'NotAuthorizedError' });
    expect(wb.queue.pending()).toBe(0);

    const { runId } = await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock));
    // A second press while it runs starts nothing more.
    expect(await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock))).toEqual({
      runId,
      alreadyRunning: true,
    });
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const proposal = (await state('GEN'))!.result!;
    const apply = {
      runId,
      idleDays: proposal.thresholds.idleDays!,
      byType: { Bug: proposal.thresholds.byType.Bug! },
      version: 0,
    };
    await expect(
      wb.asUser(USERS.member, () => applyCalibration(call('GEN', USERS.member), apply, clock)),
    ).rejects.toMatchObject({ name: 'NotAuthorizedError' });
    expect((await wb.asSystem(() => loadSettings('GEN'))).version).toBe(0);

    // A type the proposal does not list is refused, even one named like a property every object inherits.
    for (const type of ['Epic', 'constructor', 'toString'])
      await expect(
        wb.asUser(USERS.admin, () =>
          applyCalibration(call('GEN'), { ...apply, byType: { [type]: 30 } }, clock),
        ),
      ).rejects.toMatchObject({
        name: 'ValidationError',
        message: `The calibration proposes no limit of its own for ${type}.`,
      });
    expect((await wb.asSystem(() => loadSettings('GEN'))).version).toBe(0);

    const saved = await wb.asUser(USERS.admin, () => applyCalibration(call('GEN'), apply, clock));
    expect(saved.version).toBe(1);
    expect(saved.settings.zombie.defaults.maxIdleDays).toBe(proposal.thresholds.idleDays);
    expect(saved.settings.zombie.perIssueType).toEqual({
      Bug: { maxIdleDays: proposal.thresholds.byType.Bug },
    });
    // Other settings are untouched; a stale version is refused like any other save.
    expect(saved.settings.zombie.defaults.maxSprintsCarried).toBe(3);
    await expect(
      wb.asUser(USERS.admin, () =>
        applyCalibration(call('GEN'), { ...apply, idleDays: apply.idleDays + 1 }, clock),
      ),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    // The same apply sent again (its answer lost) is answered as applied, and makes no new version.
    expect((await wb.asUser(USERS.admin, () => applyCalibration(call('GEN'), apply, clock))).version).toBe(1);
  });

  it('replaces a per-type row typed in another case, and leaves the settings page able to save', async () => {
    await importGenerated('GEN', 600);
    clockMs = Date.parse('2026-06-01T00:00:00Z');
    useConsumer();
    // The admin typed the row "bug" on the settings page.
    await wb.asUser(USERS.admin, () =>
      saveProjectSettings(
        call('GEN'),
        {
          version: 0,
          settings: {
            ...DEFAULT_SETTINGS,
            zombie: {
              ...DEFAULT_SETTINGS.zombie,
              perIssueType: { bug: { maxIdleDays: 5, maxSprintsCarried: 2 } },
            },
          },
        },
        clock,
      ),
    );
    const { runId } = await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock));
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const proposal = (await state('GEN'))!.result!;
    const days = proposal.thresholds.byType.Bug!;
    const applied = await wb.asUser(USERS.admin, () =>
      applyCalibration(
        call('GEN'),
        { runId, idleDays: proposal.thresholds.idleDays!, byType: { Bug: days }, version: 1 },
        clock,
      ),
    );
    // One row, under Jira's spelling, with the limit applied and the row's other limit kept: the scan uses it.
    expect(applied.settings.zombie.perIssueType).toEqual({
      Bug: { maxIdleDays: days, maxSprintsCarried: 2 },
    });
    expect((await wb.asSystem(() => loadSettings('GEN'))).stored.zombie?.perIssueType).toEqual({
      Bug: { maxIdleDays: days, maxSprintsCarried: 2 },
    });
    // The page saves what it loaded.
    const loaded = await wb.asUser(USERS.admin, () => loadProjectSettings(call('GEN')));
    const saved = await wb.asUser(USERS.admin, () =>
      saveProjectSettings(call('GEN'), { version: loaded.version, settings: loaded.settings }, clock),
    );
    expect(saved.version).toBe(loaded.version + 1);
  });

  it('reads settings stored with rows "bug" and "Bug" as one, so the page loads and saves them', async () => {
    await importGenerated('GEN', 300);
    clockMs = Date.parse('2026-06-01T00:00:00Z');
    // Stored by an earlier version of the app: both rows, and another setting that must not fall back.
    await wb.asSystem(() =>
      kvs.set(keys.settings('GEN'), {
        stored: {
          zombie: { perIssueType: { bug: { maxIdleDays: 5 }, Bug: { maxIdleDays: 9 } } },
          entryGate: { threshold: 70 },
        },
        version: 3,
        updatedAt: new Date(clockMs).toISOString(),
        updatedBy: USERS.admin,
      }),
    );
    const loaded = await wb.asUser(USERS.admin, () => loadProjectSettings(call('GEN')));
    expect(loaded.settings.zombie.perIssueType).toEqual({ bug: { maxIdleDays: 5 } });
    expect(loaded.settings.entryGate.threshold).toBe(70);
    const saved = await wb.asUser(USERS.admin, () =>
      saveProjectSettings(call('GEN'), { version: 3, settings: loaded.settings }, clock),
    );
    expect(saved.version).toBe(4);
    // A save that sends both rows is refused, at the row, with why.
    await expect(
      wb.asUser(USERS.admin, () =>
        saveProjectSettings(
          call('GEN'),
          {
            version: 4,
            settings: {
              ...loaded.settings,
              zombie: {
                ...loaded.settings.zombie,
                perIssueType: { bug: { maxIdleDays: 5 }, BUG: { maxIdleDays: 9 } },
              },
            },
          },
          clock,
        ),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      fields: { 'zombie.perIssueType.BUG': expect.stringMatching(/same issue type/) },
    });
  });

  it('replays with the mapping the admin confirms, from the history already read', async () => {
    const { file } = await importGenerated('GEN', 600);
    const { asOf } = await cli(file);
    clockMs = asOf.getTime();
    useConsumer();
    await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock));
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const proposed = (await state('GEN'))!;
    expect(proposed.mappingConfirmed).toBe(false);
    expect(proposed.mapping).toEqual({ delivered: ['Done', 'Fixed'], abandoned: ['Duplicate', "Won't Fix"] });
    expect(proposed.resolutionNames).toEqual(['Done', 'Duplicate', 'Fixed', "Won't Fix"]);
    const searchesBefore = searches();

    // This site's "Done" is what its people pick when they give up on an item.
    const again = await wb.asUser(USERS.admin, () =>
      saveResolutionMapping(
        call('GEN'),
        { delivered: ['Fixed'], abandoned: ['Done', 'Duplicate', "Won't Fix"] },
        clock,
      ),
    );
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const confirmed = (await state('GEN'))!;
    expect(confirmed).toMatchObject({
      runId: again.runId,
      status: 'finished',
      historyRunId: proposed.runId,
      asOf: proposed.asOf,
      mappingConfirmed: true,
      mapping: { delivered: ['Fixed'], abandoned: ['Done', 'Duplicate', "Won't Fix"] },
    });
    // Recalculated from the stored history: Jira was not read again.
    expect(searches()).toBe(searchesBefore);
    const before = proposed.result!;
    const after = confirmed.result!;
    expect(after.delivered).toBeLessThan(before.delivered);
    expect(after.abandoned).toBeGreaterThan(before.abandoned);
    expect(after.delivered + after.abandoned).toBe(before.delivered + before.abandoned);

    // A later run reads Jira again and keeps the confirmed mapping.
    await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock));
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const fresh = (await state('GEN'))!;
    expect(fresh.mappingConfirmed).toBe(true);
    expect(fresh.result!.delivered).toBe(after.delivered);
    expect(searches()).toBeGreaterThan(searchesBefore);
    // Its history pages are kept in app storage under the run, to be replayed again.
    const page = await wb.asSystem(() => kvs.get(keys.calibrationHistory('GEN', fresh.runId, 0)));
    expect(page).toBeDefined();
  });
});

describe('starting a run', () => {
  const press = () => wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock));

  it('leaves nothing "running" when Forge refuses the push, so the next press starts the run', async () => {
    await importGenerated('GEN', 300);
    clockMs = Date.parse('2026-06-01T00:00:00Z');
    useConsumer();
    wb.queue.injectDelivery({ refusePushes: { count: 1, status: 429 } });
    await expect(press()).rejects.toThrow();
    // Nothing was queued, and nothing claims to run.
    expect(wb.queue.pending()).toBe(0);
    expect(await state('GEN')).toBeNull();
    const again = await press();
    expect(again.alreadyRunning).toBe(false);
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    expect(await state('GEN')).toMatchObject({ runId: again.runId, status: 'finished' });
  });

  it('keeps the finished proposal when the push of a recalculation is refused', async () => {
    await importGenerated('GEN', 300);
    clockMs = Date.parse('2026-06-01T00:00:00Z');
    useConsumer();
    await press();
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const finished = (await state('GEN'))!;
    expect(finished.status).toBe('finished');
    wb.queue.injectDelivery({ refusePushes: { count: 1, status: 500 } });
    await expect(
      wb.asUser(USERS.admin, () =>
        saveResolutionMapping(call('GEN'), { delivered: ['Fixed'], abandoned: [] }, clock),
      ),
    ).rejects.toThrow();
    expect(await state('GEN')).toEqual(finished);
    expect((await press()).alreadyRunning).toBe(false);
  });

  it('takes a run never heard from for dead after a few minutes, and shows it as failed', async () => {
    await importGenerated('GEN', 300);
    clockMs = Date.parse('2026-06-01T00:00:00Z');
    useConsumer();
    // A start stopped by Forge after it said "running" and before its push: nothing is queued.
    const lost: CalibrationState = {
      runId: 'lost',
      status: 'running',
      requestedBy: USERS.admin,
      startedAt: new Date(clockMs).toISOString(),
      finishedAt: null,
      asOf: null,
      historyRunId: 'lost',
      progress: { pages: 0, issuesRead: 0, invocations: 0, jiraCalls: 0, points: 0, rateLimited: 0 },
      resolutionNames: [],
      mapping: null,
      mappingConfirmed: false,
      unplaced: [],
      result: null,
      failure: null,
    };
    await wb.asSystem(() => kvs.set(keys.calibrationLatest('GEN'), lost));
    clockMs += 60_000;
    expect(await press()).toEqual({ runId: 'lost', alreadyRunning: true });
    // Six minutes without a word: the page offers Calibrate again, and a press starts a new run.
    clockMs += 5 * 60_000;
    const view = await wb.asUser(USERS.admin, () => calibrationView(call('GEN'), clock));
    expect(view.state).toMatchObject({
      runId: 'lost',
      status: 'failed',
      failure: expect.stringMatching(/again/),
    });
    const again = await press();
    expect(again.alreadyRunning).toBe(false);
    expect(again.runId).not.toBe('lost');
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    expect(await state('GEN')).toMatchObject({ runId: again.runId, status: 'finished' });
  });

  it('lets a run taken for dead do nothing when its event comes late, after a newer run finished', async () => {
    await importGenerated('GEN', 300);
    clockMs = Date.parse('2026-06-01T00:00:00Z');
    useConsumer();
    // The first run's event is held up an hour (Forge delivers late at times): at six minutes it is taken for
    // dead, and a second press starts a run that finishes first.
    wb.queue.injectDelivery({ extraDelaySeconds: 3600 });
    const first = await press();
    wb.queue.injectDelivery({ extraDelaySeconds: 0 });
    clockMs += 6 * 60_000;
    const second = await press();
    expect(second.alreadyRunning).toBe(false);
    expect(second.runId).not.toBe(first.runId);
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    // The late event arrived too: it started nothing over the second run's result.
    expect(await state('GEN')).toMatchObject({ runId: second.runId, status: 'finished' });
    expect(wb.queue.pending()).toBe(0);
  });

  it('starts one run for two presses at the same moment; the second answers with the first', async () => {
    wb.dispose();
    // An instant Jira: both presses pass the permission check together and reach the start at once.
    wb = createWorkbench({ latency: 'off' });
    await importGenerated('GEN', 300);
    clockMs = Date.parse('2026-06-01T00:00:00Z');
    useConsumer();
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all([press(), press()]);
      expect(answers.filter((a) => !a.alreadyRunning)).toHaveLength(1);
      expect(answers[1].runId).toBe(answers[0].runId);
      expect(wb.queue.pending()).toBe(1);
      await wb.queue.runDue({ until: 'idle', advanceClock: true });
      expect(await state('GEN')).toMatchObject({ runId: answers[0].runId, status: 'finished' });
    }
  });
});

describe('calibration that fails, expires or is confirmed twice', () => {
  // What the settings page shows under "The calibration failed" is the app's sentence, never the raw error; a
  // mapping confirmed after the run's stored history expired reads it again; of two admins confirming a mapping
  // from one proposal, the second is told.
  it('says Jira failed, with its HTTP status, when every search answers 500', async () => {
    await importGenerated('GEN', 300);
    clockMs = Date.parse('2026-06-01T00:00:00Z');
    useConsumer();
    wb.jira.faults.inject({ kind: 'server-error', status: 500, match: { pathIncludes: '/search/jql' } });
    await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock));
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const s = await state('GEN');
    const view = await wb.asUser(USERS.admin, () => calibrationView(call('GEN'), clock));
    expect(s?.status).toBe('failed');
    expect(view.state?.failure).toBe('Jira could not complete the request (HTTP 500). Please try again.');
  });

  it('says something went wrong on our side when storage fails every history write', async () => {
    await importGenerated('GEN', 300);
    clockMs = Date.parse('2026-06-01T00:00:00Z');
    useConsumer();
    const orig = wb.kvs.handle.bind(wb.kvs);
    jest.spyOn(wb.kvs, 'handle').mockImplementation(async (p, init) => {
      if (/\/set$/.test(p) && typeof init?.body === 'string' && init.body.includes('calibration:GEN:history'))
        return new Response(JSON.stringify({ code: 'INTERNAL_SERVER_ERROR', message: 'Storage timed out' }), {
          status: 500,
          headers: { 'content-type': 'application/json' },
        });
      return orig(p, init);
    });
    await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock));
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    jest.restoreAllMocks();
    const s = await state('GEN');
    expect(s?.status).toBe('failed');
    expect(s?.failure).not.toContain('Storage timed out');
    expect(s?.failure).toBe(
      'Something went wrong on our side. Please try again; if it persists, tell your Jira admin.',
    );
  });

  /** GEN's 300 items calibrated by the admin on 2026-06-01, to the end: the proposal the page then shows. */
  async function aFinishedCalibration(): Promise<CalibrationState | null> {
    await importGenerated('GEN', 300);
    clockMs = Date.parse('2026-06-01T00:00:00Z');
    wb.clock.now = new Date(clockMs);
    useConsumer();
    await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock));
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    return state('GEN');
  }

  it('reads the history again for a mapping confirmed after the stored history expired, and finishes', async () => {
    expect((await aFinishedCalibration())?.status).toBe('finished');
    // Fifteen days later the admin says which resolutions mean delivered: the run's stored history is gone.
    clockMs += 15 * 86_400_000;
    wb.clock.now = new Date(clockMs);
    await wb.asUser(USERS.admin, () =>
      saveResolutionMapping(
        call('GEN'),
        { delivered: ['Fixed'], abandoned: ['Done', 'Duplicate', "Won't Fix"] },
        clock,
      ),
    );
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const after = (await state('GEN'))!;
    expect({ status: after.status, failure: after.failure }).toEqual({ status: 'finished', failure: null });
  });

  it('tells the second of two admins confirming a mapping from the same proposal, and keeps the first', async () => {
    await importGenerated('GEN', 300);
    clockMs = Date.parse('2026-06-01T00:00:00Z');
    wb.clock.now = new Date(clockMs);
    wb.jira.store.upsertUser({ accountId: 'acc-admin2', displayName: 'Second Admin' });
    wb.jira.store.grant('GEN', 'acc-admin2', PROJECT_PERMISSIONS);
    useConsumer();
    await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock));
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const shown = (await state('GEN'))!;
    const first = { delivered: ['Fixed'], abandoned: ['Done', 'Duplicate', "Won't Fix"], runId: shown.runId };
    await wb.asUser(USERS.admin, () => saveResolutionMapping(call('GEN'), first, clock));
    const second = await wb
      .asUser('acc-admin2', () =>
        saveResolutionMapping(
          call('GEN', 'acc-admin2'),
          { delivered: ['Done', 'Fixed'], abandoned: ['Duplicate', "Won't Fix"], runId: shown.runId },
          clock,
        ),
      )
      .catch((e: unknown) => e);
    expect(second).toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('reload the page'),
    });
    await wb.queue.runDue({ until: 'idle', advanceClock: true });
    const mapping = await wb.asSystem(() => loadConfirmedMapping('GEN'));
    expect(mapping).toMatchObject({ delivered: ['Fixed'], confirmedBy: USERS.admin });
  });

  describe('a Confirm that failed, pressed again', () => {
    /** A finished proposal of GEN, and the mapping the page sends from it. */
    async function aProposal() {
      const shown = (await aFinishedCalibration())!;
      return { delivered: ['Fixed'], abandoned: ['Done', 'Duplicate', "Won't Fix"], runId: shown.runId };
    }
    const confirm = (mapping: { delivered: string[]; abandoned: string[]; runId: string }) =>
      wb
        .asUser(USERS.admin, () => saveResolutionMapping(call('GEN'), mapping, clock))
        .catch((e: unknown) => e);

    // Forge refused the recalculation's push (a 429 or a 5xx): the proposal is shown again, and every later
    // Confirm was told "Someone confirmed a resolution mapping meanwhile" for 14 days, though nobody had.
    it('recalculates when Forge refused the first press’s push', async () => {
      const mapping = await aProposal();
      wb.queue.injectDelivery({ refusePushes: { count: 1, status: 500 } });
      expect(await confirm(mapping)).toBeInstanceOf(Error);
      expect((await state('GEN'))!.runId).toBe(mapping.runId);
      expect(await confirm(mapping)).toMatchObject({ alreadyRunning: false });
      await wb.queue.runDue({ until: 'idle', advanceClock: true });
      expect((await state('GEN'))!).toMatchObject({ status: 'finished', mappingConfirmed: true });
    });

    it('stores the mapping when storage failed its first write', async () => {
      const mapping = await aProposal();
      const hit = failStorageWrite(wb.kvs, (w) => w.key === keys.calibrationMapping('GEN'));
      expect(await confirm(mapping)).toBeInstanceOf(Error);
      jest.restoreAllMocks();
      expect(hit).toHaveLength(1);
      expect(await wb.asSystem(() => loadConfirmedMapping('GEN'))).toBeNull();
      expect(await confirm(mapping)).toMatchObject({ alreadyRunning: false });
      expect(await wb.asSystem(() => loadConfirmedMapping('GEN'))).toMatchObject({ delivered: ['Fixed'] });
    });

    // The first press landed (mapping stored, recalculation started) but its answer never reached the page. The
    // admin pressed Confirm again and was told someone had confirmed meanwhile: it was their own press.
    // An admin's Confirm claimed the proposal, then Forge stopped it at its time limit before it stored the
    // mapping or gave the claim back. Every other admin was told "someone confirmed meanwhile" for 14 days.
    it('lets another admin confirm once the Confirm holding the proposal was stopped, and not while it may run', async () => {
      const mapping = await aProposal();
      wb.jira.store.upsertUser({ accountId: 'acc-admin2', displayName: 'Second Admin' });
      wb.jira.store.grant('GEN', 'acc-admin2', PROJECT_PERMISSIONS);
      const claimKey = keys.calibrationMapped('GEN', mapping.runId);
      const claimedBy = (at: number) =>
        wb.asSystem(() => kvs.set(claimKey, { by: USERS.admin, at, stopsAt: at + 25_000 }));
      const confirmAsSecond = () =>
        wb
          .asUser('acc-admin2', () => saveResolutionMapping(call('GEN', 'acc-admin2'), mapping, clock))
          .catch((e: unknown) => e);
      await claimedBy(Date.now());
      expect(await confirmAsSecond()).toMatchObject({ name: 'ConflictError' });
      await claimedBy(Date.now() - 60_000);
      expect(await confirmAsSecond()).toMatchObject({ alreadyRunning: false });
      expect(await wb.asSystem(() => loadConfirmedMapping('GEN'))).toMatchObject({
        delivered: ['Fixed'],
        confirmedBy: 'acc-admin2',
      });
    });

    it('lets one of two admins take over a stopped Confirm’s claim at once, and tells the other', async () => {
      const mapping = await aProposal();
      for (const accountId of ['acc-admin2', 'acc-admin3']) {
        wb.jira.store.upsertUser({ accountId, displayName: accountId });
        wb.jira.store.grant('GEN', accountId, PROJECT_PERMISSIONS);
      }
      const stoppedAt = Date.now() - 60_000;
      await wb.asSystem(() =>
        kvs.set(keys.calibrationMapped('GEN', mapping.runId), {
          by: USERS.admin,
          at: stoppedAt,
          stopsAt: stoppedAt + 25_000,
        }),
      );
      const answers = await Promise.all(
        ['acc-admin2', 'acc-admin3'].map((accountId) =>
          wb
            .asUser(accountId, () => saveResolutionMapping(call('GEN', accountId), mapping, clock))
            .catch((e: unknown) => e),
        ),
      );
      expect(answers.filter((a) => a instanceof Error).map((a) => a.name)).toEqual(['ConflictError']);
    });

    it('answers a press whose answer was lost with the recalculation it started', async () => {
      const mapping = await aProposal();
      const first = (await confirm(mapping)) as { runId: string };
      expect(first.runId).not.toBe(mapping.runId);
      expect(await confirm(mapping)).toEqual({ runId: first.runId, alreadyRunning: true });
      await wb.queue.runDue({ until: 'idle', advanceClock: true });
      // Once it finished, the same run, no longer running; another mapping from the old proposal is still refused.
      expect(await confirm(mapping)).toEqual({ runId: first.runId, alreadyRunning: false });
      expect(
        await confirm({ ...mapping, delivered: ['Done', 'Fixed'], abandoned: ['Duplicate'] }),
      ).toMatchObject({
        name: 'ConflictError',
      });
    });
  });
});
