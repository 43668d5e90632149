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

/** Every field's label, as a regex source: story-sentences.ts reads a sentence that opens with one as expected. */
export const FIELD_LABEL_SRC = LABELS.map(([, src]) => src).join('|');

/**
 * A field's label where a line, a list item, a table cell or a sentence starts, then a colon; bold marks around it
 * ("**Metric:**") are passed over. Group 1 is the label; which field it is, is told by LABEL_OF. One run of spaces
 * per place, so a long run of them is read once.
 */
const FIELD_RE = new RegExp(
  String.raw`(?:^[ \t]*|\n[ \t]*|[.;|][ \t]+)(?:[-*•][ \t]*|\d{1,2}[.)][ \t]*)?(?:\*\*|__)?(${FIELD_LABEL_SRC})(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]*`,
  'gi',
);
const LABEL_OF = LABELS.map(([name, src]) => [name, new RegExp(`^(?:${src})$`, 'i')] as const);

/** What a field's value may not hold: a block is a few short lines, not a description. */
const MAX_VALUE_CHARS = 120;
/** How many blocks a text is read for. */
const MAX_BLOCKS = 5;

interface Field {
  name: FieldName;
  /** Where the field starts (its label, after the line's mark) and where its value ends. */
  start: number;
  end: number;
  value: string;
}

/** Every field in `text`, in order: a value runs to the end of its line, a "|", or where the next field starts. */
function fieldsIn(text: string): Field[] {
  const labels: Array<{ name: FieldName; start: number; valueStart: number }> = [];
  FIELD_RE.lastIndex = 0;
  for (let m = FIELD_RE.exec(text); m !== null; m = FIELD_RE.exec(text)) {
    const label = m[1]!.replace(/\s+/g, ' ');
    const name = LABEL_OF.find(([, re]) => re.test(label))?.[0];
    if (name !== undefined)
      labels.push({ name, start: m.index + m[0].indexOf(m[1]!), valueStart: m.index + m[0].length });
  }
  FIELD_RE.lastIndex = 0;
  return labels.map((label, i) => {
    // One longer than MAX_VALUE_CHARS is cut there, and refused as a block's value.
    const cap = Math.min(labels[i + 1]?.start ?? text.length, label.valueStart + MAX_VALUE_CHARS + 1);
    let end = label.valueStart;
    while (end < cap && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 124) end++;
    const value = text
      .slice(label.valueStart, end)
      .replace(/[\s.;,|*_]+$/, '')
      .trim();
    return { name: label.name, start: label.start, end, value };
  });
}

/** What may stand between two fields of a block: space, a list's or a table's marks, a field's last stop. */
const BETWEEN_FIELDS_RE = /^[\s.;,|*•_-]*(?:\d{1,2}[.)])?[\s*•_-]*$/;

/** The blocks: fields that follow one another, each name once, one of them a metric. */
function blocksIn(fields: Field[], text: string): Field[][] {
  const blocks: Field[][] = [];
  let block: Field[] = [];
  const close = () => {
    if (block.some((f) => f.name === 'metric') && blocks.length < MAX_BLOCKS) blocks.push(block);
    block = [];
  };
  for (const field of fields) {
    const previous = block[block.length - 1];
    if (
      previous &&
      (block.some((f) => f.name === field.name) ||
        !BETWEEN_FIELDS_RE.test(text.slice(previous.end, field.start)))
    )
      close();
    block.push(field);
  }
  close();
  return blocks;
}

/** A number the block states: "TBD", "n/a" or "unknown" for a baseline is none. */
const hasNumber = (value: string | undefined): value is string => value !== undefined && /\d/.test(value);

/** Words that make a target relative before its amount ("down 3 points") and after it ("10% lower"). */
const CHANGE_BEFORE = '(?:up|down|increase|decrease|reduce|raise|cut|grow|lower|higher)(?:\\s+by)?';
const CHANGE_AFTER = '(?:lower|higher|less|more|fewer|up|down|faster|quicker|shorter|sooner|slower|longer)';

/**
 * A target said as a change from the baseline: "+0.5 pp", "-10%", "10% lower", "down 3 points", "reduce by 5".
 * Group 1 is its sign or word before the amount, group 2 its word after.
 */
const RELATIVE_TARGET_RE = new RegExp(
  `^(?:([-+\u2212]|${CHANGE_BEFORE})\\s*)?\\d[^a-z]*(?:\\s*(?:pp|pts?|points?|percentage\\s+points?|percent|ms|s|secs?|seconds?|min(?:ute)?s?|h(?:ours?)?|days?)\\b)?\\s*(${CHANGE_AFTER})?$`,
  'i',
);

/** The sign or words that make a target relative (RELATIVE_TARGET_RE), to leave its amount. */
const RELATIVE_WORDS_RE = new RegExp(`^[-+\u2212]\\s*|^${CHANGE_BEFORE}\\s*|\\s*${CHANGE_AFTER}$`, 'gi');

/** A way that wants the number lower, or higher ("decrease", "-", "lower is better", "faster"). */
const WANTS_LOWER_RE =
  /^(?:[-\u2212]|decrease|down|reduce|lower|fall|drop|less|fewer|cut|faster|quicker|shorter|sooner)/i;
const WANTS_HIGHER_RE = /^(?:\+|increase|up|raise|higher|rise|grow|more|slower|longer)/i;

/**
 * "decrease", "down", "lower is better", "higher is worse", "-": the way a direction, or a relative target's sign
 * or word, names.
 */
function verbOf(way: string | undefined): string {
  if (way === undefined) return 'move';
  // "higher is worse" wants the number lower; "lower is worse" wants it higher.
  const worse = /\bworse\b/i.test(way);
  if (WANTS_LOWER_RE.test(way)) return worse ? 'rise' : 'fall';
  if (WANTS_HIGHER_RE.test(way)) return worse ? 'fall' : 'rise';
  return 'move';
}

/** A bound said in a target ("at least 2.6%", "no more than 3"): the target is its number. */
const TARGET_BOUND_RE =
  /^(?:at\s+least|at\s+most|no\s+(?:more|less|fewer)\s+than|minimum|maximum|min\.?|max\.?|up\s+to|[<>≤≥]=?)\s*/i;

/** The sentence a block stands for, or null when it states no number to move to or from. */
function sentenceOf(block: Field[]): string | null {
  const value = (name: FieldName) => block.find((f) => f.name === name)?.value || undefined;
  const metric = value('metric');
  const baseline = hasNumber(value('baseline')) ? value('baseline') : undefined;
  const target = hasNumber(value('target')) ? value('target')!.replace(TARGET_BOUND_RE, '') : undefined;
  if (metric === undefined || (baseline === undefined && target === undefined)) return null;
  if (block.some((f) => f.value.length > MAX_VALUE_CHARS)) return null;
  const relative = target === undefined ? null : RELATIVE_TARGET_RE.exec(target);
  const signed = relative !== null && (relative[1] !== undefined || relative[2] !== undefined);
  const from = baseline === undefined ? '' : ` from ${baseline}`;
  const verb = verbOf(signed ? (relative[1] ?? relative[2]) : value('direction'));
  // With no baseline, a direction said is kept ("to fall to 3%"); with none, the target is where to get to.
  const towards = verb === 'move' ? 'reach' : `${verb} to`;
  // A relative target is said as one ("to rise by 0.5 pp"), which the parser notes and computes no target from.
  const movement = signed
    ? `to ${verb} by ${target!.replace(RELATIVE_WORDS_RE, '')}${from}`
    : target === undefined
      ? `to ${verb}${from}`
      : baseline === undefined
        ? `to ${towards} ${target}`
        : `to ${verb}${from} to ${target}`;
  const checkBy = value('checkBy');
  return `We expect ${metric} ${movement}${checkBy ? ` by ${checkBy}` : ''}.`;
}

/**
 * The text with each block of expectation fields (a metric, and a baseline or a target, with at most a check-by
 * and a direction beside them, each once, in the first `maxChars` characters) rewritten as the sentence it stands
 * for; the text as it is when it has none.
 */
export function withFieldsAsSentence(text: string, maxChars: number): string {
  // Most texts have no colon at all, and are given back unread.
  if (!text.includes(':')) return text;
  const scanned = text.length > maxChars ? text.slice(0, maxChars) : text;
  let out = '';
  let at = 0;
  for (const block of blocksIn(fieldsIn(scanned), scanned)) {
    const sentence = sentenceOf(block);
    if (sentence === null) continue;
    out += `${text.slice(at, block[0]!.start)}${sentence}`;
    at = block[block.length - 1]!.end;
  }
  return at === 0 ? text : out + text.slice(at);
}
