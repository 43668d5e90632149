/**
 * Whether a text is written in a European language other than English, told by its small words: the recipe
 * detector's signals and learned words are English, so a German or French summary ("Kunden verlieren ihren
 * Warenkorb") would otherwise read as a bare noun phrase of work. Pure; the detector asks only of a text it would
 * flag, so the bench's many stories pay nothing for it.
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
const FOREIGN = new Set([...FOREIGN_WORDS].map(hashOf));
const ENGLISH = new Set([...ENGLISH_WORDS].map(hashOf));

/** True when the text's small words are mostly of another European language than English. */
export function readsAsAnotherLanguage(text: string): boolean {
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
    if (FOREIGN.has(h)) foreign++;
    else if (ENGLISH.has(h)) english++;
  }
  return foreign > english;
}
