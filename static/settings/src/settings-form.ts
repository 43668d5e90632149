/**
 * The settings page's form as the person edits it, and how their edits are laid over newer settings when
 * someone else saved meanwhile: what they changed stays as they typed it, what only the other person changed
 * comes in, and where both changed the same setting theirs is named so nothing is replaced unseen.
 */
import type { DecimalMark } from '../../../src/domain/amounts';
import type { Settings } from '../../../src/domain/settings';
import { rowsOf, THRESHOLD_FIELDS, type TypeRow } from './per-type-rows';
import { setValueAt, valueAt } from './settings-path';
import { NUMBER_PATHS, NUMBER_RULES, numberTexts, typedValue, type NumberTexts } from './typed-numbers';

export const EXEMPTIONS = {
  labels: 'Labels',
  issueTypes: 'Issue types',
  assignees: 'Assignees (account ids)',
  reporters: 'Reporters (account ids)',
} as const;
export type ExemptionKey = keyof typeof EXEMPTIONS;
export const EXEMPTION_KEYS = Object.keys(EXEMPTIONS) as ExemptionKey[];

/** A comma list as typed, as its entries. */
export const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

export interface SettingsForm {
  /** The choices and texts; its numbers are read from `numbers` when the form is judged or saved. */
  settings: Settings;
  /** Numbers as typed ("0." on the way to "0.75" survives). */
  numbers: NumberTexts;
  /** Comma lists as typed (a trailing comma survives), split on save. */
  exemptions: Record<ExemptionKey, string>;
  perType: TypeRow[];
}

export function formOf(settings: Settings, mark: DecimalMark): SettingsForm {
  return {
    settings: structuredClone(settings),
    numbers: numberTexts(settings, mark),
    exemptions: Object.fromEntries(
      EXEMPTION_KEYS.map((k) => [k, settings.exemptions[k].join(', ')]),
    ) as SettingsForm['exemptions'],
    perType: rowsOf(settings.zombie.perIssueType),
  };
}

/** One setting of the form: how it compares, how it is told, and how it is carried to another form. */
interface FormPart {
  label: string;
  /** Equal for two forms that say the same ("30" and "30.0", "a, b" and "a,b"). */
  sameness: (f: SettingsForm, mark: DecimalMark) => string;
  shown: (f: SettingsForm) => string;
  carry: (from: SettingsForm, into: SettingsForm) => void;
}

const onOff = (v: unknown) => (v ? 'on' : 'off');

function choice(path: string, label: string, show: (v: unknown) => string): FormPart {
  return {
    label,
    sameness: (f) => JSON.stringify(valueAt(f.settings, path)),
    shown: (f) => show(valueAt(f.settings, path)),
    carry: (from, into) => setValueAt(into.settings, path, structuredClone(valueAt(from.settings, path))),
  };
}

const perTypeRows = (f: SettingsForm) =>
  f.perType
    .map((r) => [r.type.trim(), ...THRESHOLD_FIELDS.map((t) => r.values[t.key].trim())])
    .filter((cells) => cells.some(Boolean));

const FORM_PARTS: FormPart[] = [
  ...NUMBER_PATHS.map((path): FormPart => ({
    label: NUMBER_RULES[path].label,
    sameness: (f, mark) => {
      const value = typedValue(f.numbers[path], mark);
      return Number.isFinite(value) ? String(value) : f.numbers[path].trim();
    },
    shown: (f) => f.numbers[path].trim() || 'blank',
    carry: (from, into) => (into.numbers[path] = from.numbers[path]),
  })),
  ...EXEMPTION_KEYS.map((k): FormPart => ({
    label: `Exempt ${EXEMPTIONS[k].toLowerCase()}`,
    sameness: (f) => list(f.exemptions[k]).join(','),
    shown: (f) => list(f.exemptions[k]).join(', ') || 'none',
    carry: (from, into) => (into.exemptions[k] = from.exemptions[k]),
  })),
  {
    label: 'Thresholds per issue type',
    sameness: (f) => JSON.stringify(perTypeRows(f)),
    shown: (f) =>
      perTypeRows(f)
        .map(([type, ...limits]) => `${type || '(no type)'} ${limits.map((l) => l || '–').join('/')}`)
        .join('; ') || 'none',
    carry: (from, into) => (into.perType = structuredClone(from.perType)),
  },
  choice('flagActions.label', 'Flag label', (v) => (typeof v === 'string' && v ? v : 'none')),
  choice('flagActions.comment', 'Comment when flagged', onOff),
  choice('dryRun', 'Dry run', onOff),
  choice('kill.transitionName', 'Kill transition', (v) =>
    typeof v === 'string' && v ? v : 'the first transition into a done status',
  ),
  choice('kill.resolutionName', 'Resolution', String),
  choice('entryGate.enabled', 'Block transitions under the threshold', onOff),
  choice('entryGate.requireHypothesis', 'Require a complete hypothesis', onOff),
  choice('outcomeEditors', 'Who may change outcomes', (v) =>
    v === 'editors' ? 'anyone who can edit issues' : 'project administrators',
  ),
];

export interface Rebased {
  form: SettingsForm;
  /** What the person changed, kept as they typed it over the newer settings. */
  kept: string[];
  /** What both changed, differently: the other person's value, which the person's replaces when they save. */
  replaced: Array<{ label: string; theirs: string; mine: string }>;
  /** What only the other person changed: now in the form. */
  taken: string[];
}

/**
 * The person's edits (`mine`, made on `base`) laid over the settings saved since (`latest`): each setting they
 * changed keeps their value, every other one takes the newer value.
 */
export function rebase(
  base: SettingsForm,
  mine: SettingsForm,
  latest: SettingsForm,
  mark: DecimalMark,
): Rebased {
  const form = structuredClone(latest);
  const result: Rebased = { form, kept: [], replaced: [], taken: [] };
  for (const part of FORM_PARTS) {
    const [was, ours, theirs] = [base, mine, latest].map((f) => part.sameness(f, mark));
    if (ours !== was) {
      part.carry(mine, form);
      result.kept.push(part.label);
      if (theirs !== was && theirs !== ours)
        result.replaced.push({ label: part.label, theirs: part.shown(latest), mine: part.shown(mine) });
    } else if (theirs !== was) result.taken.push(part.label);
  }
  return result;
}
