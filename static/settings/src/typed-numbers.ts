/**
 * The settings typed as numbers. The page keeps each one as the text typed, so "0." on the way to "0.75" and a
 * cleared field survive, and reads it with the person's decimal mark only to judge it and to save it. What a
 * field's text does not read as says so at that field, in the words of the label the person sees.
 */
import { readTypedNumber, typedNumberText, type DecimalMark } from '../../../src/domain/amounts';
import { SCAN_PACING_RULES } from '../../../src/domain/scan-pacing';
import { SCORE_COMPONENT_LABELS } from '../../../src/domain/score-weights';
import type { Settings } from '../../../src/domain/settings';
import { setValueAt, valueAt } from './settings-path';

interface NumberRule {
  /** The field's name as the page shows it, without the range its label adds. */
  label: string;
  notNumber: string;
  /** Set when only whole numbers hold. */
  notWhole?: string;
}

const number = (label: string): NumberRule => ({ label, notNumber: `${label} must be a number.` });
const wholeNumber = (label: string, name = label): NumberRule => ({
  label,
  notNumber: `${name} must be a number.`,
  notWhole: `${name} must be a whole number.`,
});
const weight = (id: keyof typeof SCORE_COMPONENT_LABELS) =>
  wholeNumber(SCORE_COMPONENT_LABELS[id], `The weight of ${SCORE_COMPONENT_LABELS[id]}`);

/** Each number field by its settings path, which is also the key its errors are told under. */
export const NUMBER_RULES = {
  'weights.hypothesis': weight('hypothesis'),
  'weights.measurable': weight('measurable'),
  'weights.outcomeLink': weight('outcomeLink'),
  'weights.killCriteria': weight('killCriteria'),
  'weights.problemFraming': weight('problemFraming'),
  'weights.evidence': weight('evidence'),
  inheritedLinkShare: number('Epic link counts'),
  'zombie.defaults.maxIdleDays': wholeNumber('Max idle days'),
  'zombie.defaults.maxSprintsCarried': wholeNumber('Max sprints carried over'),
  'zombie.defaults.unlinkedMaxAgeDays': wholeNumber('Max age of unlinked work'),
  'entryGate.threshold': wholeNumber('Minimum score'),
  'scan.quotaShare': { label: 'Share of the hourly Jira quota', ...SCAN_PACING_RULES.quotaShare },
  'scan.fullRescanEveryDays': { label: 'Full rescan every', ...SCAN_PACING_RULES.fullRescanEveryDays },
} as const satisfies Record<string, NumberRule>;

export type NumberPath = keyof typeof NUMBER_RULES;
export type NumberTexts = Record<NumberPath, string>;
export const NUMBER_PATHS = Object.keys(NUMBER_RULES) as NumberPath[];

/** The settings' numbers as this person types them ("0.5", or "0,5" with a decimal comma). */
export function numberTexts(settings: Settings, mark: DecimalMark): NumberTexts {
  return Object.fromEntries(
    NUMBER_PATHS.map((path) => [path, typedNumberText(valueAt(settings, path) as number, mark)]),
  ) as NumberTexts;
}

/** A typed number, or NaN when the text is blank or no number. */
export function typedValue(text: string, mark: DecimalMark): number {
  return readTypedNumber(text, mark) ?? Number.NaN;
}

/** What is wrong with a field's text as a number, before any range: blank or no number, or a fraction. */
export function typedNumberProblem(path: NumberPath, text: string, mark: DecimalMark): string | undefined {
  const rule: NumberRule = NUMBER_RULES[path];
  const value = typedValue(text, mark);
  if (!Number.isFinite(value)) return rule.notNumber;
  if (rule.notWhole && !Number.isInteger(value)) return rule.notWhole;
  return undefined;
}

/**
 * The settings with the typed numbers read into them (NaN where a text is no number), and each field's problem
 * by its path: the settings are only sent when there is none.
 */
export function readNumbers(
  settings: Settings,
  texts: NumberTexts,
  mark: DecimalMark,
): { settings: Settings; problems: Partial<Record<NumberPath, string>> } {
  const read = structuredClone(settings);
  const problems: Partial<Record<NumberPath, string>> = {};
  for (const path of NUMBER_PATHS) {
    setValueAt(read, path, typedValue(texts[path], mark));
    const problem = typedNumberProblem(path, texts[path], mark);
    if (problem) problems[path] = problem;
  }
  return { settings: read, problems };
}
