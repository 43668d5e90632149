/**
 * Whether a text is written in a language other than English, told by its script or, in Latin letters, by its
 * small words (German, French, Spanish, Dutch, Portuguese, Italian): the recipe detector's signals and learned
 * words are English, so a German summary ("Kunden verlieren ihren Warenkorb") would otherwise read as a bare noun
 * phrase of work, and a Japanese one as its numbers. Pure; the detector asks only of a text it would flag, so the
 * bench's many stories pay nothing for it.
 */
import { FNV_OFFSET, fnv } from './recipe-features';

/**
 * Function words of German, French, Spanish, Dutch, Portuguese and Italian that an English backlog does not use:
 * "die", "van", "was", "will", "an", "in", "so", "no" are English words, and "os", "com", "non", "per", "mit",
 * "del", "des", "du", "su", "la", "el", "los" name things in one (an OS, ".com", MIT, the DEL key, Los Angeles).
 */
const FOREIGN_WORDS = new Set(
  (
    'der das und ist nicht ein eine einen einem einer für fuer auf ihren ihre ihr werden wird sind kann können ' +
    'koennen bei oder wenn zu sich auch nach vom zum zur über ueber beim durch wir sie ich noch nur wie keine kein ' +
    'gibt ' +
    'les est pour dans leur leurs une aux avec sur qui que sont cette nous vous ils elles mais être peut très ' +
    'sus una por como pero más están estan puede cuando también muy ' +
    'het een niet voor hun zijn wordt worden ook bij naar deze dit wij kunnen geen maar ' +
    'não nao seu sua pelo pela ' +
    'gli della che sono nel nella alla questo questa'
  ).split(' '),
);

/** English function words: a text with more of these than of the others is English, whatever names it holds. */
const ENGLISH_WORDS = new Set(
  (
    'the a an to of and is are for on with that it be as we i you this not can when should from by or at have will ' +
    'was in so my our their they does do if but all no'
  ).split(' '),
);

/** Words read: a summary and the start of a description say which language they are in. */
const WORDS_READ = 200;
/** The longest of the small words ("koennen"): a longer word is counted as read and not looked up. */
const LONGEST = 8;

/** A letter of a word: ASCII letters, an apostrophe, and any letter past ASCII's (ü, é, ñ, ß…). */
function inWord(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    c === 39 ||
    c === 0x2019 ||
    (c >= 0xc0 && c !== 0xd7 && c !== 0xf7)
  );
}

const isCapital = (c: number) => (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde && c !== 0xd7);

/** A letter in lower case, for the capitals of ASCII and of Latin-1 ("Für" is "für"). */
function lower(c: number): number {
  return isCapital(c) ? c + 32 : c;
}

/**
 * Words are looked up by an FNV-1a hash of their lower-case letters, so reading a text makes no string: the
 * detector asks this of every text it would flag. A 32-bit hash that a longer word shares by chance with one of
 * these few dozen is rare, and tips a count by one.
 */
const hashOf = (word: string) => {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = fnv(h, lower(word.charCodeAt(i)));
  return h;
};
/** Each listed word's language by its hash, another language's winning a tie, as the count reads them. */
const FOREIGN = 1;
const ENGLISH = 2;
const LANGUAGE_OF = new Map<number, number>([
  ...[...ENGLISH_WORDS].map((word) => [hashOf(word), ENGLISH] as const),
  ...[...FOREIGN_WORDS].map((word) => [hashOf(word), FOREIGN] as const),
]);
/** LANGUAGE_OF's hashes by their low bits: most words of a text are listed in neither, and cost one array read. */
const SLOT_MASK = (1 << 12) - 1;
const LISTED_SLOTS = new Uint8Array(SLOT_MASK + 1);
for (const hash of LANGUAGE_OF.keys()) LISTED_SLOTS[hash & SLOT_MASK] = 1;

/** Characters read for the script a text is written in. */
const SCRIPT_CHARS_READ = 2_000;

/**
 * A letter of a script other than Latin: Greek, Cyrillic, Hebrew, Arabic, Devanagari, Thai, Hangul, kana and CJK
 * ideographs (and their fullwidth forms' neighbours).
 */
function otherScript(c: number): boolean {
  return (
    (c >= 0x370 && c <= 0x6ff) ||
    (c >= 0x900 && c <= 0xe7f) ||
    (c >= 0x1100 && c <= 0x11ff) ||
    (c >= 0x3040 && c <= 0x30ff) ||
    (c >= 0x3400 && c <= 0x9fff) ||
    (c >= 0xac00 && c <= 0xd7af)
  );
}

/** Any of otherScript's letters: ranges of code points, some of them combining marks, none combined with another. */
// eslint-disable-next-line no-misleading-character-class
const ANOTHER_SCRIPT = /[\u0370-\u06ff\u0900-\u0e7f\u1100-\u11ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;

/** A letter of the Latin script: ASCII's and those of Latin-1 and Latin Extended. */
const latinLetter = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);

/**
 * True when most of a text's letters are of another script than Latin ("カート離脱率を40%から30%に下げる"): its
 * words are none the detector learned, whatever English names or numbers it holds.
 */
function inAnotherScript(text: string): boolean {
  // Most texts hold no letter of another script, which one test tells without counting.
  if (!ANOTHER_SCRIPT.test(text)) return false;
  let latin = 0;
  let other = 0;
  for (let i = 0; i < text.length && i < SCRIPT_CHARS_READ; i++) {
    const c = text.charCodeAt(i);
    if (latinLetter(c)) latin++;
    else if (otherScript(c)) other++;
  }
  return other > latin;
}

/**
 * True when the text is written in another language than English: mostly in another script, or its small words
 * mostly of another European language.
 */
export function readsAsAnotherLanguage(text: string): boolean {
  if (inAnotherScript(text)) return true;
  let foreign = 0;
  let english = 0;
  let read = 0;
  for (let i = 0; i < text.length && read < WORDS_READ;) {
    if (!inWord(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    let h = FNV_OFFSET;
    for (; i < text.length && inWord(text.charCodeAt(i)); i++) h = fnv(h, lower(text.charCodeAt(i)));
    read++;
    // An acronym ("AUX", "EST", "DAS") names a thing in any language: only words in lower case, or capitalised,
    // count.
    if (i - start > LONGEST || (i - start > 1 && isCapital(text.charCodeAt(start + 1)))) continue;
    if (LISTED_SLOTS[h & SLOT_MASK] === 0) continue;
    const language = LANGUAGE_OF.get(h);
    if (language === FOREIGN) foreign++;
    else if (language === ENGLISH) english++;
  }
  return foreign > english;
}
