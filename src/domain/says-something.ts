/**
 * Whether a part of what a product owner wrote says anything, or only fills the box ("x", "TBD", "lorem ipsum").
 * Its own module, free of the recipe detector and of zod, so every surface can apply the same rule: the hypothesis
 * checks judge a story's parts with it, and an outcome's metric is refused by it.
 */

/** A letter of any script, and a mark that belongs to one ("é" as e + U+0301, Devanagari vowel signs). */
const LETTER = /\p{L}/uy;
const MARK = /\p{M}/uy;

/**
 * How many letters the character at `i` adds to a run: 1 for a letter, `n` for a Han character (a word on its
 * own: Chinese words run one or two characters, unspaced), 2 for a Hangul syllable, 0 for a mark after a letter, -1 for anything else (a
 * space, a digit, an emoji). Judged by code point, so an emoji's two UTF-16 halves are not taken for letters.
 */
function letterWeight(text: string, i: number, c: number, run: number, n: number): number {
  // ASCII first: most text is, and it needs no regex.
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) ? 1 : -1;
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)) return n;
  // A Hangul block is a syllable of two or three letters: "대기" (waiting) is a word of two blocks.
  if (c >= 0xac00 && c <= 0xd7a3) return 2;
  // A joiner inside a word (Persian, Indic scripts) neither adds nor breaks.
  if (c === 0x200c || c === 0x200d) return run > 0 ? 0 : -1;
  LETTER.lastIndex = i;
  if (LETTER.test(text)) return 1;
  MARK.lastIndex = i;
  return run > 0 && MARK.test(text) ? 0 : -1;
}

/** True when the text has a run of at least `n` letters. One pass: the score runs this per story. */
export function hasWord(text: string, n: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const w = letterWeight(text, i, c, run, n);
    run = w < 0 ? 0 : run + w;
    if (run >= n) return true;
    // The second half of a pair was judged with the first.
    if (c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return false;
}

/**
 * A word that stands in for one: a letter or a letter repeated, in any script ("x", "aaa", "ψψψ"), "TBD", "test",
 * a key mash ("asdf", "qwerty", "zxcv", "qwe"), a run of the alphabet ("abc", "def", "xyz"), a programmer's or a
 * typesetter's filler ("foo", "lorem ipsum dolor"), or a pointer to words written elsewhere ("see above", "same as
 * above", "see description"): the part itself then says nothing.
 */
const PLACEHOLDER_WORDS =
  '(\\p{L}\\p{M}*)\\1*|tbd|tbc|tba|todo|n\\/?a|none|nothing|test(?:ing)?|asdf?\\w*|qwer?\\w*|zxcv?\\w*|hjkl|jkl|sdf|abcd?|def|ghi|xyz|foo|bar|baz|qux|lorem|ipsum|dolor|sit|amet|consectetur|adipiscing|elit|blah|something|stuff|etc|placeholder|ditto|' +
  'to\\s+be\\s+(?:decided|determined|defined|confirmed|clarified|discussed|added|written|done)|' +
  // "see the comments" is a want as much as a pointer: "see" points elsewhere only bare or when it says so.
  '(?:please\\s+)?see\\s+(?:above|below|attached|ticket|epic|parent|spec|jira|confluence|wiki|(?:the\\s+)?description)(?:\\s+for\\s+(?:details|more))?|' +
  '(?:as\\s+)?per\\s+(?:the\\s+)?(?:meeting|call|discussion|slack|e-?mail|jira|confluence)|' +
  // Said instead of an answer: a shrug, a promise to write it later, text that stands in for text.
  // "decide later" and "update later" are wants too (a shopper's, an app's update): only "will … later" is a promise.
  'not\\s+sure(?:\\s+yet)?|none\\s+yet|coming\\s+soon|fill(?:ed)?\\s+in(?:\\s+later)?|will\\s+(?:update|add|write|fill\\s+in)\\s+(?:it\\s+)?later|' +
  '(?:placeholder|dummy|sample)\\s+text|do\\s+the\\s+thing|make\\s+it\\s+work|why\\s+not|just\\s+because|the\\s+quick\\s+brown\\s+fox|' +
  '(?:please\\s+)?see\\s+(?:the\\s+)?(?:description|details|attach(?:ed|ments?)|comments?|ticket|epic|parent|summary|spec)\\s+(?:above|below|for\\s+(?:details|more))|' +
  '(?:please\\s+)?(?:refer\\s+to|cf\\.?)\\s+(?:the\\s+)?(?:above|below|description|details|attach(?:ed|ments?)|comments?|ticket|epic|parent|summary|spec)(?:\\s+(?:above|below))?(?:\\s+for\\s+(?:details|more))?|' +
  '(?:same\\s+)?as\\s+(?:above|below|before|described|discussed|mentioned)(?:\\s+(?:above|below))?';
/** A part that names no one and nothing: "it is better", "things happen", "it works". */
const SAYS_NOTHING_IN_PARTICULAR =
  '(?:it|this|that|things?|everything|stuff|all)\\s+(?:is|are|gets?|will\\s+be|works?|happens?|goes|improves?)(?:\\s+(?:better|good|great|nice|easier|fine|ok|okay|done|well|right|smoother))?[.!]?';
const SEPARATOR = `[\\s,.;:!?'"()]`;
/**
 * A part made only of stand-in words ("TBD", "lorem ipsum", "foo bar"), of punctuation ("...", "???"), or of
 * nothing in particular. One anchored test: the score asks this of every part several times a story, and a part
 * that says something fails at its first word.
 */
const PLACEHOLDER_PART = new RegExp(
  `^(?:${SEPARATOR}*(?:(?:${PLACEHOLDER_WORDS})(?:${SEPARATOR}+|(?=$)))+|\\.+|-+|\\?+|${SAYS_NOTHING_IN_PARTICULAR})$`,
  'iu',
);

/**
 * One token said again and again ("xyz xyz", "hello hello hello"): filling the box, not saying something. The
 * backreference is tried only on parts of at most 40 characters, so it stays cheap.
 */
const REPEATED_TOKEN = /^\s*([^\s,.;:!?]+)(?:[\s,.;:!?]+\1)+[\s,.;:!?]*$/i;

/** Each ASCII letter's key on a QWERTY keyboard: row * 16 + column, so keys of two rows are never one apart. */
const KEY_OF = new Int8Array(26);
['qwertyuiop', 'asdfghjkl', 'zxcvbnm'].forEach((row, r) => {
  for (let col = 0; col < row.length; col++) KEY_OF[row.charCodeAt(col) - 97] = r * 16 + col;
});

/** The key of the character at `i`, or -1 when it is not an ASCII letter. */
function keyAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  const lower = c | 32;
  return c < 128 && lower >= 97 && lower <= 122 ? KEY_OF[lower - 97]! : -1;
}

/**
 * A word made of a run along one keyboard row: at least four keys that follow one another in one direction, a key
 * pressed twice allowed ("sdfgh", "hjkkl", "poiuy"). Four keys, not three: "tree" and "poi" are such runs of three.
 * Real words fail at their first two letters, so this costs little.
 */
function isKeyRun(text: string, start: number, end: number): boolean {
  let keys = 1;
  let step = 0;
  for (let i = start + 1; i < end; i++) {
    const d = keyAt(text, i) - keyAt(text, i - 1);
    if (d === 0) continue;
    if ((d !== 1 && d !== -1) || (step !== 0 && d !== step)) return false;
    keys++;
    step = d;
  }
  return keys >= 4;
}

/**
 * A word that strikes a short run of neighbouring keys again and again, turning back or starting over: "jkjkjk",
 * "kjhkjh", "fghfgh", "asdasd", "dsadsa". The run is two to four keys along one row, each pressed once, and the
 * word is at least two of it. No word of the published stories is one ("poop" and "papa" are not runs).
 */
function isKeyRepeat(text: string, start: number, end: number): boolean {
  const n = end - start;
  for (let unit = 2; unit <= 4 && 2 * unit <= n; unit++) {
    let step = 0;
    let run = true;
    for (let i = start + 1; i < start + unit && run; i++) {
      const d = keyAt(text, i) - keyAt(text, i - 1);
      run = (d === 1 || d === -1) && (step === 0 || d === step);
      step = d;
    }
    if (!run) continue;
    let i = start + unit;
    while (i < end && (text.charCodeAt(i) | 32) === (text.charCodeAt(i - unit) | 32)) i++;
    if (i === end) return true;
  }
  return false;
}

/** A word of ASCII letters only that is a key mash: a run along one row, or a short run struck again and again. */
function isKeyMash(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (keyAt(text, i) < 0) return false;
  return isKeyRun(text, start, end) || isKeyRepeat(text, start, end);
}

/**
 * Words that stand in for one on their own, for parts of any length (fillerWords): the single words of
 * PLACEHOLDER_WORDS, typesetters' Latin beyond "lorem ipsum" (LOREM_WORDS), and words that only point at something
 * said elsewhere (POINTER_WORDS: "I want this, so that that").
 */
const FILLER_WORDS =
  'tbd tbc tba todo n/a na none nothing test testing hjkl jkl sdf abc abcd def ghi xyz foo bar baz qux lorem ipsum ' +
  'dolor sit amet consectetur adipiscing elit whatever something stuff etc placeholder ditto idk dunno hmm hmmm meh ' +
  'unknown unsure dummy fixme';
/** The words of PLACEHOLDER_WORDS that are a pattern, not a word: a letter repeated, key mashes, "blahblah". */
const FILLER_PATTERN = /^(?:(\p{L}\p{M}*)\1*|asdf?\w*|qwer?\w*|zxcv?\w*|(?:blah?)+)$/iu;
/**
 * The rest of the typesetters' Latin, after "lorem ipsum dolor sit amet, consectetur adipiscing elit": a part of
 * only these words says nothing. Its short words ("sed", "do", "ut", "in", "et") are words of other languages too,
 * so they count only in a part with one of its tells, the long ones.
 */
const LOREM_WORDS =
  'sed do ut et ad in ex ea id est non qui enim minim quis nisi duis aute irure velit esse nulla sint sunt culpa officia anim magna';
const LOREM_TELLS =
  'eiusmod tempor incididunt labore dolore aliqua veniam nostrud exercitation ullamco laboris aliquip commodo ' +
  'consequat reprehenderit voluptate cillum fugiat pariatur excepteur occaecat cupidatat proident deserunt mollit laborum';
/** Words that only point at something said elsewhere: a part of nothing else names nothing. */
const POINTER_WORDS = 'this that these those it them they thing things one such same here there so';
/**
 * Verbs that carry nothing of their own ("do", "get", "be able to"): with only pointers and filler beside them a part
 * names nothing ("do stuff", "be able to do it", "get things done"), as a part of pointers alone does.
 */
const EMPTY_VERBS = 'do does did done doing get gets got have has be been able can could to make';

/** What each word of the lists is: one lookup a word, as the score asks this of every part. */
type WordKind = 'filler' | 'lorem' | 'tell' | 'pointer';
const KIND_OF = new Map<string, WordKind>();
for (const [list, kind] of [
  [FILLER_WORDS, 'filler'],
  [LOREM_WORDS, 'lorem'],
  [LOREM_TELLS, 'tell'],
  [`${POINTER_WORDS} ${EMPTY_VERBS}`, 'pointer'],
] as const)
  for (const word of list.split(' ')) KIND_OF.set(word, kind);

/** What separates the words of a part, as PLACEHOLDER_PART's SEPARATOR and REPEATED_TOKEN read them. */
const WORD_BREAK = new Uint8Array(128);
for (const c of ' \t\n\r\f\v,.;:!?\'"()') WORD_BREAK[c.charCodeAt(0)] = 1;
const isWordBreak = (c: number): boolean => c < 128 && WORD_BREAK[c] === 1;

/** What a word of a part, lower case, is when it is no real word: one of the lists', a filler pattern, a key mash. */
function kindOfWord(lower: string, value: string, start: number, end: number): WordKind | null {
  const kind = KIND_OF.get(lower);
  if (kind !== undefined) return kind;
  return fillerPattern(lower) || isKeyMash(value, start, end) ? 'filler' : null;
}

/** The first three letters of a word, lower case (ASCII), as one number. */
const head3 = (w: string, i = 0) =>
  ((w.charCodeAt(i) | 32) << 16) | ((w.charCodeAt(i + 1) | 32) << 8) | (w.charCodeAt(i + 2) | 32);
/** Of FILLER_PATTERN's words: "asd", "qwe", "zxc", "bla". */
const PATTERN_HEADS = new Set(['asd', 'qwe', 'zxc', 'bla'].map((w) => head3(w)));
/** Of every listed word (KIND_OF) of three letters or more, and of FILLER_PATTERN's. */
const LISTED_HEADS = new Set([...KIND_OF.keys()].filter((w) => w.length >= 3).map((w) => head3(w)));
for (const head of PATTERN_HEADS) LISTED_HEADS.add(head);

/** The listed words of two letters ("in", "it", "na"), by their two letters, lower case (ASCII), as one number. */
const head2 = (w: string, i = 0) => ((w.charCodeAt(i) | 32) << 8) | (w.charCodeAt(i + 1) | 32);
const SHORT_KINDS = new Map(
  [...KIND_OF].filter(([w]) => w.length === 2).map(([w, kind]) => [head2(w), kind]),
);
const isAsciiLetter = (c: number) => c < 128 && (c | 32) >= 97 && (c | 32) <= 122;

/**
 * What kindOfWord would say of value[start, end), read without making it a string, for the words it can tell at
 * once; undefined for the rest (a word beyond ASCII, or one whose first letters are a listed word's). A word of one
 * letter is filler (FILLER_PATTERN's letter), one of two a listed word or none, and one of three letters or more
 * whose first three are no listed word's and whose first two differ is none unless it is a key mash. Most words of
 * a part that says something stop here.
 */
function quickKind(value: string, start: number, end: number): WordKind | null | undefined {
  const a = value.charCodeAt(start);
  const b = end - start > 1 ? value.charCodeAt(start + 1) : 0;
  if (a > 127 || b > 127) return undefined;
  if (end - start === 1) return isAsciiLetter(a) ? 'filler' : null;
  if ((a | 32) === (b | 32)) return undefined;
  if (end - start === 2) return SHORT_KINDS.get(head2(value, start)) ?? null;
  if (value.charCodeAt(start + 2) > 127 || LISTED_HEADS.has(head3(value, start))) return undefined;
  return isKeyMash(value, start, end) ? 'filler' : null;
}

/** Whether a word, lower case, is one of FILLER_PATTERN's; most words fail at their first letters, unread. */
function fillerPattern(lower: string): boolean {
  const c = lower.charCodeAt(0);
  const maybe =
    c >= 128 || lower.length === 1 || c === lower.charCodeAt(1) || PATTERN_HEADS.has(head3(lower));
  return maybe && FILLER_PATTERN.test(lower);
}

/** Whether value[a, a + n) and value[b, b + n) are one word, ASCII case aside. */
function sameWord(value: string, a: number, b: number, n: number): boolean {
  for (let k = 0; k < n; k++) {
    const [x, y] = [value.charCodeAt(a + k), value.charCodeAt(b + k)];
    if (x !== y && (x > 127 || y > 127 || (x | 32) !== (y | 32) || (x | 32) < 97 || (x | 32) > 122))
      return false;
  }
  return true;
}

/**
 * Whether every word of a part is filler, of any length: each a stand-in word (FILLER_WORDS, FILLER_PATTERN), a key
 * mash, a word of typesetters' Latin in a part that has one of its tells, or a word that only points elsewhere; or
 * one word said again and again ("asdf asdf asdf …", "whatever whatever"). 'pointer' when a pointing word or an
 * empty verb is among them and no typesetters' Latin: such a part says nothing, but its words are no filler ("so
 * that that", "do things"). One pass over the words, and a part that says something fails at its second word,
 * whatever its length.
 */
function fillerWords(value: string): 'filler' | 'pointer' | null {
  let words = 0;
  let [firstStart, firstLength] = [0, 0];
  let same = true;
  let lorem = false;
  let loremTell = false;
  let pointer = false;
  let allFiller = true;
  for (let i = 0; i < value.length;) {
    while (i < value.length && isWordBreak(value.charCodeAt(i))) i++;
    if (i >= value.length) break;
    let end = i;
    while (end < value.length && !isWordBreak(value.charCodeAt(end))) end++;
    words++;
    if (words === 1) [firstStart, firstLength] = [i, end - i];
    else if (same) same = end - i === firstLength && sameWord(value, firstStart, i, firstLength);
    if (allFiller) {
      const quick = quickKind(value, i, end);
      const kind = quick === undefined ? kindOfWord(value.slice(i, end).toLowerCase(), value, i, end) : quick;
      if (kind === null) allFiller = false;
      else if (kind === 'pointer') pointer = true;
      else if (kind !== 'filler') {
        lorem = true;
        if (kind === 'tell') loremTell = true;
      }
    }
    if (!allFiller && !same) return null;
    i = end;
  }
  if (words > 1 && same) return 'filler';
  if (words === 0 || !allFiller || (lorem && !loremTell)) return null;
  return pointer && !lorem ? 'pointer' : 'filler';
}

/**
 * Text a story template leaves for the owner to fill: "[persona]", "{role}", "<type of user>", "<some goal>", and
 * the template's bare words ("As a role, I want goal, so that benefit. We expect metric …"). "user" is left out:
 * "As a user" is vague, but it names someone.
 */
const TEMPLATE_SLOT =
  /^[[{<(]?\s*(?:(?:a|an|the|some|your|my|our|insert|enter)\s+)?(?:(?:type|kind|sort)\s+of\s+(?:user|customer|persona|role)|user\s+(?:type|role|persona)|persona|role|goal|action|benefit|reason|metric|kpi|outcome|intent|objective|desire|capability|feature|benefits|goals|actions|reasons|metrics)\s*[\]}>)]?$/i;
/** A part wholly in a template's brackets: "[who]", "{something to do}", "<why>". */
const IN_TEMPLATE_BRACKETS = /^(?:\[[^\]]*\]|\{[^}]*\}|<[^>]*>)$/;

/** The words a slot TEMPLATE_SLOT reads without brackets ends with: a part that ends otherwise is none. */
const SLOT_LAST_WORDS = new Set(
  (
    'persona role goal action benefit reason metric kpi outcome intent objective desire capability feature ' +
    'benefits goals actions reasons metrics user customer type'
  ).split(' '),
);
const LONGEST_SLOT_WORD = Math.max(...[...SLOT_LAST_WORDS].map((w) => w.length));
/** Their first three letters (head3): a last word that starts otherwise is none, and is not made a string. */
const SLOT_HEADS = new Set([...SLOT_LAST_WORDS].map((w) => head3(w)));

/**
 * Whether a UTF-16 code unit is one a regular expression's \s matches (white space and line terminators), told
 * by its code: a regex test per character costs a call into the engine, and a part's last word is read this way
 * for every part the score judges.
 */
export function isRegexSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** Whether TEMPLATE_SLOT could match `v` (trimmed): it starts or ends with a bracket, or its last word is a slot's. */
function mayBeSlot(v: string): boolean {
  if (isOpeningBracket(v.charCodeAt(0)) || isClosingBracket(v.charCodeAt(v.length - 1))) return true;
  // A last word longer than every slot's is none: it is read no further than that.
  const stop = Math.max(0, v.length - LONGEST_SLOT_WORD - 1);
  let start = v.length;
  while (start > stop && !isRegexSpace(v.charCodeAt(start - 1))) start--;
  return (
    (start === 0 || isRegexSpace(v.charCodeAt(start - 1))) &&
    v.length - start >= 3 &&
    SLOT_HEADS.has(head3(v, start)) &&
    SLOT_LAST_WORDS.has(v.slice(start).toLowerCase())
  );
}

/** [ { < ( and their closing marks: what a template's slot may be wrapped in. */
const isOpeningBracket = (c: number): boolean => c === 91 || c === 123 || c === 60 || c === 40;
const isClosingBracket = (c: number): boolean => c === 93 || c === 125 || c === 62 || c === 41;

/** True when a part is a story template's slot left as it was: "[persona]", "{action}", "<some goal>", "metric". */
export function isTemplateSlot(value: string): boolean {
  const v = value.trim();
  return (
    v.length > 0 && v.length <= 60 && mayBeSlot(v) && (TEMPLATE_SLOT.test(v) || IN_TEMPLATE_BRACKETS.test(v))
  );
}

// Filler runs short: the anchored patterns read parts of up to 40 characters; a longer part is filler only when
// every word is (fillerWords), which a part that says something fails at its first word.
export function isPlaceholder(value: string): boolean {
  return shortPlaceholder(value) || fillerWords(value) === 'filler';
}

/** A part of up to 40 characters that the anchored placeholder patterns read as one. */
function shortPlaceholder(value: string): boolean {
  return value.length <= 40 && (PLACEHOLDER_PART.test(value) || REPEATED_TOKEN.test(value));
}

/**
 * A part that names nothing, though its words are words: filler (isPlaceholder), a template's slot left as it was
 * ("[persona]", "goal"), or only words that point elsewhere ("this", "that").
 */
export function namesNothing(value: string): boolean {
  return shortPlaceholder(value) || fillerWords(value) !== null || isTemplateSlot(value);
}

/** The words every story of the form has, whatever it says: "As a …, I want to …, so that …. We expect …". */
const FORM_WORDS =
  /\b(?:as|an?|the|i|we|want|wants|need|needs|would|like|to|be|able|so|that|in|order|expect|expected|outcome)\b/gi;

/** True when a story says something beyond the words of its form ("As a , I want , so that ." says nothing). */
export function storySaysSomething(text: string | undefined | null): boolean {
  return saysSomething((text ?? '').slice(0, 4000).replace(FORM_WORDS, ' '));
}

/**
 * True when a part says something: a word of at least three letters, and not filler, a template's slot or only
 * words that point elsewhere (namesNothing).
 */
export function saysSomething(text: string | undefined | null): boolean {
  const value = (text ?? '').trim();
  return value !== '' && !namesNothing(value) && hasWord(value, 3);
}

/**
 * Why a metric's name names no number ("x", "TBD"), or null when it names one or is blank (blank is the
 * required-field rule's to say). An outcome is refused on it; a bet's metric is judged by betMetricProblem.
 */
export function metricNameProblem(metric: string): string | null {
  const name = metric.trim();
  if (!name || saysSomething(name)) return null;
  return isTemplateSlot(name)
    ? `${quotedShort(name)} is the template's placeholder, not a metric: name the number that should move.`
    : `${quotedShort(name)} is not a metric: name the number that should move.`;
}

/**
 * A word for "some number" that names none, numbered or not: "KPI 1", "KPI-1.", "Metric A", "Success", "OKR 2.1",
 * "our north-star metric", "Objective 1 (TBD)", "Kennzahl 1". "Success rate" or "KPI: weekly orders" name one.
 */
const STAND_IN_METRIC = new RegExp(
  '^(?:(?:the|our|a|an|main|key|primary|top|overall|first|second|third|some)\\s+)*(?:success\\s+)?' +
    '(?:kpis?|metrics?|measures?|success|numbers?|results?|outcomes?|impact|goals?|targets?|objectives?|okrs?|' +
    'key\\s+results?|krs?|north[\\s-]+star(?:\\s+metric)?|kennzahl(?:en)?|ziele?|m[eé]tricas?|objetivos?|' +
    'objectifs?|indicateurs?)' +
    '(?:[\\s_-]*#?\\d+(?:\\.\\d+)*|[\\s_-]+[a-z])?(?:\\s*\\((?:tbd|tbc|todo|\\?+)\\))?[\\s.:;!?]*$',
  'i',
);

/** True when a bet's metric names which number should move: it says something, and is no stand-in for a metric. */
export function namesBetMetric(metric: string | undefined | null): boolean {
  return saysSomething(metric) && !STAND_IN_METRIC.test(metric!.trim());
}

/**
 * metricNameProblem for the metric of a bet, which also may not stand in for one ("KPI 1"). An outcome's metric is
 * held to this only when set or changed: outcomes stored under such a name must stay editable, and measurements
 * find their outcome by its metric's name, so renaming one would split its series.
 */
export function betMetricProblem(metric: string): string | null {
  // A name that says nothing is metricNameProblem's to say; one that says something is judged only as a stand-in.
  const problem = metricNameProblem(metric);
  if (problem !== null || !STAND_IN_METRIC.test(metric.trim())) return problem;
  return `${quotedShort(metric)} names no metric in particular: say which number should move, e.g. "weekly orders".`;
}

/**
 * Text a message quotes, in quotes and cut short (40 characters, by code point so an emoji is not cut in half):
 * what says nothing may be a long run of letters, emoji or digits, which would run past the field.
 */
export function quotedShort(text: string): string {
  const value = text.trim();
  const chars = Array.from(value);
  return `"${chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : value}"`;
}
