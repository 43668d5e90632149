/**
 * A Keep in kill review may add a kill condition to the lens: the app holds the lens it would write to Jira's
 * limit on a property value (32,768 characters of JSON), as the panel's save and the results review do. A Keep
 * that would take the lens over is refused with the app's own message before anything is done (the lens, the
 * decision log, the recorded intent), rather than with Jira's bare 400 once the decision is under way.
 */
import type { WorkbenchApp } from '../../workbench/app';
import type { DecideData, DecisionLogData, ZombieQueueData } from '../../src/contract/project-page';
import { ISSUE_PROPERTY_KEY, PROPERTY_VALUE_LIMIT } from '../../src/domain/issue-lens';
import {
  PAGE_PROJECT as P,
  aProjectPageApp,
  anOutcomeThroughPage,
  callPage,
  dataOf,
} from '../support/project-page-app';
import { seedFlaggedIssue } from '../support/flagged-issue';

let app: WorkbenchApp;
beforeEach(() => (app = aProjectPageApp()));
afterEach(() => app.close());

const call = <T>(fn: string, payload: unknown, user = 'member') => callPage<T>(app, fn, payload, user);
const lensOf = (key: string) => app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY);
const queued = async () => dataOf(await call<ZombieQueueData>('zombieQueue', {})).items.map((i) => i.key);
const logged = async () => dataOf(await call<DecisionLogData>('decisionLog', {}, 'admin')).entries;

/** A flagged item whose lens holds long texts, `room` characters or less short of Jira's limit. */
function flaggedNearTheLimit(room: number): string {
  const key = seedFlaggedIssue(app.jira.store, P, 'One-page checkout', {
    version: 3,
    hypothesis: {
      persona: 'a returning shopper',
      intent: 'to pay on one page',
      benefit: 'I finish my order',
    },
    hasHypothesis: 'true',
  });
  const lens = lensOf(key) as { hypothesis: { intent: string } };
  const padding = PROPERTY_VALUE_LIMIT - room - JSON.stringify(lens).length;
  lens.hypothesis.intent += ' and on one page'.repeat(Math.floor(padding / 16));
  app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, lens);
  const size = JSON.stringify(lensOf(key)).length;
  expect(size).toBeGreaterThan(PROPERTY_VALUE_LIMIT - room - 16);
  expect(size).toBeLessThanOrEqual(PROPERTY_VALUE_LIMIT - room);
  return key;
}

const reviewDate = `${new Date().getUTCFullYear() + 1}-06-01`;
const keep = (issueKey: string, text: string, id: string) => ({
  issueKey,
  idempotencyKey: `keep-${id}-0001`,
  decision: { kind: 'keep', reason: 'Still wanted', killCriteria: { condition: { text, reviewDate } } },
});

it('refuses a Keep whose kill condition would take the lens over Jira’s limit, and does nothing', async () => {
  const key = flaggedNearTheLimit(900);
  const before = lensOf(key);
  const request = keep(key, 'Abandonment has not fallen below 35% after two releases. '.repeat(17), 'long');

  const refused = await call<DecideData>('decide', request);
  expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  const message = refused.ok ? '' : refused.error.message;
  expect(message).toMatch(/^This is too much text to store on one issue \([\d,]+ of 32,768 characters\)\./);
  expect(message).toContain('Shorten the kill condition and decide again.');
  // Nothing done: the lens as it was, still in the queue, nothing logged.
  expect(lensOf(key)).toEqual(before);
  expect(await queued()).toEqual([key]);
  expect(await logged()).toEqual([]);

  // The same request sent again is refused the same way: the refusal recorded no intent to resume.
  const again = await call<DecideData>('decide', request);
  expect(again.ok ? '' : again.error.message).toBe(message);
  expect(lensOf(key)).toEqual(before);

  // A short condition fits, and is decided at once: the refusal left no lock or claim behind.
  const kept = dataOf(await call<DecideData>('decide', keep(key, 'Abandonment above 35% in May', 'short')));
  expect(kept.entry.kind).toBe('keep');
  expect(lensOf(key)).toMatchObject({
    zombie: 'false',
    killCriteria: { condition: { text: 'Abandonment above 35% in May' } },
  });
  expect(await queued()).toEqual([]);
  expect((await logged()).map((e) => e.kind)).toEqual(['keep']);
});

it('refuses a relink that would take the lens over Jira’s limit, and relinks once the lens has room', async () => {
  const outcomeId = await anOutcomeThroughPage(app);
  // The relink adds the outcome, the score and the decision's marker: some 200 characters.
  const key = flaggedNearTheLimit(60);
  const before = lensOf(key);
  const relink = {
    issueKey: key,
    idempotencyKey: 'relink-full-0001',
    decision: { kind: 'relink', reason: 'It serves the cart work', outcomeId },
  };
  const refused = await call<DecideData>('decide', relink);
  expect(refused.ok ? '' : refused.error.message).toMatch(
    /^This is too much text to store on one issue .*Shorten the texts in the issue panel and relink again\.$/,
  );
  expect(lensOf(key)).toEqual(before);
  expect(await queued()).toEqual([key]);
  expect(await logged()).toEqual([]);

  // Room made in the panel (here straight in the lens): the same request relinks.
  const lens = before as { hypothesis: { intent: string } };
  lens.hypothesis.intent = 'to pay on one page';
  app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, lens);
  const relinked = dataOf(await call<DecideData>('decide', relink));
  expect(relinked.entry.kind).toBe('relink');
  expect(lensOf(key)).toMatchObject({ outcomeId, zombie: 'false' });
});
