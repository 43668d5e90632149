/**
 * A calibration that fails for good says so in the app's own words, which the settings page shows under "The
 * calibration failed": what failed (Jira and its HTTP status, or an error on our side), never the raw error text
 * ("Injected server error 500.", "Storage timed out"). And a mapping confirmed after the history a run read has
 * expired reads the history again, rather than failing the proposal it replaces; and of two admins confirming a
 * mapping from the same proposal, the second is told, rather than silently replacing the first one's word.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CALIBRATION_QUEUE,
  createCalibrationConsumer,
  loadCalibrationState,
  loadConfirmedMapping,
  type CalibrationRunOptions,
} from '../../src/calibration/job';
import type { CallContext } from '../../src/resolvers/endpoint';
import { calibrationView, saveResolutionMapping, startCalibration } from '../../src/services/calibration';
import { importIssues } from '../../workbench/import';
import { PROJECT_PERMISSIONS } from '../../workbench/jira/types';
import { MEMBER_PERMISSIONS } from '../../workbench/users';
import { generateHistoryExport, writeJsonl } from '../support/history-export';
import { createWorkbench, USERS, type Workbench } from '../support/workbench-harness';

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'calibration-failure-'));
let wb: Workbench;
let clockMs: number;
function useConsumer(options: CalibrationRunOptions = {}, timeoutSeconds = 900): void {
  wb.queue.registerConsumer(
    CALIBRATION_QUEUE,
    createCalibrationConsumer({ clock: () => clockMs, ...options }),
    {
      timeoutSeconds,
    },
  );
}
const call = (projectKey: string, accountId: string = USERS.admin): CallContext => ({
  accountId,
  moduleKey: 'outcome-lens-settings',
  issueKey: null,
  projectKey,
});
const clock = { now: () => new Date(clockMs) };
async function importGenerated(projectKey: string, issues: number) {
  const asOf = new Date('2026-06-01T00:00:00Z');
  const file = path.join(TMP, `${projectKey}-${issues}.jsonl`);
  if (!fs.existsSync(file)) writeJsonl(file, generateHistoryExport({ projectKey, issues, asOf }));
  await importIssues({ jira: wb.jira }, file);
  wb.jira.store.grant(projectKey, USERS.admin, PROJECT_PERMISSIONS);
  wb.jira.store.grant(projectKey, USERS.member, MEMBER_PERMISSIONS);
  wb.jira.store.grant(projectKey, USERS.viewer, ['BROWSE_PROJECTS']);
}
const state = (p: string) => wb.asSystem(() => loadCalibrationState(p));

beforeEach(() => {
  wb = createWorkbench();
});
afterEach(() => wb.dispose());
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

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

it('reads the history again for a mapping confirmed after the stored history expired, and finishes', async () => {
  await importGenerated('GEN', 300);
  clockMs = Date.parse('2026-06-01T00:00:00Z');
  wb.clock.now = new Date(clockMs);
  useConsumer();
  await wb.asUser(USERS.admin, () => startCalibration(call('GEN'), clock));
  await wb.queue.runDue({ until: 'idle', advanceClock: true });
  expect((await state('GEN'))?.status).toBe('finished');
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
