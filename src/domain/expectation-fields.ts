/**
 * An expectation pasted as fields, one to a line or a sentence, as hypothesis templates lay it out:
 *
 *   Metric: checkout conversion
 *   Baseline: 2.1%
 *   Target: 2.6%
 *   Check by: 31 March 2027
 *
 * The story parser reads movements said in a sentence; such a block is rewritten into the sentence it stands for
 * ("We expect checkout conversion to move from 2.1% to 2.6% by 31 March 2027.") and read as one, so its numbers,
 * units and dates are read by the same rules. Pure: no I/O, no clock.
 */

/** The fields, by what each label names. */
type FieldName = 'metric' | 'baseline' | 'target' | 'checkBy' | 'direction';

const LABELS: ReadonlyArray<[FieldName, string]> = [
  ['metric', String.raw`(?:success\s+|primary\s+|key\s+)?(?:metric|kpi|measure)(?:\s+name)?`],
  [
    'baseline',
    String.raw`baseline(?:\s+value)?|current(?:\s+value)?|today(?:['’]s\s+value)?|starting\s+point`,
  ],
  ['target', String.raw`target(?:\s+value)?|goal|expected(?:\s+value)?`],
  [
    'checkBy',
    String.raw`check[\s-]?by(?:\s+date)?|check\s+date|review\s+(?:date|by)|measure(?:d)?\s+(?:by|on)|deadline|due(?:\s+date)?|by\s+when`,
  ],
  ['direction', String.raw`direction`],
];

/**
 * A field's label where a line, a list item or a sentence starts, then a colon. Group 1 is the label; which field
 * it is, is told by LABEL_OF.
 */
const FIELD_RE = new RegExp(
  String.raw`(?:^|\n|[.;]\s+)[ \t]*(?:[-*•]\s*|\d{1,2}[.)]\s*)?(${LABELS.map(([, src]) => src).join('|')})\s*:[ \t]*`,
  'gi',
);
const LABEL_OF = LABELS.map(([name, src]) => [name, new RegExp(`^(?:${src})$`, 'i')] as const);

/** What a field's value may not hold: a block is a few short lines, not a description. */
const MAX_VALUE_CHARS = 120;

interface Field {
  name: FieldName;
  /** Where the field starts (its label, after the line's mark) and where its value ends. */
  start: number;
  end: number;
  value: string;
}

/**
 * The fields from the first metric's on, at most one of each name after it: the block. A value runs to the end of
 * its line or to where the next field starts; one longer than MAX_VALUE_CHARS is cut there (and refused later).
 * Labels are looked for in the first `maxChars` characters only, and each value is read no further than its cap,
 * so a long text costs one pass.
 */
function blockIn(text: string, maxChars: number): Field[] {
  const labels: Array<{ name: FieldName; start: number; valueStart: number }> = [];
  FIELD_RE.lastIndex = 0;
  for (let m = FIELD_RE.exec(text); m !== null && m.index < maxChars; m = FIELD_RE.exec(text)) {
    const label = m[1]!.replace(/\s+/g, ' ');
    const name = LABEL_OF.find(([, re]) => re.test(label))?.[0];
    if (name === undefined || (labels.length === 0 && name !== 'metric')) continue;
    if (labels.some((l) => l.name === name)) break;
    labels.push({ name, start: m.index + m[0].indexOf(m[1]!), valueStart: m.index + m[0].length });
  }
  FIELD_RE.lastIndex = 0;
  const block: Field[] = [];
  for (const [i, label] of labels.entries()) {
    // The fields follow one another, with only list marks between: a line of something else ends the block.
    const previous = block[block.length - 1];
    if (previous && !BETWEEN_FIELDS_RE.test(text.slice(previous.end, label.start))) break;
    const cap = Math.min(labels[i + 1]?.start ?? text.length, label.valueStart + MAX_VALUE_CHARS + 1);
    let end = label.valueStart;
    while (end < cap && text.charCodeAt(end) !== 10) end++;
    const value = text
      .slice(label.valueStart, end)
      .replace(/[\s.;,]+$/, '')
      .trim();
    block.push({ name: label.name, start: label.start, end, value });
  }
  return block;
}

/** What may stand between two fields of a block: space, a list's marks, the punctuation that ends a field. */
const BETWEEN_FIELDS_RE = /^[\s.;,*•-]*(?:\d{1,2}[.)])?[\s*•-]*$/;

/** "decrease", "down", "lower is better": the way a direction field names. */
function verbOf(direction: string | undefined): string {
  if (direction === undefined) return 'move';
  if (/^(?:decrease|down|reduce|lower|fall|drop|less)/i.test(direction)) return 'fall';
  if (/^(?:increase|up|raise|higher|rise|grow|more)/i.test(direction)) return 'rise';
  return 'move';
}

/**
 * The text with its first block of expectation fields (a metric, and a baseline or a target, with at most a
 * check-by and a direction beside them, each once, in the first `maxChars` characters) rewritten as the sentence
 * it stands for; the text as it is when it has none.
 */
export function withFieldsAsSentence(text: string, maxChars: number): string {
  // Most texts have no colon at all, and are given back unread.
  if (!text.includes(':')) return text;
  const block = blockIn(text, maxChars);
  if (block.length === 0) return text;
  const value = (name: FieldName) => block.find((f) => f.name === name)?.value || undefined;
  const [metric, baseline, target] = [value('metric'), value('baseline'), value('target')];
  // A baseline or a target is a number ("Goal: happier shoppers" is none), and every value is short.
  if (
    metric === undefined ||
    (baseline === undefined && target === undefined) ||
    [baseline, target].some((v) => v !== undefined && !/\d/.test(v)) ||
    block.some((f) => f.value.length > MAX_VALUE_CHARS)
  )
    return text;
  const checkBy = value('checkBy');
  const movement =
    baseline === undefined
      ? `to reach ${target}`
      : target === undefined
        ? `to ${verbOf(value('direction'))} from ${baseline}`
        : `to ${verbOf(value('direction'))} from ${baseline} to ${target}`;
  const sentence = `We expect ${metric} ${movement}${checkBy ? ` by ${checkBy}` : ''}.`;
  const first = block[0]!;
  const last = block[block.length - 1]!;
  return `${text.slice(0, first.start)}${sentence}${text.slice(last.end)}`;
}
