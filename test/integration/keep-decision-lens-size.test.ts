/**
 * A kill review decision writes the issue's lens, and the app holds what it would write to Jira's limit on a
 * property value (32,768 characters of JSON), as the panel's save and the results review do. A decision whose lens
 * would be over it (a Keep's kill condition adds text; the lens as the app reads it has every field, which an older
 * writer may have left out) is refused with the app's own message before anything is done: no intent recorded, the
 * label left on, the issue left open, nothing logged. Jira would answer a bare 400 once the decision was under way,
 * after the kill had closed the issue.
 */
import { kvs } from '@forge/kvs';
import type { WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/context';
import type { DecideData, DecisionLogData, ZombieQueueData } from '../../src/contract/project-page';
import { ISSUE_PROPERTY_KEY, PROPERTY_VALUE_LIMIT } from '../../src/domain/issue-lens';
import { keys } from '../../src/storage/keys';
import { saveSettings } from '../../src/storage/settings';
import {
  PAGE_MODULE,
  PAGE_PROJECT as P,
  aProjectPageApp,
  anOutcomeThroughPage,
  callPage,
  dataOf,
} from '../support/project-page-app';
import { YEAR_AHEAD } from '../support/builders';
import { seedFlaggedIssue } from '../support/flagged-issue';

const LABEL = 'zombie';
let app: WorkbenchApp;
beforeEach(async () => {
  app = aProjectPageApp();
  await asApp(() => saveSettings(P, { flagActions: { label: LABEL, comment: false } }, 0));
});
afterEach(() => app.close());

const asApp = <T>(work: () => Promise<T>) =>
  runInInvocation({ accountId: null, moduleKey: PAGE_MODULE, installContext: app.installContext }, work);
const call = <T>(fn: string, payload: unknown, user = 'member') => callPage<T>(app, fn, payload, user);
const lensOf = (key: string) => app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY);
const queued = async () => dataOf(await call<ZombieQueueData>('zombieQueue', {})).items.map((i) => i.key);
const logged = async () => dataOf(await call<DecisionLogData>('decisionLog', {}, 'admin')).entries;
const intentOf = (idempotencyKey: string) => asApp(() => kvs.get(keys.decisionIntent(P, idempotencyKey)));

/**
 * A flagged, labelled item whose stored lens holds long texts: `room` characters or less short of Jira's limit as
 * stored (the fields an older writer left out, which the app writes, are not in it).
 */
function flaggedNearTheLimit(room: number): string {
  const key = seedFlaggedIssue(
    app.jira.store,
    P,
    'One-page checkout',
    {
      version: 3,
      hypothesis: {
        persona: 'a returning shopper',
        intent: 'to pay on one page',
        benefit: 'I finish my order',
      },
      hasHypothesis: 'true',
      flag: {
        flaggedAt: '2026-01-01T00:00:00.000Z',
        rules: [
          { rule: 'idle', since: '2025-03-02', detail: 'No activity for 300 days.', clearBy: 'Act on it.' },
        ],
        labelApplied: true,
        commented: false,
      },
    },
    { labels: [LABEL] },
  );
  const lens = lensOf(key) as { hypothesis: { intent: string } };
  const padding = PROPERTY_VALUE_LIMIT - room - JSON.stringify(lens).length;
  lens.hypothesis.intent += ' and on one page'.repeat(Math.floor(padding / 16));
  app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, lens);
  const size = JSON.stringify(lensOf(key)).length;
  expect(size).toBeGreaterThan(PROPERTY_VALUE_LIMIT - room - 16);
  expect(size).toBeLessThanOrEqual(PROPERTY_VALUE_LIMIT - room);
  return key;
}

/** Refused with the app's message ending in `shorten`; the item as it was: open, labelled, queued, nothing logged. */
async function expectRefusedUntouched(key: string, request: { idempotencyKey: string }, shorten: string) {
  const before = lensOf(key);
  const refused = await call<DecideData>('decide', request);
  expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  const message = refused.ok ? '' : refused.error.message;
  expect(message).toMatch(/^This is too much text to store on one issue \([\d,]+ of 32,768 characters\)\./);
  expect(message.endsWith(shorten)).toBe(true);
  expect(lensOf(key)).toEqual(before);
  expect(app.jira.store.getIssue(key)).toMatchObject({ labels: [LABEL], statusCategory: 'new' });
  expect(await intentOf(request.idempotencyKey)).toBeUndefined();
  expect(await queued()).toEqual([key]);
  expect(await logged()).toEqual([]);
  return message;
}

/** The stored lens with its intent short again, as a person leaves it after shortening it in the panel. */
function shortened(key: string): void {
  const lens = lensOf(key) as { hypothesis: { intent: string } };
  lens.hypothesis.intent = 'to pay on one page';
  app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, lens);
}

const reviewDate = `${YEAR_AHEAD}-06-01`;
const keep = (issueKey: string, text: string, id: string) => ({
  issueKey,
  idempotencyKey: `keep-${id}-0001`,
  decision: { kind: 'keep', reason: 'Still wanted', killCriteria: { condition: { text, reviewDate } } },
});

it('refuses a Keep whose kill condition would take the lens over Jira’s limit, and does nothing', async () => {
  const key = flaggedNearTheLimit(900);
  const request = keep(key, 'Abandonment has not fallen below 35% after two releases. '.repeat(17), 'long');
  const shorten = 'Shorten the kill condition and decide again.';
  const message = await expectRefusedUntouched(key, request, shorten);

  // The same request sent again is refused the same way, not resumed as one under way.
  expect(await expectRefusedUntouched(key, request, shorten)).toBe(message);

  // A short condition fits, and is decided at once: the refusal left no lock or claim behind.
  const kept = dataOf(await call<DecideData>('decide', keep(key, 'Abandonment above 35% in May', 'short')));
  expect(kept.entry.kind).toBe('keep');
  expect(lensOf(key)).toMatchObject({
    zombie: 'false',
    killCriteria: { condition: { text: 'Abandonment above 35% in May' } },
  });
  expect(app.jira.store.getIssue(key)!.labels).toEqual([]);
  expect(await queued()).toEqual([]);
  expect((await logged()).map((e) => e.kind)).toEqual(['keep']);
});

it('refuses a kill whose lens would be over Jira’s limit before closing the issue, and kills once it fits', async () => {
  // Within 60 characters of the limit as stored: the lens the kill writes has every field, so it would be over.
  const key = flaggedNearTheLimit(60);
  const kill = {
    issueKey: key,
    idempotencyKey: 'kill-full-0001',
    decision: { kind: 'kill', reason: 'No demand' },
  };
  await expectRefusedUntouched(key, kill, 'Shorten the texts in the issue panel and kill again.');

  shortened(key);
  const killed = dataOf(await call<DecideData>('decide', kill));
  expect(killed.entry.kind).toBe('kill');
  expect(app.jira.store.getIssue(key)).toMatchObject({ statusCategory: 'done', labels: [] });
  expect(lensOf(key)).toMatchObject({ zombie: 'false' });
});

it('refuses a relink whose lens would be over Jira’s limit, and relinks once it fits', async () => {
  const outcomeId = await anOutcomeThroughPage(app);
  const key = flaggedNearTheLimit(60);
  const relink = {
    issueKey: key,
    idempotencyKey: 'relink-full-0001',
    decision: { kind: 'relink', reason: 'It serves the cart work', outcomeId },
  };
  await expectRefusedUntouched(key, relink, 'Shorten the texts in the issue panel and relink again.');

  shortened(key);
  const relinked = dataOf(await call<DecideData>('decide', relink));
  expect(relinked.entry.kind).toBe('relink');
  expect(lensOf(key)).toMatchObject({ outcomeId, zombie: 'false' });
});
