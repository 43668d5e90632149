/**
 * The panel's form model: text values as the inputs hold them, turned into the shared draft shape and checked
 * by the rules of the resolver's zod schema, without zod (src/domain/draft-rules.ts, shown to agree with the schema
 * by a property test), so the panel's bundle leaves zod out. Pure, so it runs the same in the browser and in tests.
 */
import { readTypedNumber, typedNumberText, type DecimalMark } from '../../../src/domain/amounts';
import { checkByNotBefore, passedCheckBy, passedKillDates } from '../../../src/domain/check-by';
import {
  MAX_ALSO_EXPECTED,
  TEXT_LIMITS,
  characterLength,
  checkIssueLensDraft,
  draftFieldErrors,
} from '../../../src/domain/draft-rules';
import type { ExpectedOutcome, IssueLensDraft } from '../../../src/domain/schemas';
import type { PastedStory } from '../../../src/domain/pasted-story';

// A further expectation is judged in src/domain, so the CLI's `measurable` check and the panel agree.
export { alsoExpectedProblem } from '../../../src/domain/hypothesis-quality';

export const FIELD_NAMES = [
  'persona',
  'intent',
  'benefit',
  'metric',
  'baseline',
  'target',
  'unit',
  'direction',
  'checkBy',
  'outcomeId',
  'deadline',
  'maxIdleDays',
  'maxSprints',
  'thresholdMetric',
  'thresholdComparison',
  'thresholdValue',
  'thresholdBy',
  'conditionText',
  'reviewDate',
  'verdict',
  'evidence',
] as const;
export type FieldName = (typeof FIELD_NAMES)[number];
export type FormValues = Record<FieldName, string>;
export type FormErrors = Partial<Record<FieldName, string>> & { _?: string };

export function emptyValues(): FormValues {
  const v = Object.fromEntries(FIELD_NAMES.map((n) => [n, ''])) as FormValues;
  v.thresholdComparison = 'atLeast';
  return v;
}

const str = (x: string | number | undefined | null): string =>
  x === undefined || x === null ? '' : String(x);

/**
 * The inputs a draft fills. Numbers are written with the person's decimal mark (`mark`, from their locale), so
 * what they see is what they would type, and rawDraft reads it back as the same number.
 */
export function valuesOf(draft: IssueLensDraft, mark: DecimalMark = '.'): FormValues {
  const numText = (x: number | undefined | null): string =>
    x === undefined || x === null ? '' : typedNumberText(x, mark);
  const k = draft.killCriteria;
  return {
    persona: str(draft.hypothesis.persona),
    intent: str(draft.hypothesis.intent),
    benefit: str(draft.hypothesis.benefit),
    metric: str(draft.expected.metric),
    baseline: numText(draft.expected.baseline),
    target: numText(draft.expected.target),
    unit: str(draft.expected.unit),
    direction: str(draft.expected.direction),
    checkBy: str(draft.expected.checkBy),
    outcomeId: str(draft.outcomeId),
    deadline: str(k.deadline),
    thresholdMetric: str(k.metricThreshold?.metric),
    thresholdComparison: k.metricThreshold?.comparison ?? 'atLeast',
    thresholdValue: numText(k.metricThreshold?.value),
    thresholdBy: str(k.metricThreshold?.by),
    maxIdleDays: numText(k.maxIdleDays),
    maxSprints: numText(k.maxSprintsCarried),
    conditionText: str(k.condition?.text),
    reviewDate: str(k.condition?.reviewDate),
    verdict: str(draft.result?.verdict),
    evidence: str(draft.result?.evidence),
  };
}

/**
 * A typed number ("1,200", "12,5", read with the person's decimal mark); blank is "not given", and text that is
 * no number goes on as typed, for the rules to name the field.
 */
function num(value: string, mark: DecimalMark): number | string | undefined {
  if (!value.trim()) return undefined;
  return readTypedNumber(value, mark) ?? value;
}
const text = (value: string): string | undefined => (value.trim() ? value : undefined);

/** A number with a unit written after it ("40%", "40 ms", "12,5 %") or a currency before it ("$40"). */
function splitUnit(typed: string): { number: string; unit: string } | null {
  const t = typed.trim();
  const after = /^([-+−]?[\d.,\s\u00a0\u202f]*\d[\d.,]*)\s*([^\d\s.,+\-−][^\d]*)$/.exec(t);
  if (after) return { number: after[1]!.trim(), unit: after[2]!.trim() };
  const before = /^([^\d\s.,+\-−][^\d]*?)\s*([-+−]?\d[\d.,\s\u00a0\u202f]*)$/.exec(t);
  return before ? { number: before[2]!.trim(), unit: before[1]!.trim() } : null;
}

/**
 * A baseline or target typed with its unit: the number, when the unit is the Unit field's (or "%", which fills
 * an empty Unit), or what to type instead. Null when the text is a plain number, or no number with a unit.
 */
export function amountWithUnit(
  typed: string,
  unit: string,
  mark: DecimalMark = '.',
): { value: number; number: string; fillUnit?: string } | { problem: string } | null {
  if (!typed.trim() || readTypedNumber(typed, mark) !== null) return null;
  const split = splitUnit(typed);
  const value = split ? readTypedNumber(split.number, mark) : null;
  if (!split || value === null) return null;
  const said = unit.trim();
  if (said && split.unit.toLowerCase() === said.toLowerCase()) return { value, number: split.number };
  if (!said && split.unit === '%') return { value, number: split.number, fillUnit: '%' };
  return { problem: `Type ${split.number} here and ${split.unit} in Unit.` };
}

/** The Unit the expectation is saved with: the field's, or "%" when it is empty and a number was typed with one. */
function unitOf(v: FormValues, mark: DecimalMark): string {
  if (v.unit.trim()) return v.unit;
  const typed = [v.baseline, v.target].map((t) => amountWithUnit(t, '', mark));
  return typed.some((a) => a !== null && 'fillUnit' in a) ? '%' : v.unit;
}

/** A baseline or target as a number, read without the unit typed with it when that unit is the expectation's. */
function amount(typed: string, unit: string, mark: DecimalMark): number | string | undefined {
  const withUnit = amountWithUnit(typed, unit, mark);
  return withUnit && 'value' in withUnit ? withUnit.value : num(typed, mark);
}

/**
 * The inputs with a unit typed in Baseline or Target moved to Unit ("40%" → 40 and %), when it is the Unit's or
 * Unit is empty and it is "%"; as they are otherwise, for the field's message to say what to type.
 */
export function withUnitMoved(
  v: FormValues,
  field: 'baseline' | 'target',
  mark: DecimalMark = '.',
): FormValues {
  const typed = amountWithUnit(v[field], v.unit, mark);
  if (!typed || !('value' in typed)) return v;
  return { ...v, [field]: typed.number, ...(typed.fillUnit ? { unit: typed.fillUnit } : {}) };
}

/** The raw draft the inputs describe; a group (threshold, condition, result) is sent when any part is filled. */
export function rawDraft(v: FormValues, mark: DecimalMark = '.'): Record<string, unknown> {
  const unit = unitOf(v, mark);
  const killCriteria: Record<string, unknown> = {
    deadline: text(v.deadline),
    maxIdleDays: num(v.maxIdleDays, mark),
    maxSprintsCarried: num(v.maxSprints, mark),
  };
  if (v.thresholdMetric.trim() || v.thresholdValue.trim() || v.thresholdBy.trim()) {
    killCriteria.metricThreshold = {
      metric: v.thresholdMetric,
      comparison: v.thresholdComparison,
      value: num(v.thresholdValue, mark),
      // Left blank, it is said to be required, not "must be a date like …".
      by: text(v.thresholdBy),
    };
  }
  if (v.conditionText.trim() || v.reviewDate.trim()) {
    killCriteria.condition = { text: v.conditionText, reviewDate: text(v.reviewDate) };
  }
  return {
    hypothesis: { persona: v.persona, intent: v.intent, benefit: v.benefit },
    expected: {
      metric: v.metric,
      baseline: amount(v.baseline, unit, mark),
      target: amount(v.target, unit, mark),
      unit,
      direction: text(v.direction),
      checkBy: text(v.checkBy),
    },
    outcomeId: text(v.outcomeId),
    killCriteria,
    result:
      v.verdict || v.evidence.trim() ? { verdict: v.verdict || undefined, evidence: v.evidence } : undefined,
  };
}

/** Schema path (with or without the resolver's `draft.` prefix) → the input that shows its message. */
const PATH_TO_FIELD: Record<string, FieldName> = {
  'hypothesis.persona': 'persona',
  'hypothesis.intent': 'intent',
  'hypothesis.benefit': 'benefit',
  'expected.metric': 'metric',
  'expected.baseline': 'baseline',
  'expected.target': 'target',
  'expected.unit': 'unit',
  'expected.direction': 'direction',
  'expected.checkBy': 'checkBy',
  outcomeId: 'outcomeId',
  'killCriteria.deadline': 'deadline',
  'killCriteria.metricThreshold.metric': 'thresholdMetric',
  'killCriteria.metricThreshold.comparison': 'thresholdComparison',
  'killCriteria.metricThreshold.value': 'thresholdValue',
  'killCriteria.metricThreshold.by': 'thresholdBy',
  'killCriteria.maxIdleDays': 'maxIdleDays',
  'killCriteria.maxSprintsCarried': 'maxSprints',
  'killCriteria.condition.text': 'conditionText',
  'killCriteria.condition.reviewDate': 'reviewDate',
  'result.verdict': 'verdict',
  'result.evidence': 'evidence',
};

export function errorsByField(fields: Record<string, string>): FormErrors {
  const out: FormErrors = {};
  for (const [path, message] of Object.entries(fields)) {
    const field = PATH_TO_FIELD[path.replace(/^draft\./, '')];
    if (field) out[field] ??= message;
    else out._ ??= message;
  }
  return out;
}

/** The free-text fields a person can overrun while typing, with the limits the save's rules hold them to. */
const TEXT_MAX: Partial<Record<FieldName, number>> = {
  persona: TEXT_LIMITS.short,
  intent: TEXT_LIMITS.text,
  benefit: TEXT_LIMITS.text,
};

/**
 * "160 / 200" once a field holds 80 % of its limit, counted as the rules count (trimmed, an emoji as one), and
 * whether it is past the limit; null below that, or for a field without one. Near the limit is when the count helps.
 */
export function characterCount(field: FieldName, value: string): { text: string; over: boolean } | null {
  const max = TEXT_MAX[field];
  const used = characterLength(value.trim());
  if (max === undefined || used < max * 0.8) return null;
  return { text: `${used} / ${max}`, over: used > max };
}

export type Checked = { ok: true; draft: IssueLensDraft } | { ok: false; errors: FormErrors };

/**
 * The inputs checked as the resolver will check them: the schema, and (given the stored draft and today) a
 * check-by or kill date newly set in the past, so the refusal shows at the field before Save. Every refusal is
 * found at once: a date gone is said beside a number mistyped, not after it is mended.
 */
export function checkValues(
  v: FormValues,
  stored?: IssueLensDraft,
  today?: string,
  mark: DecimalMark = '.',
): Checked {
  const parsed = checkIssueLensDraft(rawDraft(v, mark), mark);
  const errors: FormErrors = {};
  if (!parsed.ok) {
    Object.assign(errors, errorsByField(draftFieldErrors(parsed.issues)));
    // "Baseline must be a number." over "40 ms" would not say what to do about the unit.
    const unit = unitOf(v, mark);
    for (const field of ['baseline', 'target'] as const) {
      const typed = amountWithUnit(v[field], unit, mark);
      if (errors[field] && typed && 'problem' in typed) errors[field] = typed.problem;
    }
  }
  // The dates are judged on what parses: a part the schema refused is said once, as the schema said it.
  const draft = parsed.ok ? parsed.draft : scorableDraft(v, mark);
  if (today) {
    const passed = passedCheckBy(draft.expected.checkBy, checkByNotBefore(draft, stored ?? null, today));
    if (passed) errors.checkBy ??= passed;
    for (const d of passedKillDates(draft, stored ?? null, today))
      for (const [field, message] of Object.entries(errorsByField({ [d.path]: d.message })))
        errors[field as keyof FormErrors] ??= message;
  }
  return parsed.ok && Object.keys(errors).length === 0
    ? { ok: true, draft: parsed.draft }
    : { ok: false, errors };
}

/**
 * What the live score counts while some inputs are still invalid: the draft without the invalid parts, so
 * one half-typed date does not hide the rest of the user's progress.
 */
export function scorableDraft(v: FormValues, mark: DecimalMark = '.'): IssueLensDraft {
  const raw = rawDraft(v, mark);
  // Read before a refused part is dropped from `raw`.
  const { direction, target } = raw.expected as { direction?: unknown; target?: unknown };
  for (let attempt = 0; attempt < 4; attempt++) {
    const parsed = checkIssueLensDraft(raw);
    if (parsed.ok) return withContradictionsBack(parsed.draft, direction, target);
    for (const issue of parsed.issues) dropPath(raw, issue.path.split('.'));
  }
  return { hypothesis: {}, expected: {}, killCriteria: {} };
}

/**
 * A direction the numbers contradict, or a target equal to the baseline, is dropped for the draft to parse; put
 * back, the score names the contradiction ("decrease" from 200 to 300, nothing would move) instead of asking for it.
 */
function withContradictionsBack(draft: IssueLensDraft, direction: unknown, target: unknown): IssueLensDraft {
  let { expected } = draft;
  if (typeof target === 'number' && expected.target === undefined && target === expected.baseline) {
    expected = { ...expected, target };
    draft = { ...draft, expected };
  }
  if (expected.direction || (direction !== 'increase' && direction !== 'decrease')) return draft;
  if (expected.baseline === undefined || expected.target === undefined) return draft;
  return { ...draft, expected: { ...expected, direction } };
}

function dropPath(target: Record<string, unknown>, path: string[]): void {
  // A refinement on the whole expectation (target equals baseline) points at one part: drop that part.
  if (path.length === 0) return;
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object') return;
    node = next as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  // A broken group (threshold, condition, result) counts as absent as a whole.
  if (path.length >= 3 || path[0] === 'result') {
    const parentPath = path[0] === 'result' ? ['result'] : path.slice(0, -1);
    dropGroup(target, parentPath);
    return;
  }
  delete node[last];
}

function dropGroup(target: Record<string, unknown>, path: string[]): void {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object') return;
    node = next as Record<string, unknown>;
  }
  delete node[path[path.length - 1]!];
}

/** The parts of the first expectation that are about its metric: another metric does not keep them. */
const METRIC_PARTS = ['baseline', 'target', 'unit', 'direction', 'checkBy'] as const satisfies FieldName[];

/** Whether two metric names name the same metric, as typed ("Cart drop-off" and "cart drop-off " do). */
const sameMetric = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Fills the hypothesis and expectation from a pasted story as the resolver read it; returns the new values, the
 * fields filled, those emptied (`cleared`), the notes to read, and the further expectations (as many as a lens
 * keeps). Numbers are typed with the person's decimal `mark`, as the story was read with it.
 */
export function applyStory(
  values: FormValues,
  story: PastedStory,
  mark: DecimalMark = '.',
): {
  values: FormValues;
  filled: FieldName[];
  cleared: FieldName[];
  notes: string[];
  alsoExpected: ExpectedOutcome[];
} {
  const expected = story.expected[0] ?? {};
  const alsoExpected = story.expected.slice(1, 1 + MAX_ALSO_EXPECTED);
  const notes = [...story.notes];
  const dropped = story.expected.length - 1 - alsoExpected.length;
  if (dropped > 0)
    notes.push(`Only ${MAX_ALSO_EXPECTED + 1} expectations are kept; ${dropped} more were left out.`);
  const next = { ...values };
  const filled: FieldName[] = [];
  const set = (field: FieldName, value: string | number | undefined | null) => {
    if (value === undefined || value === null || value === '') return;
    next[field] = typeof value === 'number' ? typedNumberText(value, mark) : value;
    filled.push(field);
  };
  set('persona', story.persona);
  set('intent', story.intent);
  set('benefit', story.benefit);
  // A story about another metric than the form holds: the old metric's numbers, unit, direction and date are
  // not this one's, and kept they would pass the live "measurable" check with figures the story never gave.
  const cleared: FieldName[] = [];
  if (expected.metric && values.metric.trim() !== '' && !sameMetric(expected.metric, values.metric))
    for (const field of METRIC_PARTS)
      if (next[field] !== '') {
        next[field] = '';
        cleared.push(field);
      }
  set('metric', expected.metric);
  set('baseline', expected.baseline);
  set('target', expected.target);
  set('unit', expected.unit);
  set('direction', expected.direction);
  set('checkBy', expected.checkBy);
  return { values: next, filled, cleared: cleared.filter((f) => !filled.includes(f)), notes, alsoExpected };
}

export const FIELD_LABELS: Record<FieldName, string> = {
  persona: 'Persona',
  intent: 'Intent',
  benefit: 'Benefit',
  metric: 'Metric',
  baseline: 'Baseline',
  target: 'Target',
  unit: 'Unit',
  direction: 'Direction',
  checkBy: 'Check by',
  outcomeId: 'Outcome',
  deadline: 'Kill date',
  thresholdMetric: 'Metric threshold',
  thresholdComparison: 'Threshold comparison',
  thresholdValue: 'Threshold value',
  thresholdBy: 'Threshold date',
  maxIdleDays: 'Max idle days',
  maxSprints: 'Max sprints',
  conditionText: 'Kill condition',
  reviewDate: 'Review date',
  verdict: 'Result',
  evidence: 'Evidence',
};

/** What two writers can both change: one field, or the further expectations, taken as one list. */
export type FormPart = FieldName | 'alsoExpected';
export const PART_LABELS: Record<FormPart, string> = {
  ...FIELD_LABELS,
  alsoExpected: 'Further expectations',
};

/** One field as two versions hold it. */
export interface FieldChange {
  field: FieldName;
  from: string;
  to: string;
}

/** The fields `after` holds differently from `before`, in the form's order. */
export function changedFields(before: FormValues, after: FormValues): FieldChange[] {
  return FIELD_NAMES.filter((f) => before[f] !== after[f]).map((field) => ({
    field,
    from: before[field],
    to: after[field],
  }));
}

/**
 * The person's edits put on top of a version someone else saved meanwhile, field by field: a field the person did
 * not change since the panel loaded (`loaded`) takes the other writer's value, so keeping one's own work never
 * erases theirs unseen; a field both changed keeps the person's value and is named in `clashes`.
 */
export function mineOnTheirs(
  loaded: FormValues,
  mine: FormValues,
  theirs: FormValues,
): { values: FormValues; clashes: FieldChange[] } {
  const values = { ...theirs };
  const clashes: FieldChange[] = [];
  for (const { field } of changedFields(loaded, mine)) {
    values[field] = mine[field];
    if (theirs[field] !== loaded[field] && theirs[field] !== mine[field])
      clashes.push({ field, from: theirs[field], to: mine[field] });
  }
  return { values, clashes };
}

/** One further expectation as text that two alike entries share, whatever the order of their keys. */
const expectationText = (e: ExpectedOutcome) => JSON.stringify(e, Object.keys(e).sort());
const sameList = (a: readonly ExpectedOutcome[], b: readonly ExpectedOutcome[]) =>
  a.length === b.length && a.every((e, i) => expectationText(e) === expectationText(b[i]!));

/** `list` without one entry alike to each of `taken`'s (a list may hold the same expectation twice). */
function without(list: readonly ExpectedOutcome[], taken: readonly ExpectedOutcome[]): ExpectedOutcome[] {
  const left = taken.map(expectationText);
  return list.filter((e) => {
    const at = left.indexOf(expectationText(e));
    if (at >= 0) left.splice(at, 1);
    return at < 0;
  });
}

/** The further expectations `after` puts in and takes out against `before`, entry by entry (a change is both). */
export function changedExpectations(
  before: readonly ExpectedOutcome[],
  after: readonly ExpectedOutcome[],
): { added: ExpectedOutcome[]; removed: ExpectedOutcome[] } {
  return { added: without(after, before), removed: without(before, after) };
}

/**
 * The person's further expectations put on top of a list someone else saved meanwhile, as mineOnTheirs does for
 * fields, entry by entry (an entry changed is one taken out and another put in): theirs, less the entries the
 * person took out, plus those the person put in. Where both took out the same entry (each removed or changed
 * it), which change to keep is unclear, and a merge longer than a lens keeps would be refused by the save: then
 * the person's list is kept and `clash` says so, to be named as a field both changed is.
 */
export function alsoMineOnTheirs(
  loaded: readonly ExpectedOutcome[],
  mine: readonly ExpectedOutcome[],
  theirs: readonly ExpectedOutcome[],
): { also: ExpectedOutcome[]; clash: boolean } {
  if (sameList(mine, loaded)) return { also: [...theirs], clash: false };
  if (sameList(theirs, loaded) || sameList(theirs, mine)) return { also: [...mine], clash: false };
  const takenOutByMine = without(loaded, mine);
  const takenOutByTheirs = without(loaded, theirs);
  const bothTookOut = without(takenOutByMine, takenOutByTheirs).length < takenOutByMine.length;
  const merged = [
    ...without(theirs, takenOutByMine),
    // What both put in is there once.
    ...without(without(mine, loaded), without(theirs, loaded)),
  ];
  if (bothTookOut || merged.length > MAX_ALSO_EXPECTED) return { also: [...mine], clash: true };
  return { also: merged, clash: false };
}
