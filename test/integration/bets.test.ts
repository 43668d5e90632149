/**
 * Every delivered bet is checked, over the workbench: the daily scan tracks delivered items that expected a
 * movement, proposes a verdict from the measurements the web trigger brought in once their check-by day has
 * come, marks overdue ones `betStatus = unverified` (searchable in JQL through manifest.yml's index), and
 * records nothing itself. The results review lists them; a person's verdict is recorded once per request id,
 * only by someone who may edit issues, into the lens and the decision log.
 */
import { LENS_CLAIM_TTL_SECONDS } from '../../src/storage/lens-claim';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import type { Answer } from '../../src/contract/answer';
import type { NewTokenData } from '../../src/contract/settings';
import type {
  ConfirmVerdictData,
  DecisionLogData,
  OutcomeView,
  ProjectPageLoadData,
  ResultsReviewData,
} from '../../src/contract/project-page';
import type { PanelLoadData } from '../../src/contract/issue-panel';
import { addDays } from '../../src/domain/dates';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { failStorageWrite } from '../support/storage-faults';
import { keys } from '../../src/storage/keys';
import type { TrackedBet } from '../../src/scan/bets';

const P = 'DEMO';
const PAGE = 'outcome-lens-project-page';
let app: WorkbenchApp;
const today = new Date().toISOString().slice(0, 10);

function ok<T>(a: unknown): T {
  const answer = a as Answer<T>;
  if (!answer.ok) throw new Error(`expected ok, got ${JSON.stringify(answer.error)}`);
  return answer.data;
}
const page = async <T>(fn: string, payload: unknown, user = 'member') =>
  (await app.invoke(PAGE, fn, payload, { user, projectKey: P })) as Answer<T>;

/** A delivered story whose lens expected `metric` to fall from 40 to 30 by `checkBy`. */
function deliveredBet(summary: string, metric: string, checkBy: string, resolution = 'Done'): string {
  const issue = app.jira.store.createIssue({
    projectKey: P,
    type: 'Story',
    summary,
    status: 'Done',
    statusCategory: 'done',
    resolution,
    // Delivered 60 days ago: the emulator gives no resolutiondate, so the scan reads the last update.
    created: addDays(today, -120),
    updated: addDays(today, -60),
  });
  app.jira.store.setIssueProperty(issue.key, ISSUE_PROPERTY_KEY, {
    version: 1,
    hypothesis: { persona: 'a returning shopper', intent: 'to pay faster', benefit: 'I finish my order' },
    expected: { metric, baseline: 40, target: 30, unit: '%', direction: 'decrease', checkBy },
    hasHypothesis: 'true',
  });
  return issue.key;
}

async function send(token: string, rows: Array<{ metric: string; value: number; at: string }>) {
  const answer = await app.invokeWebTrigger('outcome-lens-measurements', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(rows.map((r, i) => ({ ...r, id: `${r.metric.replace(/\W+/g, '-')}-${r.at}-${i}` }))),
  });
  expect(answer.statusCode).toBe(200);
}

/**
 * Readings of returns per order sent late, through a token of their own: about 40 just before a delivery 60 days
 * ago and 31 five days ago, which turn a bet on it from too few readings to validated.
 */
async function sendReturnsReadings(): Promise<void> {
  const { token } = ok<NewTokenData>(
    await app.invoke(SETTINGS, 'createToken', { name: 'late' }, { user: 'admin', projectKey: P }),
  );
  await send(token, [
    { metric: 'Returns per order', value: 40, at: addDays(today, -62) },
    { metric: 'Returns per order', value: 40.2, at: addDays(today, -61) },
    { metric: 'Returns per order', value: 31, at: addDays(today, -5) },
  ]);
}

/** What JQL finds once Jira's search index has taken in the app's writes (its lag is the search-lag tests'). */
async function jql(query: string): Promise<string[]> {
  app.jira.index.catchUp();
  const res = await app.jira.handle({
    method: 'POST',
    path: '/rest/api/3/search/jql',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jql: query, fields: ['summary'] }),
    actor: { type: 'user', accountId: app.accountIdOf('viewer') },
  });
  expect(res.status).toBe(200);
  return (JSON.parse(res.body) as { issues: Array<{ key: string }> }).issues.map((i) => i.key).sort();
}

let due: string;
let overdue: string;
let ahead: string;
let wontDo: string;

/** How far the app's clock is ahead of the wall clock (a test moves it past a claim's TTL). */
let aheadMs = 0;

beforeEach(async () => {
  aheadMs = 0;
  app = createWorkbenchApp({
    dataFile: ':memory:',
    contract: true,
    now: () => new Date(Date.now() + aheadMs),
  });
  app.jira.store.createProject({ key: P, name: 'Demo' });
  app.grantDemoRoles(P);
  ok<OutcomeView>(
    await page(
      'createOutcome',
      {
        draft: {
          name: 'Fewer abandoned checkouts',
          metric: 'Checkout abandonment',
          baseline: 40,
          target: 30,
          direction: 'decrease',
          dueDate: addDays(today, 200),
        },
      },
      'admin',
    ),
  );
  const { token } = ok<NewTokenData>(
    await app.invoke(SETTINGS, 'createToken', { name: 'ci' }, { user: 'admin', projectKey: P }),
  );
  // Checkout abandonment fell from 40 to 33 after a delivery 60 days ago: weekly readings.
  const weeks = Array.from({ length: 12 }, (_, i) => i);
  await send(
    token,
    weeks.map((i) => ({
      metric: 'Checkout abandonment',
      value: i < 4 ? 40 + (i % 2) * 0.5 : Math.max(33, 40 - (i - 3) * 1.2),
      at: addDays(today, -84 + i * 7),
    })),
  );
  // Its own metric: flat around 12 minutes, before and after.
  await send(
    token,
    weeks.map((i) => ({
      metric: 'Minutes to first order',
      value: 12 + (i % 2),
      at: addDays(today, -84 + i * 7),
    })),
  );
  due = deliveredBet('One-page checkout', 'Checkout abandonment', addDays(today, -3));
  overdue = deliveredBet('Faster first order', 'Minutes to first order', addDays(today, -30));
  ahead = deliveredBet('Saved carts', 'Checkout abandonment', addDays(today, 20));
  wontDo = deliveredBet('Gift wrapping', 'Checkout abandonment', addDays(today, -3), "Won't Do");
});
afterEach(() => app.close());

const SETTINGS = 'outcome-lens-settings';

describe('delivered bets', () => {
  it('are tracked by the scan, proposed a verdict at check-by, and unverified ones found by JQL', async () => {
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    const review = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
    expect(review.due.map((b) => b.issueKey)).toEqual([due]);
    expect(review.unverified.map((b) => b.issueKey)).toEqual([overdue]);
    expect(review.tracking.map((b) => b.issueKey)).toEqual([ahead]);
    expect([...review.due, ...review.unverified, ...review.tracking].map((b) => b.issueKey)).not.toContain(
      wontDo,
    );
    const proposal = review.due[0]!.proposal!;
    expect(proposal.verdict).toBe('validated');
    expect(proposal.evidence.atDelivery).not.toBeNull();
    expect(proposal.evidence.movement).toBeLessThan(-3.5);
    expect(review.due[0]!.series).toEqual({ kind: 'outcome', name: 'Fewer abandoned checkouts' });
    // Its own metric, flat within noise.
    expect(review.unverified[0]!.series).toMatchObject({ kind: 'metric', name: 'Minutes to first order' });
    expect(review.unverified[0]!.proposal!.verdict).toBe('inconclusive');
    expect(review.tracking[0]!.proposal).toBeNull();

    // Nothing is recorded without a person: no result on any lens, only the searchable status.
    for (const key of [due, overdue, ahead])
      expect(readLens(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).result).toBeNull();
    expect(await jql(`project = ${P} AND betStatus = unverified`)).toEqual([overdue]);
    expect(await jql(`project = ${P} AND betStatus = due`)).toEqual([due]);
    expect(readLens(app.jira.store.getIssueProperty(due, ISSUE_PROPERTY_KEY)).version).toBe(1);
    // The panel shows the proposal beside the result its owner may record.
    const panel = ok<PanelLoadData>(
      await app.invoke('outcome-lens-issue-panel', 'load', {}, { user: 'member', issueKey: due }),
    );
    expect(panel.betCheck).toMatchObject({ status: 'due', proposal: { verdict: 'validated' } });
  });

  it('proposes from the measurements as they are now: a reading sent since the scan counts at once', async () => {
    const returns = deliveredBet('Clearer sizes', 'Returns per order', addDays(today, -2));
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    const before = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
    const bare = before.due.find((b) => b.issueKey === returns)!.proposal!;
    expect(bare.evidence.atCheckBy).toBeNull();
    // Readings before and after the delivery (60 days ago) come in after the scan.
    await sendReturnsReadings();
    const after = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
    const now = after.due.find((b) => b.issueKey === returns)!.proposal!;
    expect(now.evidence.atCheckBy).toMatchObject({ value: 31 });
    expect(now.verdict).toBe('validated');
    // The issue panel proposes the same.
    const panel = ok<PanelLoadData>(
      await app.invoke('outcome-lens-issue-panel', 'load', {}, { user: 'member', issueKey: returns }),
    );
    expect(panel.betCheck?.proposal).toEqual(now);
    // Recorded against the proposal the review showed, not the scan's.
    const recorded = ok<ConfirmVerdictData>(
      await page('confirmVerdict', {
        issueKey: returns,
        idempotencyKey: 'verdict-returns-1',
        result: { verdict: 'validated', evidence: 'Returns fell to 31 per 100 orders' },
      }),
    );
    expect(recorded.entry).toMatchObject({ verdict: 'validated', proposed: 'validated' });
  });

  it('refuses a verdict decided beside a proposal that a reading since has changed, and writes nothing', async () => {
    const returns = deliveredBet('Clearer sizes', 'Returns per order', addDays(today, -2));
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    const shown = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer')).due.find(
      (b) => b.issueKey === returns,
    )!.proposal!;
    // While the person reads the review, readings before and after the delivery come in.
    await sendReturnsReadings();
    expect(shown.verdict).not.toBe('validated');
    const lensBefore = JSON.stringify(app.jira.store.getIssueProperty(returns, ISSUE_PROPERTY_KEY));
    const payload = {
      issueKey: returns,
      idempotencyKey: 'verdict-moved-1',
      result: { verdict: shown.verdict, evidence: 'Too few readings to tell.' },
      proposed: shown.verdict,
    };
    expect(await page('confirmVerdict', payload)).toEqual({
      ok: false,
      error: expect.objectContaining({
        code: 'VALIDATION',
        message: `A measurement came in since the review was read: ${returns}'s bet proposed ${shown.verdict} then and proposes validated now. The review shows the new proposal: check the verdict and the evidence, and record it again.`,
        fields: { proposed: 'The proposal has changed since the review was read.' },
      }),
    });
    expect(JSON.stringify(app.jira.store.getIssueProperty(returns, ISSUE_PROPERTY_KEY))).toBe(lensBefore);
    expect(ok<DecisionLogData>(await page('decisionLog', {})).entries).toEqual([]);
    // Read again, the review shows the new proposal; decided beside it, the verdict is recorded with it.
    const reread = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer')).due.find(
      (b) => b.issueKey === returns,
    )!.proposal!;
    const recorded = ok<ConfirmVerdictData>(
      await page('confirmVerdict', {
        ...payload,
        idempotencyKey: 'verdict-moved-2',
        result: { verdict: 'validated', evidence: 'Returns fell to 31 per 100 orders' },
        proposed: reread.verdict,
      }),
    );
    expect(recorded.entry).toMatchObject({ verdict: 'validated', proposed: 'validated' });
  });

  it('logs the proposal a verdict was decided beside when a retry finishes it after a reading changed it', async () => {
    const returns = deliveredBet('Clearer sizes', 'Returns per order', addDays(today, -2));
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    const shown = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer')).due.find(
      (b) => b.issueKey === returns,
    )!.proposal!;
    const payload = {
      issueKey: returns,
      idempotencyKey: 'verdict-retried-1',
      result: { verdict: 'inconclusive', evidence: 'Too few readings to tell.' },
      proposed: shown.verdict,
    };
    // The first try writes the lens and stops at the tracked bet's write, before its log row.
    const hit = failStorageWrite(app.kvs, (w) => (w.key ?? '').startsWith('bet:'));
    expect(await page('confirmVerdict', payload)).toMatchObject({ ok: false });
    jest.restoreAllMocks();
    expect(hit).toHaveLength(1);
    // A reading that changes the proposal comes in before the retry.
    await sendReturnsReadings();
    const retried = ok<ConfirmVerdictData>(await page('confirmVerdict', payload));
    expect(retried.entry).toMatchObject({ verdict: 'inconclusive', proposed: shown.verdict });
    expect(shown.verdict).not.toBe('validated');
  });

  it('refuses a request id already used for another decision, before writing anything', async () => {
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    // The kill review decides flagged items only: the delivered bet is flagged here, as a scan would flag it.
    const lens = readLens(app.jira.store.getIssueProperty(ahead, ISSUE_PROPERTY_KEY));
    app.jira.store.setIssueProperty(ahead, ISSUE_PROPERTY_KEY, { ...lens, zombie: 'true' });
    const key = 'reused-0001';
    ok(
      await page('decide', {
        issueKey: ahead,
        idempotencyKey: key,
        decision: { kind: 'keep', reason: 'Still wanted', snoozeUntil: '2035-01-01' },
      }),
    );
    const before = JSON.stringify(app.jira.store.getIssueProperty(due, ISSUE_PROPERTY_KEY));
    const verdict = await page('confirmVerdict', {
      issueKey: due,
      idempotencyKey: key,
      result: { verdict: 'validated', evidence: 'Conversion up 4%' },
    });
    expect(verdict).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { requestId: 'Already used for a different change.' } },
    });
    expect(JSON.stringify(app.jira.store.getIssueProperty(due, ISSUE_PROPERTY_KEY))).toBe(before);
    // The same id on the kill review, for another issue or another kind of decision, is refused the same way.
    for (const decision of [
      { issueKey: due, decision: { kind: 'keep', reason: 'Still wanted', snoozeUntil: '2035-01-01' } },
      { issueKey: ahead, decision: { kind: 'kill', reason: 'Not wanted after all' } },
    ])
      expect(await page('decide', { ...decision, idempotencyKey: key })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
    const log = ok<DecisionLogData>(await page('decisionLog', {}));
    expect(log.entries.map((e) => `${e.kind} ${e.issueKey}`)).toEqual([`keep ${ahead}`]);
  });

  it('takes a verdict once per request id, from people who can edit, into the lens, the panel and the log', async () => {
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    const result = {
      verdict: 'invalidated',
      evidence: 'Overridden: the fall came from a price change, not the new checkout.',
    };
    const payload = { issueKey: due, idempotencyKey: 'verdict-0001', result };
    expect(await page('confirmVerdict', payload, 'viewer')).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHORIZED' },
    });
    const first = ok<ConfirmVerdictData>(await page('confirmVerdict', payload));
    expect(first).toMatchObject({
      replayed: false,
      entry: { issueKey: due, verdict: 'invalidated', proposed: 'validated', byName: expect.any(String) },
    });
    const again = ok<ConfirmVerdictData>(await page('confirmVerdict', payload));
    expect(again).toEqual({ replayed: true, entry: first.entry });
    // The same id with another verdict or evidence is no retry: it is refused, not answered with the first.
    for (const changed of [
      { ...result, verdict: 'validated' },
      { ...result, evidence: `${result.evidence} Checked twice.` },
    ])
      expect(await page('confirmVerdict', { ...payload, result: changed })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', fields: { requestId: 'Already used for a different change.' } },
      });
    // Another request on an issue that has its verdict is refused, and nothing changes.
    const before = JSON.stringify(app.jira.store.getIssueProperty(due, ISSUE_PROPERTY_KEY));
    expect(await page('confirmVerdict', { ...payload, idempotencyKey: 'verdict-0002' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(JSON.stringify(app.jira.store.getIssueProperty(due, ISSUE_PROPERTY_KEY))).toBe(before);

    const lens = readLens(app.jira.store.getIssueProperty(due, ISSUE_PROPERTY_KEY));
    expect(lens).toMatchObject({ result, betStatus: 'invalidated', version: 2 });
    const panel = ok<PanelLoadData>(
      await app.invoke('outcome-lens-issue-panel', 'load', {}, { user: 'viewer', issueKey: due }),
    );
    expect(panel.lens.draft.result).toEqual(result);
    expect(panel.betCheck).toBeNull();
    const review = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
    expect(review.due).toEqual([]);
    expect(review.recent).toEqual([first.entry]);
    expect(await jql(`project = ${P} AND betStatus = invalidated`)).toEqual([due]);
    // The next scan keeps the person's verdict, and the review still lists it once, as confirmed here.
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    expect(readLens(app.jira.store.getIssueProperty(due, ISSUE_PROPERTY_KEY)).result).toEqual(result);
    expect(ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer')).recent).toEqual([first.entry]);
  });

  it('takes a verdict set in the issue panel out of the bets to decide, at once and after the next scan', async () => {
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    // Jira's search may not show the panel's save for a while: the review must not need it to.
    app.jira.index.delayMs = 60_000;
    const panel = ok<PanelLoadData>(
      await app.invoke('outcome-lens-issue-panel', 'load', {}, { user: 'member', issueKey: overdue }),
    );
    const result = { verdict: 'invalidated', evidence: 'Minutes to first order did not move in 8 weeks.' };
    ok(
      await app.invoke(
        'outcome-lens-issue-panel',
        'save',
        { issueKey: overdue, version: panel.lens.version, draft: { ...panel.lens.draft, result } },
        { user: 'member', issueKey: overdue },
      ),
    );
    const member = app.accountIdOf('member');
    const listed = (review: ResultsReviewData) =>
      [...review.due, ...review.unverified, ...review.tracking].map((b) => b.issueKey);
    const recorded = {
      issueKey: overdue,
      verdict: 'invalidated',
      evidence: result.evidence,
      by: member,
      // Named, as the review's "By" column shows it: the panel keeps only the account id.
      byName: 'Max Member',
      recordedIn: 'issue-panel',
    };

    // Before any scan reads it again: no longer offered for a verdict, and listed among the verdicts.
    const now = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
    expect(listed(now)).toEqual([due, ahead]);
    expect(now.recent).toEqual([expect.objectContaining(recorded)]);
    expect(
      await page('confirmVerdict', { issueKey: overdue, idempotencyKey: 'verdict-0003', result }),
    ).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });

    // After the scan: still listed once, as recorded in the panel, at the time it was saved.
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    const later = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
    expect(listed(later)).toEqual([due, ahead]);
    expect(later.recent).toEqual([{ ...now.recent[0]! }]);
  });
});

describe('a bet that expected more than one movement', () => {
  /** Delivered with the first expectation on checkout abandonment, due 3 days ago, and further ones. */
  async function betWithFurther(): Promise<string> {
    const key = deliveredBet('One-page checkout, saved details', 'Checkout abandonment', addDays(today, -3));
    const outcomeId = ok<ProjectPageLoadData>(await page('load', {})).outcomes[0]!.id;
    const lens = app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as Record<string, unknown>;
    app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, {
      ...lens,
      outcomeId,
      alsoExpected: [
        // No day of its own: checked by the bet's. Flat around 12 in the readings.
        { metric: 'Minutes to first order', baseline: 12, target: 10, direction: 'decrease' },
        // Its own day, two days ago; its readings come in later.
        {
          metric: 'Returns per order',
          baseline: 40,
          target: 30,
          direction: 'decrease',
          checkBy: addDays(today, -2),
        },
        // No readings of it at all: not judged by the linked outcome's, which measure another metric.
        { metric: 'Repeat orders', baseline: 10, target: 12, unit: '%', direction: 'increase' },
        // Its day ahead: nothing proposed yet.
        { metric: 'Basket size', baseline: 3, target: 4, direction: 'increase', checkBy: addDays(today, 30) },
      ],
    });
    return key;
  }

  /** The scan's record of the bet, as stored. */
  const trackedRecord = (key: string) =>
    app.kvs.dump().find((r) => r.key === keys.bet(P, key))!.value as TrackedBet;

  it('has each further expectation checked by its own metric, on its own day or else the bet’s', async () => {
    const key = await betWithFurther();
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    const item = () =>
      page<ResultsReviewData>('resultsReview', {}, 'viewer').then((a) =>
        ok<ResultsReviewData>(a).due.find((b) => b.issueKey === key)!,
      );
    const bet = await item();
    expect(bet.proposal!.verdict).toBe('validated');
    expect(
      bet.further.map((f) => [
        f.expected.metric,
        f.checkBy,
        f.series?.name ?? null,
        f.proposal?.verdict ?? null,
      ]),
    ).toEqual([
      ['Minutes to first order', addDays(today, -3), 'Minutes to first order', 'inconclusive'],
      ['Returns per order', addDays(today, -2), null, 'inconclusive'],
      ['Repeat orders', addDays(today, -3), null, 'inconclusive'],
      ['Basket size', addDays(today, 30), null, null],
    ]);
    expect(bet.further[0]!.proposal!.reason).toMatch(/within the metric’s noise/);
    expect(bet.further[2]!.proposal!.reason).toMatch(/^Too few measurements/);
    expect(bet.further[2]!.expected).toEqual({
      metric: 'Repeat orders',
      direction: 'increase',
      baseline: 10,
      target: 12,
      unit: '%',
    });
    // The scan's record holds them too.
    expect(trackedRecord(key).further).toHaveLength(4);

    // Readings sent since the scan count at once, as for the first expectation.
    await sendReturnsReadings();
    const after = await item();
    expect(after.further[1]).toMatchObject({
      series: { kind: 'metric', name: 'Returns per order' },
      proposal: { verdict: 'validated', evidence: { atCheckBy: { value: 31 } } },
    });
    // The issue panel shows the same beside the first's: each further one with a proposal, as it stands now.
    const panel = ok<PanelLoadData>(
      await app.invoke('outcome-lens-issue-panel', 'load', {}, { user: 'member', issueKey: key }),
    );
    expect(panel.betCheck?.further?.map((f) => [f.metric, f.proposal.verdict])).toEqual([
      ['Minutes to first order', 'inconclusive'],
      ['Returns per order', 'validated'],
      ['Repeat orders', 'inconclusive'],
    ]);
    expect(panel.betCheck?.further?.[2]?.unit).toBe('%');

    // A verdict recorded: the bet leaves the review.
    ok<ConfirmVerdictData>(
      await page('confirmVerdict', {
        issueKey: key,
        idempotencyKey: 'verdict-further-1',
        result: { verdict: 'validated', evidence: 'Abandonment fell to 33%, returns to 31 per 100 orders.' },
      }),
    );
    const review = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
    expect([...review.due, ...review.unverified, ...review.tracking].map((b) => b.issueKey)).not.toContain(
      key,
    );
    expect(trackedRecord(key).status).toBe('validated');
  });
});

describe('a project with more delivered bets than one scan reads', () => {
  // 520 old bets already unverified, each touched lately, and one whose check-by day has come, untouched for
  // months. The scan read the 500 most recently updated only: that bet was never read, never due, never proposed.
  it('reads the bets whose state moves with time first, so one falling due is never crowded out', async () => {
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    for (let i = 0; i < 520; i++) {
      const key = app.jira.store.createIssue({
        projectKey: P,
        type: 'Story',
        summary: `Old bet ${i}`,
        status: 'Done',
        statusCategory: 'done',
        resolution: 'Done',
        created: addDays(today, -400),
        updated: addDays(today, -1),
      }).key;
      app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, {
        version: 1,
        expected: { metric: 'Checkout abandonment', direction: 'decrease', checkBy: addDays(today, -200) },
        betStatus: 'unverified',
      });
    }
    // The bet set up for this test falls due today; it was last updated 60 days ago and the scan saw it tracking.
    const lens = readLens(app.jira.store.getIssueProperty(ahead, ISSUE_PROPERTY_KEY));
    app.jira.store.setIssueProperty(ahead, ISSUE_PROPERTY_KEY, {
      ...lens,
      expected: { ...lens.expected, checkBy: today },
    });
    app.jira.store.db
      .prepare('UPDATE jira_issues SET updated = ? WHERE key = ?')
      .run(addDays(today, -60), ahead);
    expect(readLens(app.jira.store.getIssueProperty(ahead, ISSUE_PROPERTY_KEY)).betStatus).toBe('tracking');

    // The day's scheduled run has been; a project admin's Scan now runs the next.
    ok(await page('scanNow', {}, 'admin'));
    await app.queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 5_000 });
    expect(readLens(app.jira.store.getIssueProperty(ahead, ISSUE_PROPERTY_KEY)).betStatus).toBe('due');
    const review = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
    expect(review.due.map((b) => b.issueKey)).toContain(ahead);
  }, 120_000);
});

describe('a tracked bet whose item is a delivered bet no more', () => {
  /** A live run, as Scan now starts it (a second scheduled firing soon after starts none). */
  async function scanNow(): Promise<void> {
    ok(await page('scanNow', { dryRun: false }, 'admin'));
    app.registerConsumers();
    await app.queue.runDue({ until: 'idle', advanceClock: true });
  }
  const listed = async () => {
    const review = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
    return [...review.due, ...review.unverified, ...review.tracking].map((b) => b.issueKey);
  };
  const reopen = (key: string, fields: Record<string, unknown> = {}) =>
    app.jira.store.updateIssueFields(app.jira.store.getIssue(key)!.id, {
      statusName: 'In Progress',
      statusCategory: 'indeterminate',
      resolution: null,
      updated: new Date().toISOString(),
      ...fields,
    });

  // Its bet record was only ever written, never dropped: the results review kept asking for a verdict on an item
  // reopened (which the app then refuses to record), and the panel kept its "due" status.
  it('is dropped from the results review once its item is reopened, and its lens loses the scan’s status', async () => {
    await scanNow();
    expect(await listed()).toContain(due);
    reopen(due);
    await scanNow();
    expect(await listed()).not.toContain(due);
    expect(await listed()).toContain(overdue);
    expect(readLens(app.jira.store.getIssueProperty(due, ISSUE_PROPERTY_KEY)).betStatus).toBeNull();
    expect(await jql(`project = ${P} AND betStatus = due`)).toEqual([]);
  });

  // Jira fails the lens write that clears the status: dropping the record first would leave the lens "due" with
  // nothing left to find the item again. The record stays, and the next scan clears both.
  it('is dropped by the next scan when Jira failed to clear its lens, the lens cleared too', async () => {
    await scanNow();
    reopen(due);
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    app.jira.faults.inject({
      kind: 'server-error',
      status: 500,
      times: 20,
      match: { method: 'PUT', pathIncludes: `/issue/${due}/properties/` },
    });
    await scanNow();
    warn.mockRestore();
    expect(readLens(app.jira.store.getIssueProperty(due, ISSUE_PROPERTY_KEY)).betStatus).toBe('due');
    app.jira.faults.clear();
    // A 500 may be Jira's gateway giving up on a write Jira still makes: the claim was kept until it ran out.
    aheadMs = (LENS_CLAIM_TTL_SECONDS + 1) * 1000;
    await scanNow();
    expect(await listed()).not.toContain(due);
    expect(readLens(app.jira.store.getIssueProperty(due, ISSUE_PROPERTY_KEY)).betStatus).toBeNull();
  });

  it('is judged from its new delivery day once its item is delivered again', async () => {
    await scanNow();
    reopen(due);
    await scanNow();
    const again = new Date().toISOString();
    reopen(due, { statusName: 'Done', statusCategory: 'done', resolution: 'Done', updated: again });
    await scanNow();
    const review = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
    const bet = [...review.due, ...review.unverified, ...review.tracking].find((b) => b.issueKey === due);
    expect(bet?.deliveredOn).toBe(again.slice(0, 10));
  });

  it('is dropped once its item is closed without delivery after it was delivered', async () => {
    await scanNow();
    reopen(due, { statusName: 'Done', statusCategory: 'done', resolution: "Won't Do" });
    await scanNow();
    expect(await listed()).not.toContain(due);
  });

  it('is dropped from the old project’s review once its item moved to another project', async () => {
    // One the viewer may browse too: the item is out of the old project's review for being elsewhere, not hidden.
    app.jira.store.createProject({ key: 'DEST', name: 'Destination' });
    app.grantDemoRoles('DEST');
    await scanNow();
    const moved = app.jira.store.moveIssue(overdue, 'DEST');
    await scanNow();
    expect(await listed()).not.toContain(overdue);
    expect(await listed()).not.toContain(moved);
    expect(await listed()).toEqual(expect.arrayContaining([due, ahead]));
  });
});
