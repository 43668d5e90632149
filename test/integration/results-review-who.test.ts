/**
 * The results review names who recorded each verdict: the person who set the result in the issue panel, not
 * whoever saved the issue's lens after them, before and after the next scan. Two people confirming one verdict at
 * once get one recorded (a guard: it held before the mend too).
 */
import type { WorkbenchApp } from '../../workbench/app';
import type { Answer } from '../../src/contract/answer';
import type { ConfirmVerdictData, ResultsReviewData } from '../../src/contract/project-page';
import type { PanelLoadData, PanelSaveData } from '../../src/contract/issue-panel';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { TrackedBet } from '../../src/scan/bets';
import { callPanel } from '../support/issue-panel-app';
import { aProjectPageApp, callPage, dataOf, scanThroughPage } from '../support/project-page-app';
import { createDueBet } from '../support/results-review';
import { failStorageWrite, writesWaitForEachOther } from '../support/storage-faults';

const today = new Date().toISOString().slice(0, 10);
let app: WorkbenchApp;

const ok = <T>(a: unknown) => dataOf(a as Answer<T>);
const page = <T>(fn: string, payload: unknown, user = 'member') => callPage<T>(app, fn, payload, user);
const panel = <T>(fn: string, payload: unknown, user: string, issueKey: string) =>
  callPanel<T>(app, fn, payload, user, issueKey);

beforeEach(() => {
  app = aProjectPageApp();
});
afterEach(() => {
  jest.restoreAllMocks();
  app.close();
});

describe('who recorded a verdict', () => {
  it('names the person who set the result in the panel, not whoever saved the issue’s lens after them', async () => {
    const key = createDueBet(app, today);
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    // The member records the verdict in the issue panel.
    const loaded = ok<PanelLoadData>(await panel('load', {}, 'member', key));
    const result = { verdict: 'validated', evidence: 'Abandonment fell from 40% to 31% in 8 weeks.' };
    const saved = ok<{ lens: PanelLoadData['lens'] }>(
      await panel(
        'save',
        { issueKey: key, version: loaded.lens.version, draft: { ...loaded.lens.draft, result } },
        'member',
        key,
      ),
    );
    // Later the admin mends a typo in the persona; the result is left as it is.
    const draft = {
      ...saved.lens.draft,
      hypothesis: { ...saved.lens.draft.hypothesis, persona: 'a returning customer' },
    };
    ok(await panel('save', { issueKey: key, version: saved.lens.version, draft }, 'admin', key));

    const member = app.accountIdOf('member');
    const review = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
    expect(review.recent.map((e) => [e.issueKey, e.verdict, e.by])).toEqual([[key, 'validated', member]]);
    // And once the next scan took it in.
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    const later = ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'));
    expect(later.recent.map((e) => [e.issueKey, e.verdict, e.by])).toEqual([[key, 'validated', member]]);
  });
});

describe('verdict write paths', () => {
  it('two people confirming at once with their own request ids: one recorded, the other told', async () => {
    const key = createDueBet(app, today);
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    const [a, b] = await Promise.all([
      page<ConfirmVerdictData>(
        'confirmVerdict',
        {
          issueKey: key,
          idempotencyKey: 'verdict-aaaa-0001',
          result: { verdict: 'validated', evidence: 'It fell.' },
        },
        'member',
      ),
      page<ConfirmVerdictData>(
        'confirmVerdict',
        {
          issueKey: key,
          idempotencyKey: 'verdict-bbbb-0002',
          result: { verdict: 'invalidated', evidence: 'It did not.' },
        },
        'admin',
      ),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
  });
});

/**
 * Who recorded a verdict is not the lens's word: the lens is an issue property anyone who may edit the issue can
 * write through Jira's REST API. The app keeps who set a result in its own storage, written before the lens.
 */
describe('who recorded a verdict, whatever the lens says', () => {
  const result = { verdict: 'validated', evidence: 'Abandonment fell from 40% to 31% in 8 weeks.' };
  const lensOf = (key: string) =>
    app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as Record<string, unknown>;
  /** The lens as someone writes it outside the app (REST, by hand): `changes` over what is stored. */
  const writeLensOutsideTheApp = (key: string, changes: Record<string, unknown>) =>
    app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, { ...lensOf(key), ...changes });
  const betOf = (key: string) =>
    app.kvs.dump().find((r) => r.key === `bet:DEMO:${key}`)?.value as TrackedBet | undefined;
  const stamps = () => app.kvs.dump().filter((r) => r.key.startsWith('result-stamp:'));
  /** A scan of DEMO once Jira's search has taken in every write (the scan's bet tracking searches). */
  const scan = () => {
    app.jira.index.catchUp();
    return scanThroughPage(app);
  };
  const reviewBy = async (key: string) =>
    ok<ResultsReviewData>(await page('resultsReview', {}, 'viewer'))
      .recent.filter((e) => e.issueKey === key)
      .map((e) => [e.verdict, e.by]);
  const saveResult = async (key: string, user: string, r: typeof result | null, requestId?: string) => {
    const loaded = ok<PanelLoadData>(await panel('load', {}, user, key));
    return panel<PanelSaveData>(
      'save',
      {
        issueKey: key,
        version: loaded.lens.version,
        // A result taken away is left out of the draft, as the panel sends it.
        draft: { ...loaded.lens.draft, result: r ?? undefined },
        ...(requestId ? { requestId } : {}),
      },
      user,
      key,
    );
  };

  it('a result written into the lens outside the app, naming the admin, is not the admin’s', async () => {
    const key = createDueBet(app, today);
    await scan();
    // The member writes the lens through Jira's REST API, as if the admin had set the result.
    const at = new Date().toISOString();
    writeLensOutsideTheApp(key, { result, resultBy: app.accountIdOf('admin'), resultAt: at });
    expect(await reviewBy(key)).toEqual([['validated', 'unknown']]);
    await scan();
    expect(betOf(key)).toMatchObject({ result, recordedBy: null, recordedIn: 'issue-panel' });
    expect(await reviewBy(key)).toEqual([['validated', 'unknown']]);
  });

  it('a result saved in the panel is the saver’s, in the review and the bet’s record, even once the lens names another', async () => {
    const key = createDueBet(app, today);
    await scan();
    dataOf(await saveResult(key, 'member', result));
    const member = app.accountIdOf('member');
    // Someone rewrites who set it in the lens.
    writeLensOutsideTheApp(key, { resultBy: app.accountIdOf('admin') });
    expect(await reviewBy(key)).toEqual([['validated', member]]);
    await scan();
    expect(betOf(key)).toMatchObject({ result, recordedBy: member, recordedIn: 'issue-panel' });
    expect(await reviewBy(key)).toEqual([['validated', member]]);
  });

  it('a verdict confirmed in the review is the confirmer’s where the lens is read, even once the lens names another', async () => {
    const key = createDueBet(app, today);
    await scan();
    // The bet's record is not written (storage refused it, and nobody sent the verdict again): the review and the
    // next scan read who recorded the verdict from the lens's issue.
    const hit = failStorageWrite(app.kvs, (w) => (w.key ?? '').startsWith('bet:'));
    const confirmed = await page<ConfirmVerdictData>(
      'confirmVerdict',
      { issueKey: key, idempotencyKey: 'verdict-stamp-0001', result },
      'member',
    );
    jest.restoreAllMocks();
    expect(hit).toHaveLength(1);
    expect(confirmed.ok).toBe(false);
    const member = app.accountIdOf('member');
    writeLensOutsideTheApp(key, { resultBy: app.accountIdOf('admin') });
    expect(await reviewBy(key)).toEqual([['validated', member]]);
    await scan();
    expect(betOf(key)).toMatchObject({ result, recordedBy: member });
    expect(await reviewBy(key)).toEqual([['validated', member]]);
  });

  it.each([false, true])(
    'a save whose stamp app storage refuses (stored: %s) answers an error and leaves the lens as it was',
    async (lands) => {
      const key = createDueBet(app, today);
      await scan();
      const before = lensOf(key);
      const hit = failStorageWrite(app.kvs, (w) => (w.key ?? '').startsWith('result-stamp:'), { lands });
      const saved = await saveResult(key, 'member', result);
      jest.restoreAllMocks();
      expect(hit).toHaveLength(1);
      expect(saved).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
      expect(lensOf(key)).toEqual(before);
      expect(await reviewBy(key)).toEqual([]);
    },
  );

  it.each([
    ['changes', { verdict: 'invalidated', evidence: 'Abandonment stayed at 40%.' }],
    ['takes away', null],
  ] as const)(
    'a save that %s the result, whose lens write Jira refuses after the stamp, still names who set the result the lens keeps',
    async (_what, changed) => {
      const key = createDueBet(app, today);
      await scan();
      dataOf(await saveResult(key, 'admin', result));
      const admin = app.accountIdOf('admin');
      expect(await reviewBy(key)).toEqual([['validated', admin]]);
      app.jira.faults.inject({
        kind: 'refused',
        message: 'The property could not be written.',
        times: 1,
        match: { method: 'PUT', pathIncludes: `/properties/${ISSUE_PROPERTY_KEY}` },
      });
      const saved = await saveResult(key, 'member', changed);
      expect(saved.ok).toBe(false);
      expect(lensOf(key)).toMatchObject({ result, resultBy: admin });
      // The lens keeps the admin's result: the admin is still named, not the member and not "unknown".
      expect(await reviewBy(key)).toEqual([['validated', admin]]);
      await scan();
      expect(betOf(key)).toMatchObject({ result, recordedBy: admin });
      // The member sends it again, and this time it lands: the member's result, or none, is what is read.
      dataOf(await saveResult(key, 'member', changed));
      await scan();
      expect(await reviewBy(key)).toEqual(changed ? [[changed.verdict, app.accountIdOf('member')]] : []);
      expect(stamps().map((r) => r.value)).toEqual(
        changed ? [expect.objectContaining({ by: app.accountIdOf('member'), ...changed })] : [],
      );
    },
  );

  it('a result changed in the panel, then written back outside the app, names no one', async () => {
    const key = createDueBet(app, today);
    await scan();
    dataOf(await saveResult(key, 'admin', result));
    const changed = { verdict: 'invalidated', evidence: 'Abandonment stayed at 40%.' };
    dataOf(await saveResult(key, 'member', changed));
    // The change landed: the stamp keeps no earlier one that could vouch for the admin's result.
    expect(stamps().map((r) => r.value)).toEqual([
      { by: app.accountIdOf('member'), at: expect.any(String), ...changed },
    ]);
    // Someone writes the admin's result back into the lens through Jira's REST API.
    writeLensOutsideTheApp(key, { result });
    await scan();
    expect(await reviewBy(key)).toEqual([['validated', 'unknown']]);
  });

  it('a save sent twice, at once and again after it landed, writes its stamp once', async () => {
    const key = createDueBet(app, today);
    await scan();
    const answer = app.kvs.handle.bind(app.kvs);
    const stampWrites: string[] = [];
    jest.spyOn(app.kvs, 'handle').mockImplementation((path, init) => {
      if (typeof init?.body === 'string' && init.body.includes('"result-stamp:')) stampWrites.push(path);
      return answer(path, init);
    });
    const loaded = ok<PanelLoadData>(await panel('load', {}, 'member', key));
    const payload = {
      issueKey: key,
      version: loaded.lens.version,
      draft: { ...loaded.lens.draft, result },
      requestId: 'save-twice-0001',
    };
    const both = await Promise.all([
      panel<PanelSaveData>('save', payload, 'member', key),
      panel<PanelSaveData>('save', payload, 'member', key),
    ]);
    expect(both.map((a) => a.ok)).toEqual([true, true]);
    expect(dataOf(await panel<PanelSaveData>('save', payload, 'member', key)).replayed).toBe(true);
    expect(stampWrites).toEqual(['/api/v1/set']);
    expect(await reviewBy(key)).toEqual([['validated', app.accountIdOf('member')]]);
  });

  it('two saves of different results from the same version: one saved, the other told, the stamp the winner’s', async () => {
    const key = createDueBet(app, today);
    await scan();
    const loaded = ok<PanelLoadData>(await panel('load', {}, 'member', key));
    const save = (user: string, r: { verdict: string; evidence: string }) =>
      panel<PanelSaveData>(
        'save',
        { issueKey: key, version: loaded.lens.version, draft: { ...loaded.lens.draft, result: r } },
        user,
        key,
      );
    const theirs = { verdict: 'invalidated', evidence: 'Abandonment stayed at 40%.' };
    // Both have read the lens's version before either claims the issue.
    writesWaitForEachOther(app.kvs, 2);
    const [mine, other] = await Promise.all([save('member', result), save('admin', theirs)]);
    jest.restoreAllMocks();
    expect([mine.ok, other.ok].sort()).toEqual([false, true]);
    const lost = mine.ok ? other : mine;
    expect(lost).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const [winner, won] = mine.ok ? ['member', result] : ['admin', theirs];
    expect(lensOf(key)).toMatchObject({ result: won });
    expect(stamps().map((r) => r.value)).toEqual([
      expect.objectContaining({ by: app.accountIdOf(winner), ...won }),
    ]);
    expect(await reviewBy(key)).toEqual([[won.verdict, app.accountIdOf(winner)]]);
  });
});
