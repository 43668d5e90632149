/**
 * The scan's bulk lens write (POST /rest/api/3/issue/properties/multi) meets a 5xx. Like every other lens writer
 * (lens-write-lands-late.test.ts), it keeps the issues' claims when Jira may still carry the write out, and it
 * retries only the lenses whose claims are still its own: a retry sent after a claim ran out landed the lens read
 * before over a person's save, and a claim released after a 504 let a save in before the late write landed.
 */
import { kvs } from '@forge/kvs';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { storagePorts } from '../../src/resolvers/issue-panel';
import { createScanConsumer } from '../../src/scan/consumer';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { startScans } from '../../src/scan/trigger';
import { saveIssueLens } from '../../src/services/issue-lens-service';
import { keys } from '../../src/storage/keys';
import { LENS_CLAIM_TTL_SECONDS } from '../../src/storage/lens-claim';
import { saveSettings } from '../../src/storage/settings';
import type { JiraRequest, JiraResponse } from '../../workbench/jira/types';
import {
  anIdleStory,
  createWorkbench,
  PROJECT_KEY,
  USERS,
  type Workbench,
} from '../support/workbench-harness';

const START = Date.parse('2026-06-01T06:00:00.000Z');
const BULK_LENS_WRITE = { method: 'POST', pathIncludes: '/rest/api/3/issue/properties/multi' };
let wb: Workbench;
beforeEach(() => {
  wb = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off' });
  wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer({ clock: () => wb.clock.now!.getTime() }));
});
afterEach(() => wb.dispose());

const lensOf = (key: string) => readLens(wb.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));

/** The member saves a hypothesis on `version` in the issue's panel: "saved vN", or the refusal's words. */
function memberSaves(key: string, version: number): Promise<string> {
  return wb.asUser(USERS.member, () =>
    saveIssueLens(
      {
        version,
        draft: {
          hypothesis: {
            persona: 'returning shopper',
            intent: 'see shipping early',
            benefit: 'I finish checkout',
          },
          expected: {},
          killCriteria: {},
        },
      },
      { accountId: USERS.member, moduleKey: 'issue-panel', issueKey: key, projectKey: PROJECT_KEY },
      storagePorts(),
    ).then(
      (d) => `saved v${d.lens.version}`,
      (e: unknown) => `refused: ${e instanceof Error ? e.message : String(e)}`,
    ),
  );
}

async function scan(): Promise<void> {
  await wb.asSystem(() => startScans([PROJECT_KEY], 'schedule'));
  await wb.queue.runDue({ until: 'idle', advanceClock: false });
}

it.each([1, 3])(
  'keeps the claims while a bulk lens write answered 504 (%i time(s)) may land: a save meanwhile is refused, not lost',
  async (times) => {
    const [key] = wb.jira.store.bulkCreateIssues([anIdleStory(START)]);
    wb.jira.faults.inject({
      kind: 'server-error',
      status: 504,
      applied: 'later',
      times,
      match: BULK_LENS_WRITE,
    });
    await scan();
    const seen = lensOf(key!).version;
    // Told to wait, so the person knows the save did not happen; no late write can undo a save told "saved".
    expect(await memberSaves(key!, seen)).toMatch(
      /^refused: OL-1 is being saved right now .*, so nothing was saved\. Try again in \d+ seconds?\.$/,
    );
    await wb.jira.landBackgroundTasks();
    expect(lensOf(key!).hypothesis.persona).toBeUndefined();
    // Once the claim has run out, the save goes through and stays.
    wb.clock.now = new Date(wb.clock.now!.getTime() + (LENS_CLAIM_TTL_SECONDS + 1) * 1000);
    expect(await memberSaves(key!, lensOf(key!).version)).toMatch(/^saved v\d+$/);
    await wb.jira.landBackgroundTasks();
    expect(lensOf(key!).hypothesis.persona).toBe('returning shopper');
  },
);

it('does not retry a bulk lens write for an issue whose claim ran out while Jira answered 503', async () => {
  const [key] = wb.jira.store.bulkCreateIssues([anIdleStory(START)]);
  wb.jira.faults.inject({ kind: 'server-error', status: 503, times: 1, match: BULK_LENS_WRITE });
  const handle = wb.jira.handle.bind(wb.jira);
  let saved: string | null = null;
  wb.jira.handle = async (req: JiraRequest): Promise<JiraResponse> => {
    const res = await handle(req);
    if (saved === null && req.method === 'POST' && req.path.startsWith(BULK_LENS_WRITE.pathIncludes)) {
      expect(res.status).toBe(503);
      // The 503 came slowly: the scan's claim ran out before it was answered, and the member saved meanwhile.
      wb.clock.now = new Date(wb.clock.now!.getTime() + (LENS_CLAIM_TTL_SECONDS + 2) * 1000);
      saved = await memberSaves(key!, 0);
    }
    return res;
  };
  await scan();
  expect(saved).toBe('saved v1');
  const after = lensOf(key!);
  expect({ version: after.version, persona: after.hypothesis.persona }).toEqual({
    version: 1,
    persona: 'returning shopper',
  });
});

it('drops the flag label’s edit intent once a retry’s lens write is seen done, though the first send was answered 502', async () => {
  await wb.asSystem(() => saveSettings(PROJECT_KEY, { flagActions: { label: 'zombie', comment: true } }, 0));
  const [key] = wb.jira.store.bulkCreateIssues([anIdleStory(START)]);
  wb.jira.faults.inject({
    kind: 'server-error',
    status: 502,
    applied: 'later',
    times: 1,
    match: BULK_LENS_WRITE,
  });
  await scan();
  expect(lensOf(key!).flag).toBeDefined();
  // The lens records the label as the app's: the intent that said so until it landed is not kept for 30 days.
  expect(await wb.asSystem(() => kvs.get(keys.appEdit(PROJECT_KEY, key!)))).toBeUndefined();
});
