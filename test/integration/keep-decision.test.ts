/**
 * A Keep in kill review holds: the next scans do not send the item back for what the squad kept it with (its
 * idleness, a kill date passed before the Keep), and it comes back when a rule holds again after the Keep.
 */
import type { WorkbenchApp } from '../../workbench/app';
import type { DecideData, ZombieQueueData } from '../../src/contract/project-page';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { setWallClock } from '../support/timing';
import {
  PAGE_PROJECT as P,
  aProjectPageApp,
  callPage,
  dataOf,
  scanThroughPage,
} from '../support/project-page-app';

const DAY_MS = 86_400_000;

let app: WorkbenchApp;

beforeEach(() => (app = aProjectPageApp({ consumers: true })));
afterEach(() => {
  jest.useRealTimers();
  app.close();
});

async function call<T>(fn: string, payload: unknown, user = 'admin'): Promise<T> {
  return dataOf(await callPage<T>(app, fn, payload, user));
}

const scan = () => scanThroughPage(app);

const queued = async () => (await call<ZombieQueueData>('zombieQueue', {})).items.map((i) => i.key);
const lensOf = (key: string) => readLens(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));

/** A story nobody touched for 200 days: the scan sends it to kill review as idle. */
const anIdleStory = () => {
  const longAgo = new Date(Date.now() - 200 * DAY_MS).toISOString();
  return app.jira.store.createIssue({
    projectKey: P,
    type: 'Story',
    summary: 'Shoppers abandon carts because shipping costs surprise them',
    created: longAgo,
    updated: longAgo,
  }).key;
};

it('does not send a kept idle item back at the next scan, and sends it back once it is idle again', async () => {
  const ago = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
  const key = anIdleStory();
  await scan();
  expect(await queued()).toEqual([key]);
  expect(lensOf(key).flag?.rules.map((r) => r.rule)).toContain('idle');

  const kept = await call<DecideData>(
    'decide',
    {
      issueKey: key,
      idempotencyKey: 'keep-idle-0001',
      decision: {
        kind: 'keep',
        reason: 'Planned for next quarter',
        killCriteria: { deadline: '2035-01-01' },
      },
    },
    'member',
  );
  expect(kept.entry.kind).toBe('keep');
  expect(lensOf(key).keptAt).toBe(kept.entry.at);

  await scan();
  expect(await queued()).toEqual([]);
  expect(lensOf(key)).toMatchObject({ zombie: 'false' });

  // Idle for longer than the limit (60 days) after the Keep: back in the queue, for idleness since the Keep. (The
  // Keep is moved back in time rather than the clock forward: Jira's and the scan's clocks are the wall clock.)
  app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, {
    ...(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as object),
    keptAt: ago(61),
  });
  await scan();
  expect(await queued()).toEqual([key]);
  expect(lensOf(key).flag?.rules.find((r) => r.rule === 'idle')?.detail).toMatch(/kept in kill review/);
});

it('refuses a Keep whose new kill date has already passed, and keeps the item in the queue', async () => {
  const key = anIdleStory();
  await scan();
  const answer = await callPage<DecideData>(
    app,
    'decide',
    {
      issueKey: key,
      idempotencyKey: 'keep-past-0001',
      decision: { kind: 'keep', reason: 'Still wanted', killCriteria: { deadline: '2001-01-01' } },
    },
    'member',
  );
  expect(answer).toMatchObject({
    ok: false,
    error: {
      code: 'VALIDATION',
      fields: { 'decision.killCriteria.deadline': expect.stringMatching(/2001-01-01 has already passed/) },
    },
  });
  expect(await queued()).toEqual([key]);
});

it('refuses a Keep whose new kill date falls inside its snooze, at the kill date, and keeps the item in the queue', async () => {
  const key = anIdleStory();
  await scan();
  const before = structuredClone(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));
  const answer = await callPage<DecideData>(
    app,
    'decide',
    {
      issueKey: key,
      idempotencyKey: 'keep-inside-0001',
      decision: {
        kind: 'keep',
        reason: 'Wanted for the spring launch',
        snoozeUntil: '2035-06-01',
        killCriteria: { deadline: '2035-01-01' },
      },
    },
    'member',
  );
  expect(answer).toEqual({
    ok: false,
    error: expect.objectContaining({
      code: 'VALIDATION',
      message: 'Kill date 2035-01-01 is before the snooze ends (2035-06-01).',
      fields: {
        'decision.killCriteria.deadline':
          'Kill date 2035-01-01 falls inside the snooze, which ends 2035-06-01: choose a kill date after it, or snooze for less.',
      },
    }),
  });
  expect(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toEqual(before);
  expect(await queued()).toEqual([key]);
});

it("sends the item back when a kill date set at the Keep passes, though it is the UTC day before the Keep's", async () => {
  const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  // Five in the morning UTC: west of UTC it is still the evening of UTC's yesterday, a kill date the Keep accepts.
  setWallClock(new Date(`${utcDay(Date.now())}T05:00:00.000Z`));
  const key = anIdleStory();
  await scan();
  const personToday = utcDay(Date.now() - DAY_MS);
  await call<DecideData>(
    'decide',
    {
      issueKey: key,
      idempotencyKey: 'keep-west-0001',
      decision: {
        kind: 'keep',
        reason: 'Kill it if not started today',
        killCriteria: { deadline: personToday },
      },
    },
    'member',
  );
  // Ten days on (the Keep and its kill date moved back in time): the kill date has passed, nobody acted.
  const stored = app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as { keptAt: string };
  app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, {
    ...stored,
    keptAt: new Date(Date.parse(stored.keptAt) - 10 * DAY_MS).toISOString(),
    killCriteria: { deadline: utcDay(Date.now() - 11 * DAY_MS) },
  });
  await scan();
  expect(lensOf(key).flag?.rules.map((r) => r.rule)).toContain('killDeadline');
  expect(await queued()).toEqual([key]);
});
