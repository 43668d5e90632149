import type { IssueLensDraft } from '../../src/domain/schemas';
import type { ScoreInput } from '../../src/domain/score';
import type { IssueSnapshot } from '../../src/domain/zombie';
import type { HealthItem } from '../../src/domain/backlog-health';

/** Builders with overrides: each test states only what matters to it. */

export const NOW = new Date('2026-11-21T12:00:00Z');

/**
 * The year after the later of NOW and today: the builders' dates in it are ahead of the wall clock for the tests
 * whose Jira and resolvers run on it, and ahead of NOW for the pure tests. Through 2030: from 2031 on they are more
 * than the five years a check-by date may be ahead (check-by.ts) after NOW, which must then move.
 */
export const YEAR_AHEAD = Math.max(NOW.getUTCFullYear(), new Date().getUTCFullYear()) + 1;
export const CHECK_BY_AHEAD = `${YEAR_AHEAD}-03-01`;
export const KILL_DATE_AHEAD = `${YEAR_AHEAD}-02-01`;
/** An outcome's due date ahead of the wall clock: a person may not set one already past. */
export const DUE_DATE_AHEAD = `${YEAR_AHEAD}-06-30`;

export const daysAgo = (days: number, from: Date = NOW): string =>
  new Date(from.getTime() - days * 86_400_000).toISOString();

export function aScoreInput(overrides: Partial<ScoreInput> = {}): ScoreInput {
  return {
    hypothesis: {},
    expected: {},
    link: { kind: 'none' },
    killCriteria: {},
    delivered: false,
    framing: { isRecipe: false, recipePhrases: [], problemSignals: 0 },
    ...overrides,
  };
}

/** A fully framed bet: every part of the score earned. */
/** What a product owner writes on an issue for a complete bet: hypothesis, measurable expectation, exit. */
export function aBetDraft(overrides: Partial<IssueLensDraft> = {}): IssueLensDraft {
  return {
    hypothesis: {
      persona: 'shopper',
      intent: 'bookmark items in the cart',
      benefit: 'I can come back and finish',
    },
    expected: {
      metric: 'cart drop-off',
      baseline: 40,
      target: 30,
      direction: 'decrease',
      checkBy: CHECK_BY_AHEAD,
    },
    killCriteria: { deadline: KILL_DATE_AHEAD, maxIdleDays: 30 },
    ...overrides,
  };
}

export function aCompleteBet(overrides: Partial<ScoreInput> = {}): ScoreInput {
  const bet = aBetDraft();
  return aScoreInput({
    hypothesis: bet.hypothesis,
    expected: bet.expected,
    link: { kind: 'direct', outcomeId: 'out-checkout' },
    linkedOutcomeStatus: 'active',
    killCriteria: bet.killCriteria,
    framing: { isRecipe: false, recipePhrases: [], problemSignals: 2 },
    ...overrides,
  });
}

export function anIssueSnapshot(overrides: Partial<IssueSnapshot> = {}): IssueSnapshot {
  return {
    key: 'DEMO-1',
    issueType: 'Story',
    statusCategory: 'new',
    created: daysAgo(10),
    lastActivityAt: daysAgo(1),
    carryOvers: [],
    link: { kind: 'direct', outcomeId: 'out-checkout' },
    killCriteria: {},
    labels: [],
    assignee: null,
    reporter: 'acc-po',
    ...overrides,
  };
}

export function aHealthItem(overrides: Partial<HealthItem> = {}): HealthItem {
  return {
    key: 'DEMO-1',
    summary: 'Shoppers abandon carts',
    reporter: { accountId: 'acc-po', name: 'po' },
    isRecipe: false,
    recipePhrases: [],
    link: 'direct',
    score: 50,
    zombieRules: [],
    ...overrides,
  };
}

/**
 * An outcome draft as the project page's form sends it; overrides may be anything, so a test can send what the
 * form never would.
 */
export function anOutcomeDraft(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Fewer abandoned carts',
    metric: 'cart drop-off %',
    baseline: 40,
    target: 30,
    direction: 'decrease',
    dueDate: CHECK_BY_AHEAD,
    ...overrides,
  };
}
