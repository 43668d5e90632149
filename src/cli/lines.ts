/** One line of input as the reader keeps it: at most `maxChars` of its text, and its true length. */
export interface InputLine {
  /** The whole line when it fits the limit; only its first `maxChars` characters when it does not. */
  text: string;
  /** How many characters the line has (UTF-16 code units, as `string.length` counts). */
  length: number;
  /** Nothing but white space, over its whole length (the part not kept included). */
  blank: boolean;
  /** Present when some of its bytes are not UTF-8 (read as U+FFFD): a U+FFFD written in the text is not this. */
  invalid?: true;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a stream into lines as readline does (after "\r\n", "\n" or a lone "\r"; a last line without a break
 * still counts), but keeps no more than `maxChars` characters of any line: a 300 MB line with no break costs
 * the reader its first `maxChars` characters and a count, not 300 MB. UTF-8 characters split across chunks are
 * decoded whole; bytes that are not UTF-8 become U+FFFD, as readline gives them, and mark the line `invalid`.
 * Each line is decoded on its own (its break bytes never occur inside a UTF-8 character), so a bad byte marks
 * only its line.
 */
export async function* readLines(
  input: AsyncIterable<string | Buffer>,
  maxChars: number,
): AsyncGenerator<InputLine> {
  let kept = '';
  let length = 0;
  let blank = true;
  let invalid = false;
  // Strict until the line's first byte that is not UTF-8, then lenient for the rest of it, from the bytes of a
  // character the strict one held back. The BOM is kept as text, as the reader did before (an export's first
  // line is told by it).
  let strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let held: Uint8Array = new Uint8Array(0);
  let lenient: TextDecoder | null = null;
  const decode = (bytes: Uint8Array, lineEnds: boolean): string => {
    if (!lenient) {
      const all = held.length > 0 ? Buffer.concat([held, bytes]) : bytes;
      try {
        const text = strict.decode(bytes, { stream: !lineEnds });
        held = lineEnds ? new Uint8Array(0) : incompleteTail(all);
        return text;
      } catch {
        invalid = true;
        lenient = new TextDecoder('utf-8', { ignoreBOM: true });
        strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
        held = new Uint8Array(0);
        bytes = all;
      }
    }
    const text = lenient.decode(bytes, { stream: !lineEnds });
    if (lineEnds) lenient = null;
    return text;
  };
  // A chunk that ended with "\r" has closed its line; a "\n" opening the next chunk is the same break.
  let afterCarriageReturn = false;

  const take = (piece: string) => {
    length += piece.length;
    if (blank && /\S/.test(piece)) blank = false;
    if (kept.length < maxChars) kept += piece.slice(0, maxChars - kept.length);
  };
  const endLine = (): InputLine => {
    const line: InputLine = { text: kept, length, blank, ...(invalid ? { invalid: true as const } : {}) };
    kept = '';
    length = 0;
    blank = true;
    invalid = false;
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

  function* splitBytes(bytes: Uint8Array): Generator<InputLine> {
    let from = 0;
    if (afterCarriageReturn && bytes[0] === LF) from = 1;
    afterCarriageReturn = false;
    for (let i = from; i < bytes.length; i++) {
      const b = bytes[i];
      if (b !== LF && b !== CR) continue;
      take(decode(bytes.subarray(from, i), true));
      yield endLine();
      if (b === CR && bytes[i + 1] === LF) i++;
      from = i + 1;
      if (bytes[i] === CR && from === bytes.length) afterCarriageReturn = true;
    }
    take(decode(bytes.subarray(from), false));
  }

  for await (const chunk of input) {
    if (typeof chunk === 'string') yield* split(chunk);
    else if (chunk.length > 0) yield* splitBytes(chunk);
  }
  // The last line's bytes, with a character cut short at the end of the input.
  take(decode(new Uint8Array(0), true));
  if (length > 0) yield endLine();
}

/** The bytes of a UTF-8 character begun at the end of `bytes` and not finished there (at most 3). */
function incompleteTail(bytes: Uint8Array): Uint8Array {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if (b < 0x80) break;
    if (b >= 0xc0) {
      const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return size > back ? bytes.slice(bytes.length - back) : new Uint8Array(0);
    }
  }
  return new Uint8Array(0);
}
