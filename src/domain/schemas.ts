import * as z from 'zod';
import {
  DIRECTIONS,
  ISO_DATE_PATTERN,
  MAX_ALSO_EXPECTED,
  MAX_IDLE_DAYS,
  MAX_SPRINTS_CARRIED,
  OUTCOME_ID_PATTERN,
  TEXT_LIMITS,
  THRESHOLD_COMPARISONS,
  expectationConflict,
  isRealDate,
} from './draft-rules';
import { NO_OUTCOME } from '../contract/project-page-keys';
import { invisibleProblem, MAX_ABS_VALUE, outOfRangeMessage } from './measurement-input';
import { RESULT_VERDICTS } from './result-verdicts';
import { metricNameProblem } from './says-something';
import { textProblem } from './visible-text';

export { RESULT_VERDICTS } from './result-verdicts';
export { DIRECTIONS, MAX_ALSO_EXPECTED } from './draft-rules';
/** Every caller turns a schema's refusal into field messages here (field-errors.ts). */
export { fieldErrors, fieldLabel } from './field-errors';

/**
 * The shapes of everything a product owner writes, with field-level messages a person can act on.
 * Shared by the resolvers (validation at the edge) and the Custom UI (validation as the user types).
 */

/** The rules live in draft-rules.ts, whose zod-free checker the issue panel runs on every keystroke. */
const LIMITS = TEXT_LIMITS;

/** A required field left empty says so, rather than that its value has the wrong type. */
export const requiredOr = (label: string, wrongType: string) => (issue: { input: unknown }) =>
  issue.input === undefined || issue.input === null ? `${label} is required.` : wrongType;

/** Calendar day, `YYYY-MM-DD`, and a real one (no 2026-02-30). */
export const isoDate = (label: string) =>
  z
    .string({ error: requiredOr(label, `${label} must be a date.`) })
    .regex(ISO_DATE_PATTERN, { error: `${label} must be a date like 2027-03-01.` })
    .refine(isRealDate, { error: `${label} is not a real calendar date.` });

/** Refuses what textProblem names, with the field's label: a refinement for any text schema. */
export const visibleText =
  (label: string) =>
  (value: string, ctx: z.RefinementCtx): void => {
    const problem = textProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `${label} ${problem}` });
  };

/** Optional free text: blank means "not given". */
const optionalText = (label: string, max: number) =>
  z
    .string({ error: `${label} must be text.` })
    .trim()
    .max(max, { error: `${label} must be at most ${max} characters.` })
    .superRefine(visibleText(label))
    .transform((value) => (value ? value : undefined))
    .optional();

const requiredText = (label: string, max: number) =>
  z
    .string({ error: requiredOr(label, `${label} must be text.`) })
    .trim()
    .min(1, { error: `${label} is required.` })
    .max(max, { error: `${label} must be at most ${max} characters.` })
    .superRefine(visibleText(label));

const finiteNumber = (label: string) =>
  z
    .number({ error: requiredOr(label, `${label} must be a number.`) })
    .refine(Number.isFinite, { error: `${label} must be a finite number.` });

/** A number a person types for a metric: finite, and no larger than a measured value may be. */
const metricNumber = (label: string) =>
  finiteNumber(label).refine((v) => Math.abs(v) <= MAX_ABS_VALUE, {
    error: outOfRangeMessage(label),
  });

export const directionSchema = z.enum(DIRECTIONS, { error: 'Direction must be "increase" or "decrease".' });
export type Direction = z.infer<typeof directionSchema>;

export const hypothesisSchema = z.strictObject({
  persona: optionalText('Persona', LIMITS.short),
  intent: optionalText('Intent', LIMITS.text),
  benefit: optionalText('Benefit', LIMITS.text),
});
export type Hypothesis = z.infer<typeof hypothesisSchema>;

/** What the team expects to move, by how much and by when. Parts may be missing while a PO drafts. */
export const expectedOutcomeSchema = z
  .strictObject({
    metric: optionalText('Metric', LIMITS.short),
    baseline: metricNumber('Baseline').optional(),
    target: metricNumber('Target').optional(),
    unit: optionalText('Unit', LIMITS.unit),
    direction: directionSchema.optional(),
    checkBy: isoDate('Check by').optional(),
  })
  .superRefine((value, ctx) => {
    const conflict = expectationConflict(value.baseline, value.target, value.direction);
    if (conflict) ctx.addIssue({ code: 'custom', path: [conflict.field], message: conflict.message });
  });
export type ExpectedOutcome = z.infer<typeof expectedOutcomeSchema>;

export const OUTCOME_STATUSES = ['active', 'achieved', 'abandoned'] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

/** An outcome's id, refused with `reserved` when it is the id of the map's "serves no outcome" lane. */
const outcomeId = (reserved: string) =>
  z
    .string({ error: 'Outcome id must be text.' })
    .regex(OUTCOME_ID_PATTERN, { error: 'Outcome id is malformed.' })
    // The map names its "serves no outcome" lane so: an outcome of that id would share the lane's issues.
    .refine((id) => id !== NO_OUTCOME, { error: reserved });

export const outcomeIdSchema = outcomeId(
  `Outcome id "${NO_OUTCOME}" is reserved for work that serves no outcome; choose another id.`,
);
/** The outcome an issue is linked or relinked to: a person chooses an outcome there, not an id. */
export const linkedOutcomeIdSchema = outcomeId(
  'Choose one of the project’s outcomes: work that serves none is left unlinked, not linked to "none".',
);

export const measurementSchema = z.strictObject({
  at: isoDate('Measurement date'),
  value: metricNumber('Measured value'),
  note: optionalText('Note', LIMITS.short),
  /** Where it came from (a sender's name for itself, "csv import"); absent when typed on the page. */
  source: optionalText('Source', 100),
  /** The sender's idempotency id: a measurement with an id already in the series is not added again. */
  id: z
    .string({ error: 'Measurement id must be text.' })
    .regex(/^[A-Za-z0-9._:#-]{1,100}$/, { error: 'Measurement id is malformed.' })
    .optional(),
});
export type Measurement = z.infer<typeof measurementSchema>;

/** The fields a person edits on an outcome; id, history and bookkeeping are the app's. */
/**
 * An outcome's name and metric are picked from lists by how they look: one with a character drawn as nothing (a
 * zero-width space, a direction override) looks like another, or reads other than it is. Refused as the web
 * trigger refuses a metric's.
 */
const shownAsWritten = (field: string) => (value: string, ctx: z.RefinementCtx) => {
  const problem = invisibleProblem(field, value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem.charAt(0).toUpperCase() + problem.slice(1) });
};

export const outcomeDraftSchema = z
  .strictObject({
    name: requiredText('Name', LIMITS.short).superRefine(shownAsWritten('name')),
    // A name that says nothing is no metric. A stand-in ("KPI 1") is refused by the outcome service, only when
    // set or changed (betMetricProblem says why); the issue panel's measurable check refuses a bet's.
    metric: requiredText('Metric', LIMITS.short)
      .superRefine(shownAsWritten('metric'))
      .superRefine((metric, ctx) => {
        const problem = metricNameProblem(metric);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    baseline: metricNumber('Baseline'),
    target: metricNumber('Target'),
    unit: optionalText('Unit', 20),
    direction: directionSchema,
    dueDate: isoDate('Due date'),
    ownerAccountId: optionalText('Owner', 128),
  })
  .superRefine((value, ctx) => {
    if (value.baseline === value.target) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'Target must differ from the baseline.' });
    } else if ((value.direction === 'increase') !== value.target > value.baseline) {
      ctx.addIssue({
        code: 'custom',
        path: ['direction'],
        message: `Direction "${value.direction}" contradicts baseline ${value.baseline} and target ${value.target}.`,
      });
    }
  });
export type OutcomeDraft = z.infer<typeof outcomeDraftSchema>;

export interface Outcome extends OutcomeDraft {
  id: string;
  projectKey: string;
  status: OutcomeStatus;
  measurements: Measurement[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** An issue serves an outcome directly, or through its epic/parent (weaker). */
export type OutcomeLink =
  | { kind: 'direct'; outcomeId: string }
  | { kind: 'inherited'; outcomeId: string; fromIssueKey: string }
  | { kind: 'none' };

export const metricThresholdSchema = z.strictObject({
  metric: requiredText('Metric threshold', LIMITS.short),
  comparison: z.enum(THRESHOLD_COMPARISONS, { error: 'Comparison must be "atLeast" or "atMost".' }),
  value: metricNumber('Threshold value'),
  by: isoDate('Threshold date'),
});

export const killConditionSchema = z.strictObject({
  text: requiredText('Kill condition', LIMITS.text),
  reviewDate: isoDate('Review date'),
});

/** Exit conditions decided up front. Any one met sends the item to kill review; nothing closes by itself. */
export const killCriteriaSchema = z.strictObject({
  deadline: isoDate('Kill date').optional(),
  metricThreshold: metricThresholdSchema.optional(),
  maxIdleDays: z
    .number({ error: 'Max idle days must be a number.' })
    .int({ error: 'Max idle days must be a whole number.' })
    .min(MAX_IDLE_DAYS.min, { error: `Max idle days must be at least ${MAX_IDLE_DAYS.min}.` })
    .max(MAX_IDLE_DAYS.max, { error: `Max idle days must be at most ${MAX_IDLE_DAYS.max}.` })
    .optional(),
  maxSprintsCarried: z
    .number({ error: 'Max sprints must be a number.' })
    .int({ error: 'Max sprints must be a whole number.' })
    .min(MAX_SPRINTS_CARRIED.min, { error: `Max sprints must be at least ${MAX_SPRINTS_CARRIED.min}.` })
    .max(MAX_SPRINTS_CARRIED.max, { error: `Max sprints must be at most ${MAX_SPRINTS_CARRIED.max}.` })
    .optional(),
  condition: killConditionSchema.optional(),
});
export type KillCriteria = z.infer<typeof killCriteriaSchema>;

export const resultSchema = z.strictObject({
  verdict: z.enum(RESULT_VERDICTS, { error: 'Result must be validated, invalidated or inconclusive.' }),
  evidence: requiredText('Evidence', LIMITS.evidence),
  measuredValue: metricNumber('Measured value').optional(),
});
export type Result = z.infer<typeof resultSchema>;

/**
 * Everything the product owner writes on one issue, as the panel sends it. Every object of a draft is strict: a
 * field the app does not know is refused, not dropped with what it held.
 */
export const issueLensDraftSchema = z.strictObject({
  hypothesis: hypothesisSchema.default({}),
  expected: expectedOutcomeSchema.default({}),
  /** Further expectations of the same bet ("… and increase return-shopper conversion by 10 percent"). */
  alsoExpected: z
    .array(expectedOutcomeSchema)
    .max(MAX_ALSO_EXPECTED, { error: `At most ${MAX_ALSO_EXPECTED} further expectations can be kept.` })
    // One with nothing in it (every part blank) expects nothing: refused at its row, not kept as an empty one
    // (dropped, the rows after it would move, and a refusal of one of them land on the wrong row).
    .superRefine((list, ctx) =>
      list.forEach((e, i) => {
        if (!Object.values(e).some((part) => part !== undefined))
          ctx.addIssue({
            code: 'custom',
            path: [i],
            message: `Further expectation ${i + 1} is empty: give its metric, or remove it.`,
          });
      }),
    )
    .optional(),
  outcomeId: linkedOutcomeIdSchema.optional(),
  killCriteria: killCriteriaSchema.default({}),
  result: resultSchema.optional(),
});
export type IssueLensDraft = z.infer<typeof issueLensDraftSchema>;
