import { carryOversFromSprints, lastRealActivity } from '../../src/domain/activity';
import {
  ISSUE_PROPERTY_KEY,
  killDateOf,
  storedLensSchema,
  type IssueLens,
} from '../../src/domain/issue-lens';
import { detectRecipe, type AdfNode } from '../../src/domain/recipe-detector';
import type { OutcomeLink } from '../../src/domain/schemas';
import { scoreIssue } from '../../src/domain/score';
import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import {
  evaluateZombie,
  LINKS_IN_USE_SHARE,
  ZOMBIE_RULE_IDS,
  type IssueSnapshot,
  type ZombieRuleId,
} from '../../src/domain/zombie';
import type { Answer } from '../../src/contract/answer';
import type { BetItem, ProjectPageLoadData, ResultsReviewData } from '../../src/contract/project-page';
import { listOutcomes, type StoredOutcome } from '../../src/storage/outcomes';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/runtime';
import type { StoredIssue } from '../../workbench/jira/types';
import { seedDemo } from '../../workbench/seed/demo';

const NOW = new Date('2026-11-21T10:00:00Z');
const DAY_MS = 86_400_000;

let app: WorkbenchApp;
let issues: StoredIssue[];
let outcomes: StoredOutcome[];

function demoIssues(): StoredIssue[] {
  const project = app.jira.store.getProject('DEMO');
  if (!project) return [];
  return app.jira.store.issuesAfter(0, 1000, { projectIds: [project.id] });
}

function loadOutcomes(): Promise<StoredOutcome[]> {
  return runInInvocation({ accountId: app.accountIdOf('admin'), moduleKey: 'demo-seed-test' }, () =>
    listOutcomes('DEMO'),
  );
}

function rawLensOf(issue: StoredIssue): unknown {
  return app.jira.store.getIssueProperty(issue.key, ISSUE_PROPERTY_KEY);
}

function lensOf(issue: StoredIssue): IssueLens | null {
  const raw = rawLensOf(issue);
  return raw === undefined ? null : storedLensSchema.parse(raw);
}

/** A direct link, else the epic's (inherited), else none: the rule the product brief states. */
function linkOf(issue: StoredIssue): OutcomeLink {
  const own = lensOf(issue)?.outcomeId;
  if (own) return { kind: 'direct', outcomeId: own };
  const parent = issue.parentKey ? app.jira.store.getIssue(issue.parentKey) : null;
  const inherited = parent ? lensOf(parent)?.outcomeId : null;
  if (parent && inherited) return { kind: 'inherited', outcomeId: inherited, fromIssueKey: parent.key };
  return { kind: 'none' };
}

function snapshotOf(issue: StoredIssue): IssueSnapshot {
  const lens = lensOf(issue);
  const link = linkOf(issue);
  const threshold = lens?.killCriteria.metricThreshold;
  const outcome = link.kind === 'none' ? undefined : outcomes.find((o) => o.id === link.outcomeId);
  const measured =
    threshold && outcome?.metric === threshold.metric ? (outcome.measurements.at(-1)?.value ?? null) : null;
  return {
    key: issue.key,
    issueType: issue.type,
    // A status without a category is judged as new, as the app judges one.
    statusCategory: issue.statusCategory === 'none' ? 'new' : issue.statusCategory,
    created: issue.created,
    lastActivityAt: lastRealActivity({
      updated: issue.updated,
      created: issue.created,
      lastAppEditAt: lens?.lastAppEditAt ?? null,
      realActivityBeforeAppEdit: lens?.realActivityBeforeAppEdit ?? null,
    }),
    carryOvers: carryOversFromSprints(issue.sprints),
    link,
    killCriteria: lens?.killCriteria ?? {},
    thresholdMetricValue: measured,
    labels: issue.labels,
    assignee: issue.assignee,
    reporter: issue.reporter,
    snoozedUntil: lens?.snoozedUntil ?? null,
  };
}

function recipeOf(issue: StoredIssue) {
  return detectRecipe({ summary: issue.summary, description: issue.description as AdfNode | null });
}

describe('the seeded Shopfront backlog', () => {
  beforeAll(async () => {
    app = createWorkbenchApp({ dataFile: ':memory:', now: () => NOW });
    await seedDemo(app, NOW);
    issues = demoIssues();
    outcomes = await loadOutcomes();
  });

  afterAll(() => app.close());

  it('holds about 80 issues of every type and status category in project DEMO', () => {
    const byType = new Map<string, number>();
    for (const i of issues) byType.set(i.type, (byType.get(i.type) ?? 0) + 1);
    console.log(`Demo backlog: ${issues.length} issues`, Object.fromEntries(byType));
    expect(app.jira.store.getProject('DEMO')?.name).toBe('Shopfront');
    expect(issues.length).toBeGreaterThanOrEqual(75);
    expect(issues.length).toBeLessThanOrEqual(90);
    expect(byType.get('Epic')).toBeGreaterThanOrEqual(3);
    expect(byType.get('Epic')).toBeLessThanOrEqual(4);
    for (const type of ['Story', 'Bug', 'Task']) expect(byType.get(type)).toBeGreaterThanOrEqual(8);
    expect(new Set(issues.map((i) => i.statusCategory))).toEqual(new Set(['new', 'indeterminate', 'done']));
    expect(issues.every((i) => Date.parse(i.created) <= NOW.getTime() && i.updated >= i.created)).toBe(true);
    expect(issues.every((i) => Date.parse(i.updated) <= NOW.getTime())).toBe(true);
  });

  it('gives the four demo users their roles on the project', () => {
    const store = app.jira.store;
    const project = store.getProject('DEMO')!;
    const can = (user: string, p: Parameters<typeof store.hasProjectPermission>[2]) =>
      store.hasProjectPermission(project.id, app.accountIdOf(user), p);
    expect(can('admin', 'ADMINISTER_PROJECTS')).toBe(true);
    expect(can('member', 'EDIT_ISSUES')).toBe(true);
    expect(can('member', 'ADMINISTER_PROJECTS')).toBe(false);
    expect(can('viewer', 'BROWSE_PROJECTS')).toBe(true);
    expect(can('viewer', 'EDIT_ISSUES')).toBe(false);
    expect(can('outsider', 'BROWSE_PROJECTS')).toBe(false);
  });

  it('keeps six outcomes in app storage, each with months of measurements, one of them achieved', () => {
    console.log(
      'Outcomes:',
      outcomes.map((o) => `${o.id} ${o.status} ${o.measurements.map((m) => m.value).join('→')}`),
    );
    expect(outcomes).toHaveLength(6);
    for (const o of outcomes) {
      expect(o.measurements.length).toBeGreaterThanOrEqual(5);
      expect(o.measurements.length).toBeLessThanOrEqual(10);
      const first = Date.parse(o.measurements[0]!.at);
      const last = Date.parse(o.measurements.at(-1)!.at);
      expect((last - first) / DAY_MS).toBeGreaterThan(90);
      expect(last).toBeLessThanOrEqual(NOW.getTime());
    }
    expect(outcomes.find((o) => o.id === 'fewer-abandoned-carts')).toMatchObject({
      metric: 'cart drop-off rate',
      baseline: 40,
      target: 30,
      direction: 'decrease',
      status: 'active',
    });
    expect(outcomes.some((o) => o.status === 'achieved' || o.status === 'abandoned')).toBe(true);
  });

  it('stores lenses that parse as written, with the score and kill date a recomputation gives', () => {
    const withLens = issues.filter((i) => rawLensOf(i) !== undefined);
    console.log(`Lenses stored: ${withLens.length}; scores`, withLens.map((i) => lensOf(i)?.score).join(','));
    expect(withLens.length).toBeGreaterThanOrEqual(25);
    for (const issue of withLens) {
      const raw = rawLensOf(issue) as Record<string, unknown>;
      const lens = storedLensSchema.parse(raw);
      // Lenient parsing must not have dropped anything the seed wrote.
      expect({ k: issue.key, ...lens }).toEqual({ k: issue.key, ...raw });
      const link = linkOf(issue);
      const recipe = recipeOf(issue);
      const linked = link.kind === 'none' ? undefined : outcomes.find((o) => o.id === link.outcomeId)?.status;
      const score = scoreIssue(
        {
          hypothesis: lens.hypothesis,
          expected: lens.expected,
          link,
          ...(linked ? { linkedOutcomeStatus: linked } : {}),
          killCriteria: lens.killCriteria,
          ...(lens.result ? { result: lens.result } : {}),
          delivered: issue.statusCategory === 'done',
          framing: {
            isRecipe: recipe.isRecipe,
            recipePhrases: recipe.reasons.map((r) => r.phrase),
            problemSignals: recipe.problemSignals.length,
          },
        },
        DEFAULT_SETTINGS,
      );
      expect({ key: issue.key, score: lens.score }).toEqual({ key: issue.key, score: score.total });
      expect(lens.killDate).toBe(killDateOf(lens.killCriteria));
      expect(lens.updatedBy).toBe(app.accountIdOf('admin'));
    }
    const scores = withLens.map((i) => lensOf(i)!.score!);
    expect(Math.max(...scores)).toBe(100);
    expect(Math.min(...scores)).toBeLessThan(40);
  });

  it('has open items that fire every zombie rule at now, each for the reason the story gives', () => {
    // The demo team links its work: the unlinked-age rule applies once a fifth of the open items are linked.
    const open = issues.filter((i) => i.statusCategory !== 'done');
    const linkedShare = open.filter((i) => linkOf(i).kind !== 'none').length / open.length;
    expect(linkedShare).toBeGreaterThanOrEqual(LINKS_IN_USE_SHARE);
    const standing = { linkedShare, idleQuantiles: null };
    const fired = new Map<ZombieRuleId, string[]>();
    for (const issue of issues) {
      const verdict = evaluateZombie(snapshotOf(issue), DEFAULT_SETTINGS, NOW, standing);
      for (const r of verdict.rules) fired.set(r.rule, [...(fired.get(r.rule) ?? []), issue.key]);
    }
    console.log(
      'Zombies by rule:',
      Object.fromEntries([...fired].map(([rule, keys]) => [rule, keys.length])),
    );
    for (const rule of ZOMBIE_RULE_IDS)
      expect({ rule, fired: (fired.get(rule) ?? []).length > 0 }).toEqual({ rule, fired: true });
    const rulesOf = (summary: string) => {
      const issue = issues.find((i) => i.summary === summary);
      if (!issue) throw new Error(`No demo issue "${summary}"`);
      return evaluateZombie(snapshotOf(issue), DEFAULT_SETTINGS, NOW, standing).rules.map((r) => r.rule);
    };
    expect(rulesOf('One-page checkout')).toEqual(expect.arrayContaining(['killDeadline', 'idle']));
    expect(rulesOf('Offer a 10% coupon in an exit pop-up')).toEqual(['killMetric', 'carriedOver']);
    expect(rulesOf('Let shoppers pay by invoice')).toEqual(expect.arrayContaining(['killCondition']));
    expect(rulesOf('Quantity stepper allows 0 items in the cart')).toEqual(['idle']);
    expect(rulesOf('Gift wrapping option')).toEqual(['idle', 'unlinkedOld']);
    expect(rulesOf('Migrate product images to the new CDN')).toEqual(['carriedOver', 'unlinkedOld']);
    expect(rulesOf('Bookmark items in the cart to finish later')).toEqual([]);
    const zombies = new Set([...fired.values()].flat());
    // A believable backlog: zombies are a minority.
    expect(zombies.size).toBeLessThan(issues.length / 2);
    const keep = issues.find((i) => i.labels.includes('keep-alive'))!;
    expect(evaluateZombie(snapshotOf(keep), DEFAULT_SETTINGS, NOW).exemptedBy).toEqual({
      kind: 'label',
      value: 'keep-alive',
    });
  });

  it("holds recipes the detector flags, the essay's Save for Later button among them", () => {
    const recipes = issues.filter((i) => recipeOf(i).isRecipe);
    console.log(
      `Recipes: ${recipes.length}`,
      recipes.map((i) => i.summary),
    );
    expect(recipes.length).toBeGreaterThanOrEqual(8);
    const saveForLater = issues.find((i) => i.summary === 'Save for Later button on the cart')!;
    expect(recipeOf(saveForLater).reasons.map((r) => r.phrase)).toEqual(
      expect.arrayContaining(['blue', 'upper right hand corner']),
    );
  });

  it('links children through their epics, and leaves unlinked items and bare problem statements', () => {
    const links = issues.map((i) => ({ issue: i, link: linkOf(i) }));
    const inherited = links.filter((l) => l.link.kind === 'inherited');
    const unlinked = links.filter((l) => l.link.kind === 'none' && l.issue.type !== 'Epic');
    const problems = issues.filter((i) => {
      const r = recipeOf(i);
      return !r.isRecipe && r.problemSignals.length > 0 && lensOf(i)?.hasHypothesis !== 'true';
    });
    console.log(
      `Links: ${inherited.length} inherited, ${unlinked.length} unlinked, ${problems.length} problem statements without a hypothesis`,
    );
    expect(inherited.length).toBeGreaterThanOrEqual(15);
    expect(unlinked.length).toBeGreaterThanOrEqual(15);
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it('records results of every verdict on delivered items', () => {
    const verdicts = issues
      .filter((i) => i.statusCategory === 'done')
      .map((i) => lensOf(i)?.result?.verdict)
      .filter(Boolean);
    expect(new Set(verdicts)).toEqual(new Set(['validated', 'invalidated', 'inconclusive']));
  });

  it('plans six sprints: closed ones with end dates, one active, one future', () => {
    const sprints = app.jira.store.allSprints().sort((a, b) => a.id - b.id);
    expect(sprints.map((s) => s.state)).toEqual(['closed', 'closed', 'closed', 'closed', 'active', 'future']);
    for (const s of sprints.filter((x) => x.state === 'closed'))
      expect(Date.parse(s.endDate!)).toBeLessThan(NOW.getTime());
    const carried = issues.filter(
      (i) => i.statusCategory !== 'done' && carryOversFromSprints(i.sprints).length > 3,
    );
    expect(carried.length).toBeGreaterThanOrEqual(1);
  });

  it('has comments (ADF) and changelog entries by the PO and the squad, dated within each issue', () => {
    const authors = new Set<string>();
    let comments = 0;
    let changes = 0;
    for (const issue of issues) {
      for (const c of app.jira.store.listComments(issue.id)) {
        expect((c.body as { type: string }).type).toBe('doc');
        expect(c.created >= issue.created && c.created <= issue.updated).toBe(true);
        authors.add(c.author);
        comments += 1;
      }
      for (const h of app.jira.store.listChangelog(issue.id)) {
        expect(h.created >= issue.created && h.created <= issue.updated).toBe(true);
        authors.add(h.author);
        changes += 1;
      }
    }
    console.log(`Activity: ${comments} comments, ${changes} changelog entries`);
    expect(comments).toBeGreaterThanOrEqual(20);
    expect(changes).toBeGreaterThanOrEqual(60);
    expect(authors).toEqual(new Set([app.accountIdOf('admin'), app.accountIdOf('member')]));
    const reporters = new Set(issues.map((i) => i.reporter));
    expect(reporters).toEqual(new Set([app.accountIdOf('admin'), app.accountIdOf('member')]));
  });

  it('is searchable through the emulator by indexed lens fields', async () => {
    const res = await app.jira.handle({
      method: 'POST',
      path: '/rest/api/3/search/jql',
      body: JSON.stringify({
        jql: 'project = DEMO AND outcomeScore >= 90',
        maxResults: 100,
        fields: ['summary'],
      }),
      actor: { type: 'user', accountId: app.accountIdOf('viewer') },
    });
    expect(res.status).toBe(200);
    const found = (JSON.parse(res.body) as { issues: Array<{ key: string }> }).issues.map((i) => i.key);
    const expected = issues.filter((i) => (lensOf(i)?.score ?? -1) >= 90).map((i) => i.key);
    expect(found.sort()).toEqual(expected.sort());
    expect(found.length).toBeGreaterThan(0);
  });

  it('does nothing when seeded again', async () => {
    const before = {
      issues: demoIssues(),
      comments: issues.map((i) => app.jira.store.listComments(i.id).length),
      outcomes: (await loadOutcomes()).map((o) => [o.id, o.version]),
    };
    await seedDemo(app, new Date(NOW.getTime() + 3 * DAY_MS));
    expect(demoIssues()).toEqual(before.issues);
    expect(issues.map((i) => app.jira.store.listComments(i.id).length)).toEqual(before.comments);
    expect((await loadOutcomes()).map((o) => [o.id, o.version])).toEqual(before.outcomes);
  });
});

describe("the seed's delivered bets, once the scan has checked them", () => {
  let scanned: WorkbenchApp;
  let review: ResultsReviewData;
  let page: ProjectPageLoadData;

  async function call<T>(fn: string): Promise<T> {
    const answer = (await scanned.invoke(
      'outcome-lens-project-page',
      fn,
      {},
      {
        user: 'viewer',
        projectKey: 'DEMO',
      },
    )) as Answer<T>;
    if (!answer.ok) throw new Error(`${fn}: ${JSON.stringify(answer.error)}`);
    return answer.data;
  }

  beforeAll(async () => {
    // Its own app, seeded and scanned at the real now as `npm start` does: the backend's scan reads the
    // real clock, and it writes betStatus into lenses, which the backlog tests above read as seeded.
    scanned = createWorkbenchApp({ dataFile: ':memory:' });
    await seedDemo(scanned, new Date());
    scanned.grantDemoRoles();
    await scanned.runScheduledTrigger('outcome-lens-daily-scan');
    review = await call<ResultsReviewData>('resultsReview');
    page = await call<ProjectPageLoadData>('load');
  });

  afterAll(() => scanned.close());

  const bySummary = (list: BetItem[], summary: string): BetItem => {
    const bet = list.find((b) => b.summary === summary);
    if (!bet) throw new Error(`"${summary}" is not among ${list.map((b) => b.summary).join(', ')}`);
    return bet;
  };

  it('lists due bets the scan proposes validated, invalidated and inconclusive, and an unverified one', () => {
    const line = (b: BetItem) => `${b.issueKey} ${b.status} ${b.proposal?.verdict ?? '-'}: ${b.summary}`;
    console.log('Results review:', {
      due: review.due.map(line),
      unverified: review.unverified.map(line),
      tracking: review.tracking.map(line),
      recent: review.recent.length,
    });
    const proposed = new Set(review.due.map((b) => b.proposal?.verdict));
    expect(proposed).toEqual(new Set(['validated', 'invalidated', 'inconclusive']));

    const wallet = bySummary(review.due, 'Pay with the phone wallet on mobile checkout');
    expect(wallet.proposal?.verdict).toBe('validated');
    expect(wallet.series).toEqual({ kind: 'outcome', name: 'Mobile shoppers buy' });
    // Its further expectation, on checkout time, by the same day and by the Faster checkout readings.
    expect(wallet.further).toEqual([
      expect.objectContaining({
        expected: expect.objectContaining({ metric: 'p75 checkout time', baseline: 80, target: 70 }),
        checkBy: wallet.checkBy,
        series: { kind: 'outcome', name: 'Faster checkout' },
        proposal: expect.objectContaining({ verdict: expect.any(String) }),
      }),
    ]);
    console.log('Its further expectation:', wallet.further[0]!.proposal!.evidenceText);

    const tracking = bySummary(review.due, 'Email the tracking link when the parcel ships');
    expect(tracking.proposal?.verdict).toBe('invalidated');
    expect(tracking.proposal?.evidence.movement).toBeGreaterThan(tracking.proposal!.evidence.noise);

    // Delivered after the last reading: nothing measured between delivery and check-by.
    const guest = bySummary(review.due, 'Order status page without logging in');
    expect(guest.proposal?.verdict).toBe('inconclusive');
    expect(guest.proposal?.evidence.atCheckBy).toBeNull();
    expect(guest.proposal?.reason).toMatch(/too few measurements/i);

    const estimate = bySummary(review.unverified, 'Delivery estimate on the order confirmation');
    expect(estimate.status).toBe('unverified');
    expect(estimate.daysOverdue).toBeGreaterThan(14);
    expect(review.tracking.length).toBeGreaterThanOrEqual(2);
  });

  it('finds the unverified bet by betStatus in JQL', async () => {
    const res = await scanned.jira.handle({
      method: 'POST',
      path: '/rest/api/3/search/jql',
      body: JSON.stringify({ jql: 'project = DEMO AND betStatus = unverified', fields: ['summary'] }),
      actor: { type: 'user', accountId: scanned.accountIdOf('viewer') },
    });
    expect(res.status).toBe(200);
    const found = (JSON.parse(res.body) as { issues: Array<{ key: string }> }).issues.map((i) => i.key);
    expect(found.sort()).toEqual(review.unverified.map((b) => b.issueKey).sort());
  });

  it('has one outcome that moved while little shipped, and one that stayed flat while a lot shipped', () => {
    const delivered = (outcomeName: string) =>
      [...review.due, ...review.unverified, ...review.tracking].filter(
        (b) => b.series?.kind === 'outcome' && b.series.name === outcomeName,
      ).length;
    const progress = (id: string) => page.outcomes.find((o) => o.id === id)?.progress.fraction;
    console.log('Shipped versus moved:', {
      mobile: { delivered: delivered('Mobile shoppers buy'), progress: progress('mobile-shoppers-buy') },
      orders: {
        delivered: delivered('Fewer order questions'),
        progress: progress('fewer-order-questions'),
      },
    });
    expect(delivered('Mobile shoppers buy')).toBe(1);
    expect(progress('mobile-shoppers-buy')).toBeGreaterThanOrEqual(0.5);
    expect(delivered('Fewer order questions')).toBeGreaterThanOrEqual(5);
    expect(progress('fewer-order-questions')).toBe(0);
  });
});
