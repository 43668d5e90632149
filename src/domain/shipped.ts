/**
 * Shipped versus moved: what a project delivered, month by month (and sprint by sprint), beside what its
 * outcomes' metrics did over the same months. Pure: the scan keeps a ledger of delivered items and a summary
 * of them (src/scan/shipped.ts); these functions say how one item's change moves the summary, and turn the
 * summary and the outcomes into the rows the page and the gadget draw.
 */

export const SHIPPED_VERDICTS = ['validated', 'invalidated', 'inconclusive'] as const;
export type ShippedVerdict = (typeof SHIPPED_VERDICTS)[number];

/** One delivered item as the ledger keeps it: what it adds to its month and sprint. */
export interface ShippedItem {
  issueKey: string;
  summary: string;
  /** The day it was delivered (YYYY-MM-DD); its month is the first seven characters. */
  deliveredOn: string;
  points: number;
  /** It carried a bet: an expected movement of a metric with a check-by day. */
  bet: boolean;
  /** The verdict a person recorded for its bet, if any. */
  verdict: ShippedVerdict | null;
  outcomeId: string | null;
  /** The sprint it was delivered in (its last sprint), when the project has sprints. */
  sprint: { id: number; name: string } | null;
  /** Under a security level when the scan read it; absent from records kept before that was noted. */
  secured?: boolean;
}

/** What one month or sprint delivered. */
export interface ShippedBucket {
  items: number;
  points: number;
  withBet: number;
  validated: number;
  invalidated: number;
  inconclusive: number;
}

export interface UnbetItem {
  issueKey: string;
  summary: string;
  deliveredOn: string;
  points: number;
  /** As on its ledger record: a viewer is shown a secured (or not known) item only once Jira says they may see it. */
  secured?: boolean;
}

/** A month also counts the items delivered for each outcome (by the outcome linked in their lens). */
export interface MonthBucket extends ShippedBucket {
  byOutcome?: Record<string, number>;
}

/**
 * A read of Jira by the upkeep (delivered items, or reopened ones) that stopped at its cap. It reads in issue id
 * order, so the next upkeep goes on after the last id it read, with the very JQL date it was bounded by.
 */
export interface ShippedReadCursor {
  /**
   * The JQL date of its `updated >= "…"` bound, exactly as sent (Jira reads it in the searching account's time
   * zone, so the same text means the same instant every time); null: not bounded, a first read of the history.
   */
  from: string | null;
  /** The highest issue id it has read. */
  afterId: number;
  /** When it began (ISO): once it has read to its end, the next read goes back to a day before this. */
  startedAt: string;
}

/**
 * A check of every ledger record against Jira (deleted, moved, no longer delivered) that goes on over upkeeps: it
 * lists the records in storage key order.
 */
export interface ShippedLedgerCheck {
  /** The storage list's position after the last record checked; null: none checked yet. */
  after: string | null;
  /** When it began (ISO). */
  startedAt: string;
}

/** The summary the scan keeps, one stored value a project: what a page load reads instead of a search. */
export interface ShippedSummary {
  version: 1;
  /** 'YYYY-MM' → what was delivered that month. */
  months: Record<string, MonthBucket>;
  /** Sprint id → what was delivered in it, with its name. */
  sprints: Record<string, ShippedBucket & { name: string }>;
  /** Items in the ledger (delivered and not reopened since). */
  items: number;
  /** The newest items delivered without a bet, newest first. */
  unbet: UnbetItem[];
  /**
   * When the last finished read of delivered items began (see src/scan/shipped.ts): the next one goes back to a day
   * before it. `catchingUp`: a read of delivered items stopped at its cap and goes on (`deliveredRead`).
   */
  watermark: string | null;
  catchingUp: boolean;
  /** Set while the read of reopened items goes on after stopping at its cap: when it began (`reopenRead`). */
  reopenCursor?: string | null;
  /** A read that stopped at its cap, where the next upkeep goes on with it; absent from older summaries. */
  deliveredRead?: ShippedReadCursor | null;
  reopenRead?: ShippedReadCursor | null;
  /** When the last finished read of reopened items began: the next one goes back to a day before it. */
  reopenSince?: string | null;
  /** The check of the ledger against Jira under way (src/scan/shipped.ts); null or absent: none. */
  ledgerCheck?: ShippedLedgerCheck | null;
  updatedAt: string | null;
  /**
   * The items in the ledger that were under a security level when read: how many, and the keys of up to
   * MAX_SECURED_LISTED of them, so that a viewer kept from some can be shown figures without them. Absent from a
   * summary begun before it was noted: which items it counts under a level is then not known.
   */
  secured?: { count: number; keys: string[] };
}

export const MAX_UNBET_LISTED = 25;
/** Secured items the summary names; past this, a viewer outside a level cannot be shown figures without them. */
export const MAX_SECURED_LISTED = 200;
/** Sprints kept in the summary (the newest by id); older ones fall off, months stay. */
export const MAX_SPRINTS_KEPT = 60;

export function emptyShippedSummary(): ShippedSummary {
  return {
    version: 1,
    months: {},
    sprints: {},
    items: 0,
    unbet: [],
    watermark: null,
    catchingUp: false,
    updatedAt: null,
    secured: { count: 0, keys: [] },
  };
}

function emptyBucket(): ShippedBucket {
  return { items: 0, points: 0, withBet: 0, validated: 0, invalidated: 0, inconclusive: 0 };
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

function add(bucket: ShippedBucket, item: ShippedItem, sign: 1 | -1): void {
  bucket.items += sign;
  bucket.points = round(bucket.points + sign * item.points);
  if (item.bet) bucket.withBet += sign;
  if (item.bet && item.verdict) bucket[item.verdict] += sign;
}

const isEmpty = (b: ShippedBucket): boolean => b.items <= 0;

/** Two ledger records that count the same in the summary (and so need no write). */
export function sameShipped(a: ShippedItem | null, b: ShippedItem | null): boolean {
  if (!a || !b) return a === b;
  return (
    a.deliveredOn === b.deliveredOn &&
    a.points === b.points &&
    a.bet === b.bet &&
    a.verdict === b.verdict &&
    a.outcomeId === b.outcomeId &&
    a.summary === b.summary &&
    (a.sprint?.id ?? null) === (b.sprint?.id ?? null) &&
    a.secured === b.secured
  );
}

/**
 * Moves the summary from an item's old record to its new one (null: not in the ledger, e.g. reopened or never
 * delivered). Applying the same change twice is not idempotent by itself: the caller applies a change only
 * when the stored record differs, and stores the record with the summary in one transaction.
 */
export function applyShippedChange(
  summary: ShippedSummary,
  before: ShippedItem | null,
  after: ShippedItem | null,
): void {
  for (const [item, sign] of [
    [before, -1],
    [after, 1],
  ] as const) {
    if (!item) continue;
    const month = item.deliveredOn.slice(0, 7);
    const m = (summary.months[month] ??= emptyBucket());
    add(m, item, sign);
    if (item.outcomeId) {
      const by = (m.byOutcome ??= {});
      by[item.outcomeId] = (by[item.outcomeId] ?? 0) + sign;
      if (by[item.outcomeId]! <= 0) delete by[item.outcomeId];
      if (Object.keys(by).length === 0) delete m.byOutcome;
    }
    if (isEmpty(m)) delete summary.months[month];
    if (item.sprint) {
      const id = String(item.sprint.id);
      const known = summary.sprints[id];
      // A sprint that fell off the kept ones is not brought back by a removal.
      if (known || sign === 1) {
        const s = (summary.sprints[id] ??= { ...emptyBucket(), name: item.sprint.name });
        if (sign === 1) s.name = item.sprint.name;
        add(s, item, sign);
        if (isEmpty(s)) delete summary.sprints[id];
      }
    }
    summary.items += sign;
    if (item.secured && summary.secured) noteSecured(summary.secured, item.issueKey, sign);
  }
  const ids = Object.keys(summary.sprints)
    .map(Number)
    .sort((a, b) => b - a);
  for (const id of ids.slice(MAX_SPRINTS_KEPT)) delete summary.sprints[String(id)];

  const key = before?.issueKey ?? after?.issueKey;
  summary.unbet = summary.unbet.filter((u) => u.issueKey !== key);
  if (after && !after.bet) {
    summary.unbet.push({
      issueKey: after.issueKey,
      summary: after.summary,
      deliveredOn: after.deliveredOn,
      points: after.points,
      ...(after.secured !== undefined ? { secured: after.secured } : {}),
    });
    summary.unbet.sort(
      (a, b) => b.deliveredOn.localeCompare(a.deliveredOn) || a.issueKey.localeCompare(b.issueKey),
    );
    summary.unbet = summary.unbet.slice(0, MAX_UNBET_LISTED);
  }
}

function noteSecured(note: { count: number; keys: string[] }, issueKey: string, sign: 1 | -1): void {
  note.count = Math.max(0, note.count + sign);
  note.keys = note.keys.filter((k) => k !== issueKey);
  if (sign === 1 && note.keys.length < MAX_SECURED_LISTED) note.keys.push(issueKey);
}

/**
 * The secured items the summary counts, when it names every one of them: the keys to ask Jira about for a viewer.
 * Null when that cannot be said: a summary begun before secured items were noted, or more of them than it names.
 */
export function securedItemsNamed(summary: ShippedSummary): readonly string[] | null {
  const note = summary.secured;
  return note && note.keys.length >= note.count ? note.keys : null;
}

/** The summary as if these ledger records were not in it: what a viewer counts who may not see their issues. */
export function shippedSummaryWithout(
  summary: ShippedSummary,
  records: Iterable<ShippedItem>,
): ShippedSummary {
  const without = structuredClone(summary);
  for (const record of records) applyShippedChange(without, record, null);
  return without;
}

/** The months from `first` to `last` inclusive ('YYYY-MM'), at most `limit` of them, the newest kept. */
export function monthsBetween(first: string, last: string, limit = 24): string[] {
  const out: string[] = [];
  let y = Number(first.slice(0, 4));
  let m = Number(first.slice(5, 7));
  const endY = Number(last.slice(0, 4));
  const endM = Number(last.slice(5, 7));
  while (y < endY || (y === endY && m <= endM)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
    if (out.length > 600) break;
  }
  return out.slice(-limit);
}

export interface ShippedRow extends ShippedBucket {
  /** 'YYYY-MM' for a month, the sprint's name for a sprint. */
  label: string;
  /** Share of items that carried a bet. */
  betShare: number | null;
}

export interface OutcomeTrack {
  id: string;
  name: string;
  metric: string;
  unit: string | null;
  direction: 'increase' | 'decrease' | null;
  baseline: number | null;
  target: number | null;
  /** Per month of the rows: the last reading that month, or null. */
  values: Array<number | null>;
  /** Per month of the rows: items delivered that month that were linked to this outcome. */
  delivered: number[];
}

export interface ShippedView {
  months: ShippedRow[];
  sprints: ShippedRow[];
  outcomes: OutcomeTrack[];
  totals: ShippedBucket & { hitRate: number | null };
  unbet: UnbetItem[];
  unbetCount: number;
}

function rowOf(label: string, b: ShippedBucket): ShippedRow {
  return {
    label,
    items: b.items,
    points: b.points,
    withBet: b.withBet,
    validated: b.validated,
    invalidated: b.invalidated,
    inconclusive: b.inconclusive,
    betShare: b.items > 0 ? b.withBet / b.items : null,
  };
}

/** The share of decided bets that were validated: validated / (validated + invalidated). */
export function hitRate(b: Pick<ShippedBucket, 'validated' | 'invalidated'>): number | null {
  const decided = b.validated + b.invalidated;
  return decided > 0 ? b.validated / decided : null;
}

export interface OutcomeReadings {
  id: string;
  name: string;
  metric: string;
  unit?: string | null | undefined;
  direction?: 'increase' | 'decrease' | null | undefined;
  baseline?: number | null | undefined;
  target?: number | null | undefined;
  measurements: ReadonlyArray<{ at: string; value: number }>;
}

/**
 * The view over the last `monthCount` months up to `today`'s: a row a month, each outcome's last reading
 * in each of those months, the sprints (oldest first), totals with the hit rate, and the items shipped
 * without a bet.
 */
export function shippedView(
  summary: ShippedSummary,
  outcomes: readonly OutcomeReadings[],
  today: string,
  monthCount = 12,
): ShippedView {
  const thisMonth = today.slice(0, 7);
  // Always `monthCount` months ending with today's: one even time axis, empty months included.
  const y = Number(thisMonth.slice(0, 4));
  const m = Number(thisMonth.slice(5, 7)) - (monthCount - 1);
  const startYear = y + Math.floor((m - 1) / 12);
  const startMonth = ((((m - 1) % 12) + 12) % 12) + 1;
  const months = monthsBetween(`${startYear}-${String(startMonth).padStart(2, '0')}`, thisMonth, monthCount);
  const rows = months.map((m) => rowOf(m, summary.months[m] ?? emptyBucket()));
  const totals = emptyBucket();
  for (const r of rows)
    for (const k of ['items', 'withBet', 'validated', 'invalidated', 'inconclusive'] as const)
      totals[k] += r[k];
  totals.points = round(rows.reduce((s, r) => s + r.points, 0));
  const sprints = Object.entries(summary.sprints)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, s]) => rowOf(s.name, s));
  const tracks: OutcomeTrack[] = outcomes.map((o) => {
    const byMonth = new Map<string, { at: string; value: number }>();
    for (const m of o.measurements) {
      const month = m.at.slice(0, 7);
      const before = byMonth.get(month);
      if (!before || before.at <= m.at) byMonth.set(month, m);
    }
    return {
      id: o.id,
      name: o.name,
      metric: o.metric,
      unit: o.unit ?? null,
      direction: o.direction ?? null,
      baseline: o.baseline ?? null,
      target: o.target ?? null,
      values: months.map((m) => byMonth.get(m)?.value ?? null),
      delivered: months.map((m) => summary.months[m]?.byOutcome?.[o.id] ?? 0),
    };
  });
  const inRange = new Set(months);
  return {
    months: rows,
    sprints,
    outcomes: tracks,
    totals: { ...totals, hitRate: hitRate(totals) },
    unbet: summary.unbet.filter((u) => inRange.has(u.deliveredOn.slice(0, 7))),
    unbetCount: totals.items - totals.withBet,
  };
}
