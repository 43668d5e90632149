import { StringDecoder } from 'node:string_decoder';

/** One line of input as the reader keeps it: at most `maxChars` of its text, and its true length. */
export interface InputLine {
  /** The whole line when it fits the limit; only its first `maxChars` characters when it does not. */
  text: string;
  /** How many characters the line has (UTF-16 code units, as `string.length` counts). */
  length: number;
  /** Nothing but white space, over its whole length (the part not kept included). */
  blank: boolean;
}

/**
 * Splits a stream into lines as readline does (after "\r\n", "\n" or a lone "\r"; a last line without a break
 * still counts), but keeps no more than `maxChars` characters of any line: a 300 MB line with no break costs
 * the reader its first `maxChars` characters and a count, not 300 MB. UTF-8 characters split across chunks are
 * decoded whole; bytes that are not UTF-8 become U+FFFD, as readline gives them.
 */
export async function* readLines(
  input: AsyncIterable<string | Buffer>,
  maxChars: number,
): AsyncGenerator<InputLine> {
  const decoder = new StringDecoder('utf8');
  let kept = '';
  let length = 0;
  let blank = true;
  // A chunk that ended with "\r" has closed its line; a "\n" opening the next chunk is the same break.
  let afterCarriageReturn = false;

  const take = (piece: string) => {
    length += piece.length;
    if (blank && /\S/.test(piece)) blank = false;
    if (kept.length < maxChars) kept += piece.slice(0, maxChars - kept.length);
  };
  const endLine = (): InputLine => {
    const line = { text: kept, length, blank };
    kept = '';
    length = 0;
    blank = true;
    return line;
  };
  function* split(text: string): Generator<InputLine> {
    let from = 0;
    if (afterCarriageReturn && text.startsWith('\n')) from = 1;
    afterCarriageReturn = false;
    const lineBreak = /\r\n|\n|\r/g;
    lineBreak.lastIndex = from;
    for (let m = lineBreak.exec(text); m; m = lineBreak.exec(text)) {
      take(text.slice(from, m.index));
      yield endLine();
      from = lineBreak.lastIndex;
      if (m[0] === '\r' && from === text.length) afterCarriageReturn = true;
    }
    take(text.slice(from));
  }

  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text) yield* split(text);
  }
  const rest = decoder.end();
  if (rest) yield* split(rest);
  if (length > 0) yield endLine();
}
