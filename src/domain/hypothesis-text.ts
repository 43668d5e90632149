/**
 * The hypothesis as words a Jira description can hold: "As a shopper, I want …, so that …. We expect …", and
 * the description that results when the owner replaces the old one with it or puts it on top. Pure: the panel's
 * service writes the result to Jira as the user.
 */
import { amountText, type DecimalMark } from './amounts';
import { toPlainText, type AdfNode } from './plain-text';
import type { ExpectedOutcome, Hypothesis } from './schemas';

export type DescriptionChange = 'replace' | 'prefix';

const NAMES_A_THING =
  /^(?:a|an|the|my|our|your|their|his|her|its|some|any|all|more|fewer|less|no|this|that|these|those|each|every)\s/i;
/** An acronym or a name ("RFID tags", "IoT sensors") or a plural ("QR codes", "Push notifications"): a thing. */
const STARTS_WITH_A_NAME = /^(?:[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b|[A-Za-z]+[^\WsSuU]s\s)/;
/** A want that is a wanting of its own ("don't want to re-enter …", "never want to lose …"): it takes "I" alone. */
const OWN_WANTING =
  /^(?:(?:do\s+not|don['’]t|never|would\s+never|also)\s+want|would\s+(?:like|love)|need\s+to|wish\s+(?:to|for))\b(?!-)/i;
/** Words a verb-led want rarely opens with: a quality ("faster checkout") or an amount ("one-click …", "2FA"). */
const DESCRIBES_A_THING =
  /^(?:\d|(?:faster|quicker|better|easier|simpler|cheaper|clearer|smarter|safer|richer|smoother|shorter|fewer|most|least|best|fastest|easiest|new|same|other|automatic|instant|real-time|online|offline|personal|personalised|personalized|custom|single|one|two|three|wish\s*lists?)\b)/i;
/** Verbs made with a prefix and a hyphen ("re-enter", "pre-fill", "auto-save"): still what the user does. */
const HYPHENATED_VERB = /^(?:re|pre|auto|co|double|un|e|self|bulk|cross|multi)-/i;
/** Verbs that end like a participle: "embed a chart" is what the user does, "saved carts" a thing. */
const VERBS_ENDING_IN_ED =
  /^(?:embed|feed|need|seed|shred|speed|proceed|succeed|exceed|shed|bleed|breed|wed)$/i;
/** A noun that opens a want ("access to my orders", "visibility of stock"): the word after it gives it away. */
const NOUN_THEN_PREPOSITION = /^[a-z]+(?:tion|ment|ness|ity|ance|ence|ship)\s+(?:of|over|into|on)\s/i;
const ACCESS_TO =
  /^(?:access|visibility|insight|insights|support|control|feedback|help|guidance|alerts?|reminders?)\s+(?:to|of|for|into|over|on|about)\s/i;

/** Whether the want names a thing wanted rather than what the user does, judged by its first word or two. */
function namesAThing(want: string): boolean {
  if (NAMES_A_THING.test(want) || STARTS_WITH_A_NAME.test(want) || DESCRIBES_A_THING.test(want)) return true;
  if (ACCESS_TO.test(want) || NOUN_THEN_PREPOSITION.test(want)) return true;
  const first = /^[^\s,;:]+/.exec(want)?.[0] ?? '';
  if (first.includes('-') && !HYPHENATED_VERB.test(first)) return true;
  return /[a-z]ed$/i.test(first) && !VERBS_ENDING_IN_ED.test(first);
}

/**
 * What goes between "I want" and a want: "to " before what the user does ("I want to see my orders"), nothing
 * before a thing ("I want a Save button", "I want QR codes", "I want faster checkout") or a want that has its own
 * "to".
 */
export function toBeforeWant(want: string): '' | 'to ' {
  return /^to\s/i.test(want) || namesAThing(want) ? '' : 'to ';
}

/** "I want to see …", "I want faster checkout", and "I don't want to re-enter …" as the owner wrote it. */
function wantClause(intent: string): string {
  // Said in the owner's own first person ("I would prefer to …", "I don't want to …"): kept as written.
  if (/^i\s/i.test(intent)) return `I${intent.slice(1)}`;
  if (OWN_WANTING.test(intent)) return `I ${intent}`;
  return `I want ${toBeforeWant(intent)}${intent}`;
}

/** Words whose first letter is a vowel but whose sound is not ("user", "one-off"), and the reverse ("hour"). */
const VOWEL_LETTER_CONSONANT_SOUND =
  /^(?:u(?:ni(?:que|form|on|t|vers|fied|lateral|code|corn|cycle)|s[aeiu]|t[aeiou]|r[aeiou]|k\b)|eu|one\b|once\b)/i;
const SILENT_H = /^(?:hour|honest|honou?r|heir)/i;

/** Letters whose spoken name starts with a vowel sound: "an SRE", "an MBA student", "an X-ray technician". */
const VOWEL_SOUND_LETTER = /^[AEFHILMNORSX]/;
/**
 * An initialism read letter by letter ("SRE", "HR manager"), or a letter joined by a hyphen ("X-ray"). Longer runs
 * of capitals are mostly said as words ("NASA", "SCRUM", a persona typed in capitals): judged as words.
 */
const SPELLED_LETTERS = /^(?:[A-Z]{2,3}(?![A-Za-z])|[A-Z]-)/;
/** Numbers said with a vowel first: eight, eleven, eighteen, eighty…, eight hundred… ("an 8-year-old"). */
const VOWEL_SOUND_NUMBER = /^(?:8\d{0,2}|11|18)(?![\d.,])/;

/** "a shopper", "an online shopper", "a user", "an hourly worker", "an SRE", an article the owner wrote kept. */
function withArticle(persona: string): string {
  if (/^(?:a|an|the|my|our|their|your)\s/i.test(persona)) return persona;
  const vowelSound = SPELLED_LETTERS.test(persona)
    ? VOWEL_SOUND_LETTER.test(persona)
    : /^\d/.test(persona)
      ? VOWEL_SOUND_NUMBER.test(persona)
      : SILENT_H.test(persona) || (/^[aeiou]/i.test(persona) && !VOWEL_LETTER_CONSONANT_SOUND.test(persona));
  return `${vowelSound ? 'an' : 'a'} ${persona}`;
}

/**
 * A field typed with the template's own words ("As a shopper", "I want to compare", "so that I save") loses
 * them: the sentence puts them in, and would say them twice.
 */
const TEMPLATE_PERSONA = /^as\s+(?=\S)/i;
const TEMPLATE_WANT = /^i\s+(?:want|need)\s+(?=\S)/i;
const TEMPLATE_BENEFIT = /^so\s+that\s+(?=\S)/i;

/** "As a shopper, I want to bookmark items in the cart, so that I can come back and finish." */
export function hypothesisSentence(h: Hypothesis): string {
  const persona = (h.persona ?? '').trim().replace(TEMPLATE_PERSONA, '');
  const intent = (h.intent ?? '')
    .trim()
    .replace(/[.!?]+$/, '')
    .replace(TEMPLATE_WANT, '');
  const benefit = (h.benefit ?? '')
    .trim()
    .replace(/[.!?]+$/, '')
    .replace(TEMPLATE_BENEFIT, '');
  return `As ${withArticle(persona)}, ${wantClause(intent)}${benefit ? `, so that ${benefit}` : ''}.`;
}

/**
 * One expectation in words, "cart drop-off to fall from 40% to 30% by 2027-03-01" ("a metric" when it names
 * none). A currency is written before its amount ("$40"), every other unit after it ("40%", "800ms").
 */
export function movementPhrase(e: ExpectedOutcome, mark: DecimalMark = '.'): string {
  const amount = (n: number) => amountText(n, e.unit, mark);
  const move = e.direction === 'decrease' ? 'to fall' : e.direction === 'increase' ? 'to rise' : 'to move';
  const from = e.baseline !== undefined ? ` from ${amount(e.baseline)}` : '';
  const to = e.target !== undefined ? ` to ${amount(e.target)}` : '';
  const by = e.checkBy ? ` by ${e.checkBy}` : '';
  return `${e.metric ?? 'a metric'} ${move}${from}${to}${by}`;
}

/** "We expect cart drop-off to fall from 40% to 30% by 2027-03-01." */
export function expectationSentence(e: ExpectedOutcome): string | null {
  return e.metric ? `We expect ${movementPhrase(e)}.` : null;
}

const paragraph = (text: string): AdfNode => ({ type: 'paragraph', content: [{ type: 'text', text }] });

/** The paragraphs of the hypothesis and of every expectation. */
export function hypothesisParagraphs(h: Hypothesis, expected: ExpectedOutcome[]): AdfNode[] {
  const expectations = expected.map(expectationSentence).filter((s): s is string => s !== null);
  return [
    paragraph(hypothesisSentence(h)),
    ...(expectations.length ? [paragraph(expectations.join(' '))] : []),
  ];
}

/** The content of a description as ADF blocks: an ADF document's own, or a wiki text's paragraphs. */
function blocksOf(description: string | AdfNode | null): AdfNode[] {
  if (description === null) return [];
  if (typeof description === 'object' && description.type === 'doc' && Array.isArray(description.content))
    return description.content;
  const text = toPlainText(description);
  return text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map(paragraph);
}

/** A block's plain text: what a lead is recognised by, whatever ids Jira adds to it. */
const blockText = (n: AdfNode) => toPlainText({ type: 'doc', content: [n] }).trim();

/** A paragraph of text as the app writes it: no link, emphasis or mention a person added to its words. */
const asWritten = (n: AdfNode) =>
  n.type === 'paragraph' && (n.content ?? []).every((c) => c.type === 'text' && !(c.marks ?? []).length);

/** The texts of the paragraphs describeWithHypothesis writes: kept, to know them as the app's own later. */
export function leadTexts(h: Hypothesis, expected: ExpectedOutcome[]): string[] {
  return hypothesisParagraphs(h, expected).map(blockText);
}

/**
 * The blocks below a lead of paragraphs with the texts of one of `leads` and its rule, or none when the
 * description is that lead alone (after a replace); the blocks as they are when it starts with none of them. A lead
 * edited by hand, in its words or their formatting (a link added), no longer matches, so what a person wrote is
 * never taken for it.
 */
function withoutLead(blocks: AdfNode[], leads: string[][]): AdfNode[] {
  for (const texts of leads) {
    const starts =
      texts.length > 0 &&
      blocks.length >= texts.length &&
      texts.every((t, i) => asWritten(blocks[i]!) && blockText(blocks[i]!) === t);
    if (!starts) continue;
    if (blocks.length === texts.length) return [];
    // Followed by a paragraph rather than its rule, it is not this lead (a person went on writing, or a longer one).
    if (blocks[texts.length]!.type === 'rule') return blocks.slice(texts.length + 1);
  }
  return blocks;
}

/**
 * The description after the change: the hypothesis alone (replace), or the hypothesis, a rule, and the old
 * description kept below it (prefix). A lead the app put there before, this hypothesis (a retried request) or one
 * of `earlierLeads` (the texts it wrote before the hypothesis was edited: several when a change Jira did not
 * confirm may still land), is replaced, not stacked.
 */
export function describeWithHypothesis(
  h: Hypothesis,
  expected: ExpectedOutcome[],
  current: string | AdfNode | null,
  change: DescriptionChange,
  earlierLeads: string[][] = [],
): AdfNode & { version: 1 } {
  const lead = hypothesisParagraphs(h, expected);
  const below = change === 'prefix' ? withoutLead(blocksOf(current), [lead.map(blockText)]) : [];
  const kept = withoutLead(below, earlierLeads);
  return {
    type: 'doc',
    version: 1,
    content: kept.length ? [...lead, { type: 'rule' }, ...kept] : lead,
  };
}

/**
 * The most characters Jira keeps in a text field such as the description. A longer one is refused with a 400:
 * `CONTENT_LIMIT_EXCEEDED` from REST v3 (Atlassian's JRACLOUD-78553), "It exceeds the allowed limit of 32,767
 * characters" from v2. Jira counts the text as it stores it, formatting included, so textLength is a floor of it.
 */
export const JIRA_TEXT_LIMIT = 32_767;

/** The blocks that hold text: Jira's stored form starts each on a line of its own. */
const TEXT_BLOCKS: ReadonlySet<string> = new Set(['paragraph', 'heading', 'codeBlock']);

/**
 * The characters of a description's text, code blocks included (toPlainText leaves code out), with one for each
 * line break between text blocks or inside one: what Jira counts, less its formatting, so a description over the
 * limit by this count is surely refused. Walked with a stack: a deeply nested document cannot overflow the call stack.
 */
export function textLength(description: string | AdfNode | null): number {
  if (description === null) return 0;
  if (typeof description === 'string') return description.length;
  let length = 0;
  let blocks = 0;
  const stack: AdfNode[] = [description];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (typeof node.text === 'string') length += node.text.length;
    else if (node.type === 'hardBreak') length += 1;
    else if (TEXT_BLOCKS.has(node.type)) blocks += 1;
    if (Array.isArray(node.content))
      for (const child of node.content) if (typeof child === 'object' && child !== null) stack.push(child);
  }
  return length + Math.max(0, blocks - 1);
}
