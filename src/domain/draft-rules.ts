/**
 * The rules of an issue's draft (hypothesis, expectation, outcome link, kill criteria, result) with no zod, so the
 * issue panel can judge every keystroke without bundling zod. schemas.ts builds the resolver's zod schema from
 * the same constants; test/unit/draft-rules.property.test.ts shows the two agree on the drafts the panel sends
 * (same accept or refuse, same fields named, same first message per field, same cleaned draft).
 */
import type { IssueLensDraft } from './schemas';
import { RESULT_VERDICTS } from './result-verdicts';
import { typedNumberText, type DecimalMark } from './amounts';
import { MAX_ABS_VALUE, outOfRangeMessage } from './measurement-input';
import { textProblem } from './visible-text';

export const TEXT_LIMITS = { short: 200, text: 1000, evidence: 4000, unit: 20 } as const;
export const DIRECTIONS = ['increase', 'decrease'] as const;
export const THRESHOLD_COMPARISONS = ['atLeast', 'atMost'] as const;
/** How many expectations beyond the first one issue keeps. */
export const MAX_ALSO_EXPECTED = 5;
export const ISO_DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
export const OUTCOME_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const MAX_IDLE_DAYS = { min: 1, max: 3650 } as const;
export const MAX_SPRINTS_CARRIED = { min: 1, max: 52 } as const;

const SURROGATE_PAIR = /[\ud800-\udbff][\udc00-\udfff]/g;

/**
 * How many characters `text` holds as the schema's zod counts them for a limit: code points, so an emoji (one
 * character written as two UTF-16 units) counts once, and half of a pair counts as one.
 */
export function characterLength(text: string): number {
  return text.length - (text.match(SURROGATE_PAIR)?.length ?? 0);
}

/** A calendar day that exists (no 2026-02-30). */
export function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * Whether the baseline, target and direction of one expectation fit together; the path and message if not, its
 * numbers written with the reader's decimal `mark`.
 */
export function expectationConflict(
  baseline: number | undefined,
  target: number | undefined,
  direction: string | undefined,
  mark: DecimalMark = '.',
): { field: 'target' | 'direction'; message: string } | undefined {
  if (baseline === undefined || target === undefined) return undefined;
  if (baseline === target) return { field: 'target', message: 'Target must differ from the baseline.' };
  if (direction && (direction === 'increase') !== target > baseline)
    return {
      field: 'direction',
      message: `Direction "${direction}" contradicts baseline ${typedNumberText(baseline, mark)} and target ${typedNumberText(target, mark)}.`,
    };
  return undefined;
}

export interface DraftIssue {
  /** Dotted path in the draft, as zod names it: `expected.target`, `killCriteria.metricThreshold.by`. */
  path: string;
  message: string;
}
export type DraftCheck = { ok: true; draft: IssueLensDraft } | { ok: false; issues: DraftIssue[] };

type Bag = Record<string, unknown>;
const isBag = (x: unknown): x is Bag => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Collects issues; `fatal` marks a wrong type or choice, after which zod skips a group's cross-field rule. The
 * messages write numbers with the reader's decimal `mark`.
 */
class Issues {
  readonly list: DraftIssue[] = [];
  fatal = false;
  constructor(readonly mark: DecimalMark = '.') {}
  /** Records the issue; returns undefined, the value a refused part leaves. */
  add(path: string, message: string, fatal = false): undefined {
    this.list.push({ path, message });
    if (fatal) this.fatal = true;
    return undefined;
  }
}

function optionalText(issues: Issues, path: string, label: string, max: number, v: unknown) {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') return issues.add(path, `${label} must be text.`, true);
  const trimmed = v.trim();
  if (characterLength(trimmed) > max) issues.add(path, `${label} must be at most ${max} characters.`);
  visibleText(issues, path, label, trimmed);
  return trimmed || undefined;
}

function requiredText(issues: Issues, path: string, label: string, max: number, v: unknown) {
  if (typeof v !== 'string') return issues.add(path, `${label} is required.`, true);
  const trimmed = v.trim();
  if (!trimmed) issues.add(path, `${label} is required.`);
  else if (characterLength(trimmed) > max) issues.add(path, `${label} must be at most ${max} characters.`);
  visibleText(issues, path, label, trimmed);
  return trimmed;
}

/** What textProblem refuses, said as the schema says it. */
function visibleText(issues: Issues, path: string, label: string, text: string): void {
  const problem = textProblem(text);
  if (problem) issues.add(path, `${label} ${problem}`);
}

/** A number a person types for a metric: finite, and within the range a measurement may have. */
function metricNumber(issues: Issues, path: string, label: string, v: unknown) {
  if (v === undefined || v === null) return issues.add(path, `${label} is required.`, true);
  if (typeof v !== 'number' || !Number.isFinite(v))
    return issues.add(path, `${label} must be a number.`, true);
  if (Math.abs(v) > MAX_ABS_VALUE) issues.add(path, outOfRangeMessage(label));
  return v;
}

function isoDate(issues: Issues, path: string, label: string, v: unknown) {
  if (v === undefined || v === null) return issues.add(path, `${label} is required.`, true);
  if (typeof v !== 'string') return issues.add(path, `${label} must be a date.`, true);
  // Both messages, as zod's regex and refinement both run on a string.
  if (!ISO_DATE_PATTERN.test(v)) issues.add(path, `${label} must be a date like 2027-03-01.`);
  if (!isRealDate(v)) issues.add(path, `${label} is not a real calendar date.`);
  return v;
}

function oneOf<T extends string>(
  issues: Issues,
  path: string,
  choices: readonly T[],
  message: string,
  v: unknown,
): T | undefined {
  if (typeof v === 'string' && (choices as readonly string[]).includes(v)) return v as T;
  issues.add(path, message, true);
  return undefined;
}

function wholeInRange(
  issues: Issues,
  path: string,
  label: string,
  range: { min: number; max: number },
  v: unknown,
) {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    return issues.add(path, `${label} must be a number.`, true);
  // A fraction stops there: zod reports neither bound after it.
  if (!Number.isInteger(v)) return issues.add(path, `${label} must be a whole number.`, true);
  if (v < range.min) issues.add(path, `${label} must be at least ${range.min}.`);
  else if (v > range.max) issues.add(path, `${label} must be at most ${range.max}.`);
  return v;
}

/** Drops keys whose value is undefined, so a checked draft has only what was given. */
function given<T extends Bag>(bag: T): T {
  return Object.fromEntries(Object.entries(bag).filter(([, v]) => v !== undefined)) as T;
}

function group(issues: Issues, path: string, v: unknown): Bag | undefined {
  if (isBag(v)) return v;
  issues.add(path, `${path} must be an object.`, true);
  return undefined;
}

function checkExpected(issues: Issues, at: string, raw: Bag) {
  const own = new Issues(issues.mark);
  const p = (k: string) => `${at}.${k}`;
  const out = given({
    metric: optionalText(own, p('metric'), 'Metric', TEXT_LIMITS.short, raw.metric),
    baseline:
      raw.baseline === undefined ? undefined : metricNumber(own, p('baseline'), 'Baseline', raw.baseline),
    target: raw.target === undefined ? undefined : metricNumber(own, p('target'), 'Target', raw.target),
    unit: optionalText(own, p('unit'), 'Unit', TEXT_LIMITS.unit, raw.unit),
    direction:
      raw.direction === undefined
        ? undefined
        : oneOf(
            own,
            p('direction'),
            DIRECTIONS,
            'Direction must be "increase" or "decrease".',
            raw.direction,
          ),
    checkBy: raw.checkBy === undefined ? undefined : isoDate(own, p('checkBy'), 'Check by', raw.checkBy),
  });
  if (!own.fatal) {
    const conflict = expectationConflict(out.baseline, out.target, out.direction, issues.mark);
    if (conflict) own.add(p(conflict.field), conflict.message);
  }
  issues.list.push(...own.list);
  return out;
}

function checkKillCriteria(issues: Issues, raw: Bag): IssueLensDraft['killCriteria'] {
  const p = (k: string) => `killCriteria.${k}`;
  const threshold =
    raw.metricThreshold === undefined ? undefined : group(issues, p('metricThreshold'), raw.metricThreshold);
  const condition = raw.condition === undefined ? undefined : group(issues, p('condition'), raw.condition);
  const t = (k: string) => `killCriteria.metricThreshold.${k}`;
  const c = (k: string) => `killCriteria.condition.${k}`;
  return given({
    deadline:
      raw.deadline === undefined ? undefined : isoDate(issues, p('deadline'), 'Kill date', raw.deadline),
    metricThreshold: threshold && {
      metric:
        requiredText(issues, t('metric'), 'Metric threshold', TEXT_LIMITS.short, threshold.metric) ?? '',
      comparison:
        oneOf(
          issues,
          t('comparison'),
          THRESHOLD_COMPARISONS,
          'Comparison must be "atLeast" or "atMost".',
          threshold.comparison,
        ) ?? 'atLeast',
      value: metricNumber(issues, t('value'), 'Threshold value', threshold.value) ?? 0,
      by: isoDate(issues, t('by'), 'Threshold date', threshold.by) ?? '',
    },
    maxIdleDays: wholeInRange(issues, p('maxIdleDays'), 'Max idle days', MAX_IDLE_DAYS, raw.maxIdleDays),
    maxSprintsCarried: wholeInRange(
      issues,
      p('maxSprintsCarried'),
      'Max sprints',
      MAX_SPRINTS_CARRIED,
      raw.maxSprintsCarried,
    ),
    condition: condition && {
      text: requiredText(issues, c('text'), 'Kill condition', TEXT_LIMITS.text, condition.text) ?? '',
      reviewDate: isoDate(issues, c('reviewDate'), 'Review date', condition.reviewDate) ?? '',
    },
  });
}

/**
 * The draft checked by the rules the resolver's zod schema holds, for the shape the panel builds (an object with
 * optional hypothesis, expected, alsoExpected, outcomeId, killCriteria and result); messages write numbers with
 * the reader's decimal `mark`. Pure.
 */
export function checkIssueLensDraft(raw: Bag, mark: DecimalMark = '.'): DraftCheck {
  const issues = new Issues(mark);
  const hypothesis = raw.hypothesis === undefined ? {} : group(issues, 'hypothesis', raw.hypothesis);
  const expected = raw.expected === undefined ? {} : group(issues, 'expected', raw.expected);
  const killCriteria = raw.killCriteria === undefined ? {} : group(issues, 'killCriteria', raw.killCriteria);
  const result = raw.result === undefined ? undefined : group(issues, 'result', raw.result);
  const draft = {
    hypothesis: hypothesis
      ? given({
          persona: optionalText(
            issues,
            'hypothesis.persona',
            'Persona',
            TEXT_LIMITS.short,
            hypothesis.persona,
          ),
          intent: optionalText(issues, 'hypothesis.intent', 'Intent', TEXT_LIMITS.text, hypothesis.intent),
          benefit: optionalText(
            issues,
            'hypothesis.benefit',
            'Benefit',
            TEXT_LIMITS.text,
            hypothesis.benefit,
          ),
        })
      : {},
    expected: expected ? checkExpected(issues, 'expected', expected) : {},
    alsoExpected: checkAlsoExpected(issues, raw.alsoExpected),
    outcomeId: checkOutcomeId(issues, raw.outcomeId),
    killCriteria: killCriteria ? checkKillCriteria(issues, killCriteria) : {},
    result: result && {
      verdict:
        oneOf(
          issues,
          'result.verdict',
          RESULT_VERDICTS,
          'Result must be validated, invalidated or inconclusive.',
          result.verdict,
        ) ?? 'inconclusive',
      evidence:
        requiredText(issues, 'result.evidence', 'Evidence', TEXT_LIMITS.evidence, result.evidence) ?? '',
      ...(result.measuredValue === undefined
        ? {}
        : {
            measuredValue: metricNumber(
              issues,
              'result.measuredValue',
              'Measured value',
              result.measuredValue,
            ),
          }),
    },
  };
  if (issues.list.length) return { ok: false, issues: issues.list };
  return { ok: true, draft: given(draft) as IssueLensDraft };
}

function checkAlsoExpected(issues: Issues, v: unknown) {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return issues.add('alsoExpected', 'alsoExpected must be a list.', true);
  // Too many stops there: zod judges no item of an overlong list.
  if (v.length > MAX_ALSO_EXPECTED)
    return issues.add('alsoExpected', `At most ${MAX_ALSO_EXPECTED} further expectations can be kept.`, true);
  return v.map((item, i) =>
    isBag(item) ? checkExpected(issues, `alsoExpected.${i}`, item) : group(issues, `alsoExpected.${i}`, item),
  );
}

function checkOutcomeId(issues: Issues, v: unknown) {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') return issues.add('outcomeId', 'Outcome id must be text.', true);
  if (!OUTCOME_ID_PATTERN.test(v)) issues.add('outcomeId', 'Outcome id is malformed.');
  return v;
}

/** Issues as `{ 'expected.target': 'Target must differ…' }`: the first message for each path, as fieldErrors does. */
export function draftFieldErrors(issues: readonly DraftIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) out[issue.path || '_'] ??= issue.message;
  return out;
}
