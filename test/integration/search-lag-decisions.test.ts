/**
 * What a person sees right after their own decision while Jira's search index is behind it (the platform spec:
 * "Recent updates might not be immediately visible in the returned search results"): the kill review reloaded
 * after a Kill or a Keep, the outcome map read after a Relink. The workbench's index lags far longer here than its
 * default, so a busy machine cannot let it catch up in the middle of the test.
 */
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import type { Answer } from '../../src/contract/answer';
import type { DecideData, MapLanesData, OutcomeView, ZombieQueueData } from '../../src/contract/project-page';
import { NO_OUTCOME } from '../../src/contract/project-page-keys';
import { seedFlaggedIssue } from '../support/flagged-issue';
import { anOutcomeDraft } from '../support/builders';

const P = 'DEMO';
const PAGE = 'outcome-lens-project-page';
/** 300 s of the site's time: 6 s on the test suite's 1/50 scale. */
const SLOW_INDEX_MS = 300_000;

let app: WorkbenchApp;

beforeEach(() => {
  app = createWorkbenchApp({ dataFile: ':memory:', contract: true, searchIndexDelayMs: SLOW_INDEX_MS });
  app.jira.store.createProject({ key: P, name: 'Demo' });
  app.grantDemoRoles(P);
});
afterEach(() => app.close());

async function call<T>(fn: string, payload: unknown, user = 'admin'): Promise<T> {
  const answer = (await app.invoke(PAGE, fn, payload, { user, projectKey: P })) as Answer<T>;
  if (!answer.ok) throw new Error(`expected ok, got ${JSON.stringify(answer.error)}`);
  return answer.data;
}

/** A flagged item, seeded before the test (so Jira's index has it). */
const aZombie = (summary: string): string => seedFlaggedIssue(app.jira.store, P, summary);

const queueKeys = async (listed?: string[]) => {
  const queue = await call<ZombieQueueData>('zombieQueue', listed ? { listed } : {}, 'member');
  return { keys: queue.items.map((i) => i.key), gone: queue.gone, total: queue.total };
};

describe('right after a decision, while Jira’s search has not caught up', () => {
  it('the kill review reloaded after a Kill does not list the killed item again', async () => {
    const killed = aZombie('Add a blue Save for Later button');
    const other = aZombie('Export the cart to CSV');
    expect((await queueKeys()).keys).toEqual([killed, other]);

    await call<DecideData>(
      'decide',
      {
        issueKey: killed,
        idempotencyKey: 'kill-0001-abcd',
        decision: { kind: 'kill', reason: 'Not wanted' },
      },
      'member',
    );
    expect(app.jira.index.behind).toBe(true);

    expect(await queueKeys()).toEqual({ keys: [other], gone: [], total: 1 });
    // A page that lists both ("Load more") hears that the killed one left the queue.
    expect((await queueKeys([killed, other])).gone).toEqual([killed]);
  });

  it('the kill review reloaded after a Keep does not list the kept item again', async () => {
    const kept = aZombie('Add a blue Save for Later button');
    const other = aZombie('Export the cart to CSV');

    await call<DecideData>(
      'decide',
      {
        issueKey: kept,
        idempotencyKey: 'keep-0001-abcd',
        decision: { kind: 'keep', reason: 'Still wanted', snoozeUntil: '2035-01-01' },
      },
      'member',
    );

    expect((await queueKeys()).keys).toEqual([other]);
  });

  it('the outcome map read after a Relink shows the issue under its new outcome, not as serving none', async () => {
    const outcome = await call<OutcomeView>('createOutcome', {
      draft: anOutcomeDraft(),
    });
    const relinked = aZombie('Show shipping costs on the product page');
    const before = await call<MapLanesData>('mapLanes', { filters: {}, pageSize: 20 });
    const keysIn = (lanes: MapLanesData, lane: string) =>
      lanes.lanes.find((l) => l.lane === lane)?.issues.map((i) => i.key) ?? [];
    expect(keysIn(before, NO_OUTCOME)).toEqual([relinked]);

    await call<DecideData>(
      'decide',
      {
        issueKey: relinked,
        idempotencyKey: 'relink-0001-ab',
        decision: { kind: 'relink', outcomeId: outcome.id, reason: 'It serves checkout' },
      },
      'member',
    );
    expect(app.jira.index.behind).toBe(true);

    const after = await call<MapLanesData>('mapLanes', { filters: {}, pageSize: 20 });
    expect(keysIn(after, outcome.id)).toEqual([relinked]);
    expect(keysIn(after, NO_OUTCOME)).toEqual([]);
    expect(after.lanes.find((l) => l.lane === outcome.id)?.issues[0]).toMatchObject({ link: 'direct' });
  });
});
