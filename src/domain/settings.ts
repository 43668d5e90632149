import * as z from 'zod';
import { invisibleProblem } from './measurement-input';
import { quotedShort } from './says-something';
import { SCAN_PACING_RULES, type PacingRule, type ScanPacingKey } from './scan-pacing';
import { textProblem } from './visible-text';

export { SCORE_COMPONENT_IDS, weightsTotalError, type ScoreComponentId } from './score-weights';

/**
 * Project settings: every default lives here and nowhere else. Stored settings are partial (only what an
 * admin changed); `parseSettings` merges them over the defaults and freezes the result.
 */

const weight = (label: string) =>
  z
    .number({ error: `${label} weight must be a number.` })
    .int({ error: `${label} weight must be a whole number.` })
    .min(0, { error: `${label} weight must be 0 or more.` })
    .max(100, { error: `${label} weight must be at most 100.` });

const days = (label: string) =>
  z
    .number({ error: `${label} must be a number of days.` })
    .int({ error: `${label} must be a whole number of days.` })
    .min(1, { error: `${label} must be at least 1 day.` })
    .max(3650, { error: `${label} must be at most 3650 days.` });

const sprints = z
  .number({ error: 'Max sprints carried over must be a number.' })
  .int({ error: 'Max sprints carried over must be a whole number.' })
  .min(1, { error: 'Max sprints carried over must be at least 1.' })
  .max(52, { error: 'Max sprints carried over must be at most 52.' });

// The settings' objects are strict: a save's misspelt field ("maxIdleDay") is refused at its name instead of
// dropped unseen (fieldErrors). What was stored is read leniently (storedSettingsSchema strips such fields).
const thresholdsSchema = z.strictObject({
  maxIdleDays: days('Max idle days'),
  maxSprintsCarried: sprints,
  unlinkedMaxAgeDays: days('Max age of unlinked work'),
});
export type ZombieThresholds = z.infer<typeof thresholdsSchema>;

/** Jira's longest label; the lists of names in the settings keep to it too. */
export const JIRA_LABEL_MAX = 255;

/** Several problems of one list as one message (a field shows one): the first few, and how many more. */
function oneMessage(problems: readonly string[]): string | null {
  const distinct = [...new Set(problems)];
  if (!distinct.length) return null;
  const shown = distinct.slice(0, 3).join(' ');
  const more = distinct.length - 3;
  return more > 0 ? `${shown} And ${more} more like ${more === 1 ? 'it' : 'these'}.` : shown;
}

/** How a list of names is told in messages: the list ("Exempt labels"), one entry, and what an entry names. */
interface NameListWords {
  list: string;
  entry: string;
  names: string;
}

/** Why `name` is longer than Jira keeps a label (JIRA_LABEL_MAX), as `entry` with `advice`; null when it is not. */
function tooLongProblem(entry: string, name: string, advice: string): string | null {
  return name.length > JIRA_LABEL_MAX
    ? `${entry} ${quotedShort(name)} is ${name.length} characters long, over the limit of ${JIRA_LABEL_MAX}: ${advice}.`
    : null;
}

/**
 * A list of names (labels, issue types, account ids), each trimmed, none blank or over JIRA_LABEL_MAX. Refused
 * at the list, not at an entry's index: the page edits a list as one field and shows a refusal under it.
 */
const nameList = (words: NameListWords) =>
  z
    .array(z.string().trim(), { error: `${words.list} must be a list.` })
    .max(200, { error: `${words.list} may hold at most 200 entries.` })
    .superRefine((names, ctx) => {
      const problem = oneMessage(
        names.flatMap((name) => {
          if (!name) return [`${words.list} hold an empty entry: remove it.`];
          return tooLongProblem(words.entry, name, `use the ${words.names} as Jira shows it`) ?? [];
        }),
      );
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

const EXEMPT_LABELS: NameListWords = { list: 'Exempt labels', entry: 'Exempt label', names: 'label' };

/**
 * Why Jira could never put `label` (trimmed, not blank) on an issue, said with what to do instead; null when it
 * could. Jira labels hold no spaces (its REST API refuses a label with one) and no commas, so an exempt label with
 * either matches no issue and exempts nothing.
 */
export function exemptLabelProblem(label: string): string | null {
  return markedLabelProblem(
    EXEMPT_LABELS.entry,
    label,
    'so no issue carries it and it exempts nothing. Write it as your issues carry it',
  );
}

/**
 * Why `label` (trimmed) has a space or a comma, which Jira labels cannot hold, as `entry`: what follows from it and
 * what to write instead (`then`), before an example mended; null when it has neither.
 */
function markedLabelProblem(entry: string, label: string, then: string): string | null {
  const mark = /\s/.test(label) ? 'space' : label.includes(',') ? 'comma' : null;
  if (!mark) return null;
  const mended = label.replace(/[\s,]+/g, '-');
  return `${entry} ${quotedShort(label)} has a ${mark}: Jira labels cannot hold ${mark}s, ${then}, e.g. ${quotedShort(mended)}.`;
}

/**
 * Why the flag label (trimmed) is one Jira could not put on an item, in the words the exempt labels are refused
 * with: every problem it has, as the person may mend both at once (a long label with a space in it).
 */
function flagLabelProblem(label: string): string {
  const FLAG = 'Flag label';
  return (
    oneMessage(
      [
        tooLongProblem(FLAG, label, 'shorten it'),
        markedLabelProblem(
          FLAG,
          label,
          'so the scan could not put it on an item it flags. Write it as one word',
        ),
      ].filter((p): p is string => p !== null),
    ) ?? 'Flag label is blank: name a label, or set none (null) for no label.'
  );
}

/** A setting a save must mend first, at its path in the settings, with why and what to do. */
export interface SettingsProblem {
  path: string[];
  message: string;
}

/**
 * Why a name the scan writes or matches in Jira (a label, a transition's name) cannot be what it looks like: a
 * control or broken character, or one drawn as nothing (a zero-width space, a direction override), with which it
 * matches no issue's or puts a look-alike label on them. Null when it can.
 */
function unseenProblem(what: string, name: string): string | null {
  const broken = textProblem(name);
  if (broken) return `${what} ${quotedShort(name)} ${broken}`;
  const hidden = invisibleProblem(what.toLowerCase(), name);
  return hidden && hidden.charAt(0).toUpperCase() + hidden.slice(1);
}

/**
 * What a save is refused for beyond what stored settings are read with (settingsSchema): an exempt label Jira
 * could not hold, a label or transition name with characters no one sees, and a flag label that is an exempt
 * label (the flag would exempt its own issue, and the next scan clear it). Stored settings with such a problem still
 * load, as they are (refusing them on read would put every setting back to its default): the page shows the value
 * and this problem at its field, to be mended.
 */
export function settingsSaveProblems(
  settings: Pick<Settings, 'exemptions' | 'flagActions' | 'kill'>,
): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const add = (path: string[], message: string | null) => {
    if (message) problems.push({ path, message });
  };
  add(
    ['exemptions', 'labels'],
    oneMessage(
      settings.exemptions.labels.flatMap(
        (l) => unseenProblem(EXEMPT_LABELS.entry, l) ?? exemptLabelProblem(l) ?? [],
      ),
    ),
  );
  const flag = settings.flagActions.label;
  if (flag) {
    const exempt = settings.exemptions.labels.find((l) => l.toLowerCase() === flag.toLowerCase());
    add(
      ['flagActions', 'label'],
      unseenProblem('Flag label', flag) ??
        (exempt === undefined
          ? null
          : `The flag label ${quotedShort(flag)} is also an exempt label (${quotedShort(exempt)}): an item the scan flags would carry it and be exempt at the next scan. Choose another label, or take ${quotedShort(exempt)} off the exempt labels.`),
    );
  }
  const transition = settings.kill.transitionName;
  if (transition) add(['kill', 'transitionName'], unseenProblem('Kill transition', transition));
  add(['kill', 'resolutionName'], unseenProblem('Kill resolution', settings.kill.resolutionName));
  return problems;
}

const weightsSchema = z.strictObject({
  hypothesis: weight('Hypothesis'),
  measurable: weight('Measurable expectation'),
  outcomeLink: weight('Outcome link'),
  killCriteria: weight('Kill criteria'),
  problemFraming: weight('Problem framing'),
  evidence: weight('Evidence'),
});

/** A pacing setting's schema, from the rules the settings page also checks typed values with. */
function pacing(key: ScanPacingKey) {
  const rule: PacingRule = SCAN_PACING_RULES[key];
  const base = z.number({ error: rule.notNumber });
  return (rule.notWhole ? base.int({ error: rule.notWhole }) : base)
    .min(rule.min, { error: rule.outOfRange })
    .max(rule.max, { error: rule.outOfRange });
}

/**
 * An issue type's name as per-type rows are matched to an issue's type and to each other: the spaces around it
 * and case do not count ("Bug " is "bug"). Jira names issue types without spaces around them.
 */
export function issueTypeKey(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Checks the issue type names a per-type record is keyed by, as typed: a blank one is refused with `blank`, and
 * one that names the same type as an earlier key (issueTypeKey) is refused at that key, naming both.
 */
export function refineIssueTypeKeys(blank: string) {
  return (record: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const seen = new Map<string, string>();
    for (const type of Object.keys(record)) {
      const key = issueTypeKey(type);
      if (!key) {
        ctx.addIssue({ code: 'custom', path: [type], message: blank });
        continue;
      }
      const first = seen.get(key);
      if (first === undefined) seen.set(key, type);
      else ctx.addIssue({ code: 'custom', path: [type], message: sameTypeMessage(type, first) });
    }
  };
}

function sameTypeMessage(type: string, first: string): string {
  // Only case differs: the names read as typed. Spaces differ: quoted, or "Bug and Bug" would say nothing.
  if (type.trim() === type && first.trim() === first)
    return `${type} and ${first} are the same issue type (case does not count): keep one row.`;
  return `"${type}" and "${first}" are the same issue type (spaces around a name and case do not count): keep one row.`;
}

/** The record with each issue type name trimmed (after refineIssueTypeKeys: no two keys become one). */
export function trimIssueTypeKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([type, value]) => [type.trim(), value]));
}

/**
 * A record keyed by issue type name, each value read by `value` (its refusals at [name, ...]). Not z.record: that
 * leaves a key named `__proto__` out without a word (assigning one to the object it builds would set the
 * object's prototype), and an issue type may be named so. Here every own key is kept as an own property.
 */
export function issueTypeRecord<T extends z.ZodType>(value: T, what: string) {
  const isRecord = (input: unknown) => typeof input === 'object' && input !== null && !Array.isArray(input);
  return z
    .custom<Record<string, z.input<T>>>(isRecord, { error: `${what} must be a record keyed by issue type.` })
    .transform((input, ctx): Record<string, z.output<T>> => {
      const kept: Array<[string, z.output<T>]> = [];
      for (const [type, given] of Object.entries(input)) {
        if (type.length > JIRA_LABEL_MAX) {
          ctx.addIssue({
            code: 'custom',
            path: [type],
            message: `The issue type ${quotedShort(type)} is ${type.length} characters long, over the limit of ${JIRA_LABEL_MAX}: use the name as Jira shows it.`,
          });
          continue;
        }
        const parsed = value.safeParse(given);
        if (parsed.success) kept.push([type, parsed.data]);
        else for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [type, ...issue.path] });
      }
      // Object.fromEntries defines each key as an own property, `__proto__` too.
      return Object.fromEntries(kept);
    });
}

/** Thresholds per issue type, each row checked by `row`. */
const perIssueTypeSchema = <T extends z.ZodType>(row: T) =>
  issueTypeRecord(row, 'Thresholds per issue type')
    // Issue types are matched without regard to case or the spaces around them (thresholdsFor): "bug" and
    // "Bug " would be one type with two limits, of which the scan reads only the first.
    .superRefine(refineIssueTypeKeys('Name the issue type these thresholds are for, or remove the row.'))
    .transform(trimIssueTypeKeys);

export const settingsSchema = z.strictObject({
  weights: weightsSchema.refine((w) => Object.values(w).reduce((a, b) => a + b, 0) > 0, {
    error: 'At least one score weight must be above 0.',
  }),
  /** An epic's link counts, but for less than a direct one: this share of the link's points. */
  inheritedLinkShare: z
    .number({ error: 'Epic link counts must be a number.' })
    .min(0, { error: 'Epic link counts must be between 0 and 1.' })
    .max(1, { error: 'Epic link counts must be between 0 and 1.' }),
  zombie: z.strictObject({
    defaults: thresholdsSchema,
    perIssueType: perIssueTypeSchema(thresholdsSchema.partial()),
  }),
  exemptions: z.strictObject({
    labels: nameList(EXEMPT_LABELS),
    issueTypes: nameList({
      list: 'Exempt issue types',
      entry: 'Exempt issue type',
      names: 'issue type name',
    }),
    assignees: nameList({ list: 'Exempt assignees', entry: 'Exempt assignee', names: 'account id' }),
    reporters: nameList({ list: 'Exempt reporters', entry: 'Exempt reporter', names: 'account id' }),
  }),
  flagActions: z.strictObject({
    /** Add this label while an item is flagged; null for none. The entity property is always written. */
    label: z
      .string()
      .trim()
      .regex(/^[^\s,]{1,255}$/, { error: (issue) => flagLabelProblem(String(issue.input)) })
      .nullable(),
    comment: z.boolean({ error: 'Comment on flag must be true or false.' }),
  }),
  kill: z.strictObject({
    /** Name of the workflow transition a Kill decision uses; null: the first into a done status. */
    transitionName: z.string().trim().min(1).max(255).nullable(),
    resolutionName: z.string().trim().min(1).max(255),
  }),
  entryGate: z.strictObject({
    enabled: z.boolean(),
    threshold: z
      .number({ error: 'Minimum score must be a number.' })
      .int({ error: 'Minimum score must be a whole number.' })
      .min(0, { error: 'Minimum score must be between 0 and 100.' })
      .max(100, { error: 'Minimum score must be between 0 and 100.' }),
    requireHypothesis: z.boolean(),
  }),
  dryRun: z.boolean({ error: 'Dry run must be true or false.' }),
  /** Who may create and change outcomes: project administrators, or anyone who can edit issues. */
  outcomeEditors: z.enum(['admins', 'editors'], { error: 'Outcome editors must be "admins" or "editors".' }),
  scan: z.strictObject({
    quotaShare: pacing('quotaShare'),
    fullRescanEveryDays: pacing('fullRescanEveryDays'),
  }),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Readonly<Settings> = deepFreeze({
  weights: {
    hypothesis: 25,
    measurable: 20,
    outcomeLink: 20,
    killCriteria: 15,
    problemFraming: 10,
    evidence: 10,
  },
  inheritedLinkShare: 0.5,
  zombie: {
    defaults: { maxIdleDays: 60, maxSprintsCarried: 3, unlinkedMaxAgeDays: 90 },
    // No shorter limit for bugs by default: replaying a real site's history, bugs idle past 30 days were later
    // abandoned less often than other types (31% against 42%). Calibration proposes per-type limits where a
    // site's own history supports them.
    perIssueType: {},
  },
  exemptions: { labels: ['keep-alive'], issueTypes: ['Epic'], assignees: [], reporters: [] },
  flagActions: { label: null, comment: false },
  kill: { transitionName: null, resolutionName: "Won't Do" },
  entryGate: { enabled: true, threshold: 40, requireHypothesis: true },
  dryRun: false,
  outcomeEditors: 'admins',
  // Half the hour's points: a full rescan of a large backlog spreads over hours instead of starving the panel.
  scan: { quotaShare: 0.5, fullRescanEveryDays: 7 },
});

/**
 * What an admin stored: any subset of the settings, nested objects partial too. A field it does not know (stored
 * by another version of the app) is left out, not refused: the project's settings still load.
 */
const shape = settingsSchema.shape;
export const storedSettingsSchema = z.object({
  weights: weightsSchema.strip().partial().optional(),
  inheritedLinkShare: shape.inheritedLinkShare.optional(),
  zombie: z
    .object({
      defaults: thresholdsSchema.strip().partial().optional(),
      perIssueType: perIssueTypeSchema(thresholdsSchema.strip().partial()).optional(),
    })
    .optional(),
  exemptions: shape.exemptions.strip().partial().optional(),
  flagActions: shape.flagActions.strip().partial().optional(),
  kill: shape.kill.strip().partial().optional(),
  entryGate: shape.entryGate.strip().partial().optional(),
  dryRun: shape.dryRun.optional(),
  outcomeEditors: shape.outcomeEditors.optional(),
  scan: shape.scan.strip().partial().optional(),
});
export type StoredSettings = z.infer<typeof storedSettingsSchema>;

export type SettingsResult = { ok: true; settings: Readonly<Settings> } | { ok: false; error: z.ZodError };

/** Merges stored (partial) settings over the defaults, validates the whole, freezes it. */
export function parseSettings(stored: unknown): SettingsResult {
  const partial = storedSettingsSchema.safeParse(stored ?? {});
  if (!partial.success) return { ok: false, error: partial.error };
  const s = partial.data;
  const d = DEFAULT_SETTINGS;
  const merged = {
    weights: { ...d.weights, ...s.weights },
    inheritedLinkShare: s.inheritedLinkShare ?? d.inheritedLinkShare,
    zombie: {
      defaults: { ...d.zombie.defaults, ...s.zombie?.defaults },
      perIssueType: s.zombie?.perIssueType ?? d.zombie.perIssueType,
    },
    exemptions: { ...d.exemptions, ...s.exemptions },
    flagActions: { ...d.flagActions, ...s.flagActions },
    kill: { ...d.kill, ...s.kill },
    entryGate: { ...d.entryGate, ...s.entryGate },
    dryRun: s.dryRun ?? d.dryRun,
    outcomeEditors: s.outcomeEditors ?? d.outcomeEditors,
    scan: { ...d.scan, ...s.scan },
  };
  const full = settingsSchema.safeParse(merged);
  return full.success ? { ok: true, settings: deepFreeze(full.data) } : { ok: false, error: full.error };
}

/**
 * Settings for code paths that must not fail: stored values if valid, else the defaults. Per-type rows stored
 * before case duplicates were refused ("bug" beside "Bug", or "Bug ") are read as one, the first, as the scan
 * always read them, and a row with a blank name is left out: the page then shows what the scan uses and can save
 * again, and no other setting falls back to a default.
 */
export function settingsOrDefaults(stored: unknown): Readonly<Settings> {
  const result = parseSettings(withoutCaseDuplicateTypes(stored));
  return result.ok ? result.settings : DEFAULT_SETTINGS;
}

/**
 * Per-type thresholds with one entry per issue type regardless of case and the spaces around its name: the first
 * of each, in stored order, under its trimmed name. A blank name (stored before it was refused) names no type and
 * is left out.
 */
export function firstOfEachType<T>(perIssueType: Readonly<Record<string, T>>): Record<string, T> {
  const kept: Array<[string, T]> = [];
  const seen = new Set<string>();
  for (const [type, value] of Object.entries(perIssueType)) {
    const key = issueTypeKey(type);
    if (!key || seen.has(key)) continue;
    seen.add(key);
    kept.push([type.trim(), value]);
  }
  // Not assigned one by one: `out["__proto__"] = value` would set the prototype and leave that type out.
  return Object.fromEntries(kept);
}

/** The idle limit of each issue type that has one of its own (a type named `__proto__` kept as any other). */
export function idleDaysByType(
  perIssueType: Readonly<Record<string, Partial<ZombieThresholds>>>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(perIssueType).flatMap(([type, t]) =>
      t.maxIdleDays === undefined ? [] : [[type, t.maxIdleDays]],
    ),
  );
}

function withoutCaseDuplicateTypes(stored: unknown): unknown {
  const zombie = (stored as { zombie?: unknown } | null | undefined)?.zombie;
  const perIssueType = (zombie as { perIssueType?: unknown } | null | undefined)?.perIssueType;
  if (!perIssueType || typeof perIssueType !== 'object' || Array.isArray(perIssueType)) return stored;
  return {
    ...(stored as object),
    zombie: { ...(zombie as object), perIssueType: firstOfEachType(perIssueType as Record<string, unknown>) },
  };
}

/** The thresholds that apply to an issue type: per-type overrides over the defaults (matched by issueTypeKey). */
export function thresholdsFor(settings: Settings, issueType: string): ZombieThresholds {
  const wanted = issueTypeKey(issueType);
  const override = Object.entries(settings.zombie.perIssueType).find(
    ([type]) => issueTypeKey(type) === wanted,
  )?.[1];
  return { ...settings.zombie.defaults, ...override };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
