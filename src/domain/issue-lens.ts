import * as z from 'zod';
import { THRESHOLD_COMPARISONS } from './draft-rules';
import { RESULT_VERDICTS } from './result-verdicts';
import {
  MAX_ALSO_EXPECTED,
  expectedOutcomeSchema,
  isoDate,
  killCriteriaSchema,
  outcomeIdSchema,
  type IssueLensDraft,
  type KillCriteria,
} from './schemas';
import type { Score } from './score';
import type { FiredRule, ZombieVerdict } from './zombie';
import type { KillMetricFigures } from './zombie-rule-detail';

/**
 * What the app keeps on each Jira issue, in one issue entity property. The product owner's writing, the
 * computed score and zombie verdict (flat, so Jira can index them for JQL), and the bookkeeping the scan needs
 * to tell its own edits from a person's.
 */

export const ISSUE_PROPERTY_KEY = 'outcome-lens';

export const BET_STATUSES = [
  'tracking',
  'due',
  'unverified',
  'validated',
  'invalidated',
  'inconclusive',
] as const;
export type BetStatus = (typeof BET_STATUSES)[number];
const VERDICT_STATUSES: readonly BetStatus[] = ['validated', 'invalidated', 'inconclusive'];
/** Whether a bet's status is the verdict a person recorded, not a state the scan gives it. */
export function isVerdictStatus(status: BetStatus): boolean {
  return VERDICT_STATUSES.includes(status);
}
/** Jira's limit on an entity property value, in characters of JSON. */
export const PROPERTY_VALUE_LIMIT = 32_768;

/** The killMetric rule's figures as stored (FiredRule's figures). */
const storedKillMetricFiguresSchema = z.object({
  threshold: z.object({
    metric: z.string(),
    comparison: z.enum(THRESHOLD_COMPARISONS),
    value: z.number(),
    by: z.string(),
  }),
  measured: z.number().nullable(),
}) satisfies z.ZodType<KillMetricFigures>;

/** A fired rule as stored; its words are for people, so one missing reads as empty rather than losing the flag. */
const flagRuleSchema = z
  .object({
    rule: z.string(),
    since: z.string().catch(''),
    detail: z.string().catch(''),
    clearBy: z.string().catch(''),
    // Absent from rules stored before the scan kept them, and left out when unreadable: the detail stands alone.
    figures: storedKillMetricFiguresSchema.optional().catch(undefined),
  })
  .loose();
type FlagRule = z.infer<typeof flagRuleSchema>;
/** "true" written as text is still true: a flag must not forget that its label or comment was made. */
const storedBoolean = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
/**
 * The flag as stored. A rule that cannot be read is left out, not the flag: the flag remembers the label and the
 * comment already made, and without it the next scan would comment again and date the flag anew.
 */
const flagSchema = z.object({
  flaggedAt: z.string(),
  rules: z
    .array(z.unknown())
    .transform((rules) =>
      rules.flatMap((r): FlagRule[] => {
        const read = flagRuleSchema.safeParse(r);
        return read.success ? [read.data] : [];
      }),
    )
    .catch([]),
  labelApplied: storedBoolean.catch(false).default(false),
  /**
   * The label the app put on the issue, as the settings named it then; absent on flags stored before it was
   * recorded (the label the settings name now stands in). A label renamed in the settings since is swapped.
   */
  labelName: z.string().min(1).optional().catch(undefined),
  commented: storedBoolean.catch(false).default(false),
});
export type ZombieFlag = z.infer<typeof flagSchema>;

/**
 * A person's write of the lens (a panel save, a verdict) recorded in the very write it made, under the request
 * id the page generated: the property write is where a write lands, so a retry that reads the lens inside the
 * issue's claim knows for sure whether its first try landed, and answers that instead of a version conflict.
 */
const writeRequestSchema = z
  .object({
    id: z.string(),
    /** Who sent it: an id replayed by someone else is not theirs. */
    by: z.string(),
    /** The lens version the write made. */
    version: z.number().int(),
    at: z.string(),
    score: z.number().nullable(),
    /** A digest of what the request asked to write: the same id with other content is not a retry. */
    digest: z.string(),
  })
  .loose();
export type WriteRequest = z.infer<typeof writeRequestSchema>;
/** The newest writes kept: a retry comes within seconds, so a few cover it at a small cost in the 32 KB. */
export const MAX_WRITE_REQUESTS = 8;

/**
 * The person's writing as stored, read part by part and without the limits a save holds it to: a part written by
 * hand, over a limit or contradicting another comes back as it is, for the panel to show and the person to mend.
 * Read with the save's own schema, one bad part would drop its siblings, and the next save would store that loss.
 */
const storedText = z
  .string()
  .trim()
  .transform((value) => (value ? value : undefined))
  .optional()
  .catch(undefined);
/** A number written as text by hand or by another tool ("40", "-2.5") is still that number. */
const asNumber = (v: unknown) => (typeof v === 'string' && /^\s*-?\d+(?:\.\d+)?\s*$/.test(v) ? Number(v) : v);
const storedNumber = z.preprocess(asNumber, z.number().refine(Number.isFinite)).optional().catch(undefined);
/** A day written with its time ("2027-03-01T00:00:00Z", "2027-03-01 09:30") by another tool is the day written. */
const asDay = (v: unknown) =>
  typeof v === 'string' && /^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v) ? v.trim().slice(0, 10) : v;
/** A word of a fixed list written in other capitals or with spaces around ("Validated ") is still that word. */
const asWord = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v);
const storedHypothesisSchema = z.object({ persona: storedText, intent: storedText, benefit: storedText });
const storedExpectedSchema = z.object({
  metric: storedText,
  baseline: storedNumber,
  target: storedNumber,
  unit: storedText,
  direction: expectedOutcomeSchema.shape.direction.catch(undefined),
  checkBy: z.preprocess(asDay, expectedOutcomeSchema.shape.checkBy).catch(undefined),
});
/** Text a part cannot do without (a threshold's metric, a condition's text): any length, never blank. */
const storedRequiredText = z.string().trim().min(1);
const storedFinite = z.preprocess(asNumber, z.number().refine(Number.isFinite));
const killShape = killCriteriaSchema.shape;
/** A threshold's comparison as other tools write it: "at least", ">=", "≥" for atLeast; "at most", "<=", "≤". */
const asComparison = (v: unknown) => {
  if (typeof v !== 'string') return v;
  const plain = v.replace(/[\s_-]+/g, '').toLowerCase();
  if (plain === 'atleast' || plain === '>=' || plain === '≥') return 'atLeast';
  if (plain === 'atmost' || plain === '<=' || plain === '≤') return 'atMost';
  return v;
};
const storedKillCriteriaSchema = z.object({
  deadline: z.preprocess(asDay, killShape.deadline).catch(undefined),
  metricThreshold: z
    .object({
      metric: storedRequiredText,
      comparison: z.preprocess(asComparison, z.enum(THRESHOLD_COMPARISONS)),
      value: storedFinite,
      by: z.preprocess(asDay, isoDate('Threshold date')),
    })
    .optional()
    .catch(undefined),
  maxIdleDays: z.preprocess(asNumber, killShape.maxIdleDays).catch(undefined),
  maxSprintsCarried: z.preprocess(asNumber, killShape.maxSprintsCarried).catch(undefined),
  condition: z
    .object({ text: storedRequiredText, reviewDate: z.preprocess(asDay, isoDate('Review date')) })
    .optional()
    .catch(undefined),
});
const storedResultSchema = z.object({
  verdict: z.preprocess(asWord, z.enum(RESULT_VERDICTS)),
  evidence: storedRequiredText,
  measuredValue: storedFinite.optional().catch(undefined),
});
/**
 * A Jira bulk task (GET /bulk/queue/{taskId}) that edits the issue for the app, and when it was submitted; `adds`
 * the label it adds (absent when it removes one): a label landing after the flag was cleared is taken off again.
 */
const appEditTaskSchema = z.object({
  taskId: z.string().min(1),
  at: z.string(),
  adds: z.string().min(1).optional().catch(undefined),
});
export type AppEditTask = z.infer<typeof appEditTaskSchema>;

/**
 * A version written as text ("3") is still the version. One that is no version at all (-1, 2.5, "v3") reads as 0
 * rather than failing the whole lens: an unreadable lens reads as empty, and the next save would overwrite it all.
 */
const storedVersion = z
  .preprocess((v) => (typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : v), z.number().int().min(0))
  .catch(0);

/** An indexed flag is text ("true", JQL's `zombie = true`); written as a boolean by hand, it is still the flag. */
const storedFlag = z.preprocess(
  (v) => (typeof v === 'boolean' ? String(v) : asWord(v)),
  z.enum(['true', 'false']),
);

/** Read leniently: a property written by an older version, or by hand, must not break a panel or a scan. */
export const storedLensSchema = z
  .object({
    schema: z.literal(1).catch(1).default(1),
    version: storedVersion.default(0),
    hypothesis: storedHypothesisSchema.catch({}),
    expected: storedExpectedSchema.catch({}),
    // Added with the second expectation; a lens stored before it reads as having none.
    alsoExpected: z
      .array(storedExpectedSchema)
      // A row stored with nothing in it (a save may not send one now) expects nothing, and would refuse a re-save.
      .transform((list) =>
        list.filter((e) => Object.values(e).some((part) => part !== undefined)).slice(0, MAX_ALSO_EXPECTED),
      )
      .catch([])
      .default([]),
    outcomeId: z.preprocess(asWord, outcomeIdSchema.nullable()).catch(null).default(null),
    killCriteria: storedKillCriteriaSchema.catch({}),
    result: storedResultSchema.nullable().catch(null).default(null),
    // Who set the result and when: a later save of other fields by someone else leaves them. Absent on a lens
    // stored before they were kept (its last save stands in).
    resultBy: z.string().nullable().optional().catch(undefined),
    resultAt: z.string().nullable().optional().catch(undefined),
    updatedAt: z.string().nullable().catch(null).default(null),
    updatedBy: z.string().nullable().catch(null).default(null),
    // Indexed for JQL (see manifest.yml): flat and typed as Jira indexes them.
    score: z.number().nullable().catch(null).default(null),
    scoreModel: z.string().nullable().catch(null).default(null),
    hasHypothesis: storedFlag.catch('false').default('false'),
    zombie: storedFlag.catch('false').default('false'),
    killDate: z.string().nullable().catch(null).default(null),
    // 'true' when the issue's summary and description read as a recipe: `recipe = "true"` in JQL finds them all.
    recipe: storedFlag.nullable().catch(null).default(null),
    // Where a delivered bet stands (indexed as betStatus): tracked until its check-by day, then due for a
    // verdict, unverified when overdue, or the verdict a person recorded. Null for undelivered items.
    betStatus: z.enum(BET_STATUSES).nullable().catch(null).default(null),
    // Scan bookkeeping.
    flag: flagSchema.nullable().catch(null).default(null),
    snoozedUntil: z.string().nullable().catch(null).default(null),
    // When the squad last kept the item in kill review: the zombie rules count from it (src/domain/zombie.ts).
    keptAt: z.string().nullable().catch(null).default(null),
    // The kill dates that Keep saw come due (keptDuesOf in src/domain/zombie.ts); absent on older Keeps.
    keptSaw: z
      .object({ killDeadline: z.string(), killMetric: z.string(), killCondition: z.string() })
      .partial()
      .optional()
      .catch(undefined),
    lastAppEditAt: z.string().nullable().catch(null).default(null),
    realActivityBeforeAppEdit: z.string().nullable().catch(null).default(null),
    // The app's bulk label edit Jira had not finished when the lens was stamped: until it is seen over, a later
    // bump of `updated` may be that edit landing. Absent when there is none.
    appEditTask: appEditTaskSchema.optional().catch(undefined),
    // Indexed: the next day time alone can change the verdict (src/domain/zombie.ts, nextVerdictChange), so
    // the daily scan finds the issues crossing a limit with JQL.
    nextCheckAt: z.string().nullable().catch(null).default(null),
    // The newest person's writes by request id, newest first (see writeRequestSchema); absent until the
    // first, so a lens nobody wrote through the panel keeps its shape.
    writeRequests: z.array(writeRequestSchema).optional().catch(undefined),
  })
  .loose();
export type IssueLens = z.infer<typeof storedLensSchema>;

export function emptyLens(): IssueLens {
  return storedLensSchema.parse({});
}

/** Parses a stored property value; anything unreadable becomes an empty lens rather than an error. */
export function readLens(value: unknown): IssueLens {
  const parsed = storedLensSchema.safeParse(value ?? {});
  return parsed.success ? parsed.data : emptyLens();
}

/** Whether reading left nothing of a stored value: null, absent, or an empty object or list. */
function readAsNothing(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.values(value).every((v) => v === undefined);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The parts of the lens a person writes; the rest is the app's own, which it rewrites as it reads it. */
const PERSONS_PARTS = [
  'hypothesis',
  'expected',
  'alsoExpected',
  'outcomeId',
  'killCriteria',
  'result',
] as const satisfies ReadonlyArray<keyof IssueLens>;

/**
 * The lens to write over `stored`, the property as Jira holds it. A part the app could not read (written by hand,
 * by another tool or by a newer version: a verdict it does not know, a date in another shape) and that this write
 * leaves as it was read is written back as stored, a whole part or one field of a part: a write that changes other
 * parts (the scan's verdict, a kill, a description) loses nothing the panel could not show, unless keeping it would
 * take the lens past Jira's 32 KB.
 */
export function keepingUnread(stored: unknown, next: IssueLens): IssueLens {
  if (!isRecord(stored)) return next;
  const read = readLens(stored) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...next };
  for (const key of PERSONS_PARTS) {
    const value = stored[key];
    if (value === null || value === undefined || !sameJson(out[key], read[key])) continue;
    if (readAsNothing(read[key])) {
      if (!readAsNothing(value)) out[key] = value;
      continue;
    }
    const part = read[key];
    if (!isRecord(part) || !isRecord(value)) continue;
    const fields = Object.entries(value).filter(
      ([field, v]) => v !== null && v !== undefined && part[field] === undefined,
    );
    if (fields.length) out[key] = { ...part, ...Object.fromEntries(fields) };
  }
  // Kept only while the lens still fits Jira's limit: a write the kept parts would push over it is refused,
  // and the write the app had to make (a Kill's, the scan's) matters more than what it could not read.
  return serializedSize(out as IssueLens) > PROPERTY_VALUE_LIMIT ? next : (out as IssueLens);
}

/** The write this lens records for request `id` sent by `by`, or null when no such write landed. */
export function writeRequestOf(lens: IssueLens, id: string, by: string): WriteRequest | null {
  return (lens.writeRequests ?? []).find((r) => r.id === id && r.by === by) ?? null;
}

/** The lens with `request` recorded as its newest write, keeping the few before it. */
export function withWriteRequest(lens: IssueLens, request: WriteRequest): IssueLens {
  const others = (lens.writeRequests ?? []).filter((r) => r.id !== request.id);
  return { ...lens, writeRequests: [request, ...others].slice(0, MAX_WRITE_REQUESTS) };
}

/** The lens with its indexed values that follow from the person's writing (hasHypothesis, killDate) recomputed. */
export function withDerivedIndexes(lens: IssueLens): IssueLens {
  return {
    ...lens,
    hasHypothesis: hasHypothesis(lens) ? 'true' : 'false',
    killDate: killDateOf(lens.killCriteria),
  };
}

/** The earliest day a kill criterion comes due: what `killDate` in JQL finds. */
export function killDateOf(k: KillCriteria): string | null {
  const dates = [k.deadline, k.metricThreshold?.by, k.condition?.reviewDate].filter((d): d is string => !!d);
  return dates.length ? dates.sort()[0]! : null;
}

export function hasHypothesis(draft: Pick<IssueLensDraft, 'hypothesis'>): boolean {
  const h = draft.hypothesis;
  return Boolean(h.persona && h.intent && h.benefit);
}

export { checkByNotBefore } from './check-by';

/**
 * Who set the result and when, after a write of `result`: the writer, when it sets or changes it; as it was, when
 * the result stays (a lens stored before the stamp was kept names its last save); none, when there is no result.
 */
export function resultStamp(
  current: IssueLens,
  result: IssueLens['result'],
  who: { accountId: string; at: string },
): Pick<IssueLens, 'resultBy' | 'resultAt'> {
  if (!result) return { resultBy: null, resultAt: null };
  if (JSON.stringify(result) !== JSON.stringify(current.result))
    return { resultBy: who.accountId, resultAt: who.at };
  return current.resultAt !== undefined && current.resultAt !== null
    ? { resultBy: current.resultBy ?? null, resultAt: current.resultAt }
    : { resultBy: current.updatedBy, resultAt: current.updatedAt };
}

/**
 * Who set an issue's result through the app, when, and to what, as the app keeps it in its own storage
 * (src/storage/result-stamps.ts). The lens's `resultBy` cannot say it: anyone who may edit the issue can write the
 * property through Jira's REST API, naming whoever they like.
 */
export interface ResultStamp {
  by: string;
  at: string;
  verdict: string;
  evidence: string;
  /** The measured value recorded with the result, when there was one. */
  measuredValue?: number;
  /**
   * The stamp this one replaced, kept until the lens holds the new result: a change whose lens write fails leaves
   * the earlier result on the lens, and its recorder is still known.
   */
  before?: ResultStamp;
}

/** The stamp of `result` set by `who`: what a writer stores before the lens write that sets it. */
export function resultStampOf(
  result: NonNullable<IssueLens['result']>,
  who: { accountId: string; at: string },
): ResultStamp {
  return {
    by: who.accountId,
    at: who.at,
    verdict: result.verdict,
    evidence: result.evidence,
    ...(result.measuredValue !== undefined ? { measuredValue: result.measuredValue } : {}),
  };
}

/** Whether a write of result `next` over `current` sets, changes or takes it away: its stamp is then written. */
export function resultChanged(current: IssueLens['result'], next: IssueLens['result']): boolean {
  return JSON.stringify(next) !== JSON.stringify(current);
}

/**
 * Who set the lens's result and when. Only the app's stamp names a person, and only while it, or the stamp it
 * replaced, holds the very result the lens holds (verdict, evidence and measured value): a result written outside
 * the app, and one recorded before the app kept stamps, name no one (null), at the time the lens gives.
 */
export function resultSetter(
  lens: IssueLens,
  stamp: ResultStamp | null | undefined,
): { by: string | null; at: string | null } {
  const result = lens.result;
  if (result)
    for (const s of [stamp, stamp?.before])
      if (s && typeof s.by === 'string' && typeof s.at === 'string' && stampHolds(s, result))
        return { by: s.by, at: s.at };
  return { by: null, at: lens.resultAt || lens.updatedAt };
}

/** Whether a stamp is of this very result: verdict, evidence and measured value. */
export function stampHolds(
  stamp: ResultStamp,
  result: { verdict: string; evidence: string; measuredValue?: number },
): boolean {
  return (
    stamp.verdict === result.verdict &&
    stamp.evidence === result.evidence &&
    (stamp.measuredValue ?? null) === (result.measuredValue ?? null)
  );
}

/** The PO's draft applied to a stored lens, with the indexed values recomputed. */
export function applyDraft(
  current: IssueLens,
  draft: IssueLensDraft,
  score: Pick<Score, 'total' | 'modelVersion'>,
  who: { accountId: string; at: string },
  judged: { isRecipe: boolean },
): IssueLens {
  return {
    ...current,
    version: current.version + 1,
    hypothesis: draft.hypothesis,
    expected: draft.expected,
    alsoExpected: draft.alsoExpected ?? [],
    outcomeId: draft.outcomeId ?? null,
    killCriteria: draft.killCriteria,
    result: draft.result ?? null,
    ...resultStamp(current, draft.result ?? null, who),
    updatedAt: who.at,
    updatedBy: who.accountId,
    score: score.total,
    scoreModel: score.modelVersion,
    hasHypothesis: hasHypothesis(draft) ? 'true' : 'false',
    killDate: killDateOf(draft.killCriteria),
    recipe: judged.isRecipe ? 'true' : 'false',
    // A recorded result is the bet's status; removing it hands the bet back to the scan's tracking.
    betStatus: draft.result
      ? draft.result.verdict
      : current.betStatus && isVerdictStatus(current.betStatus)
        ? null
        : current.betStatus,
  };
}

/** The draft part of a stored lens, as the panel edits it. */
export function draftOf(lens: IssueLens): IssueLensDraft {
  return {
    hypothesis: lens.hypothesis,
    expected: lens.expected,
    ...(lens.alsoExpected.length ? { alsoExpected: lens.alsoExpected } : {}),
    ...(lens.outcomeId ? { outcomeId: lens.outcomeId } : {}),
    killCriteria: lens.killCriteria,
    ...(lens.result ? { result: lens.result } : {}),
  };
}

/** The flag a verdict calls for, keeping what was already done for a standing flag (label, comment). */
export function flagFor(verdict: ZombieVerdict, previous: ZombieFlag | null, now: string): ZombieFlag | null {
  if (!verdict.isZombie) return null;
  return {
    flaggedAt: previous?.flaggedAt ?? now,
    rules: verdict.rules.map((r: FiredRule) => ({ ...r })),
    labelApplied: previous?.labelApplied ?? false,
    ...(previous?.labelName ? { labelName: previous.labelName } : {}),
    commented: previous?.commented ?? false,
  };
}

/** The label the app put on an issue for its flag, if it put one there (see ZombieFlag's labelName). */
export function appliedLabel(
  flag: ZombieFlag | null | undefined,
  settingsLabel: string | null,
): string | null {
  return flag?.labelApplied ? (flag.labelName ?? settingsLabel) : null;
}

export function serializedSize(lens: IssueLens): number {
  return JSON.stringify(lens).length;
}
