import { Readable } from 'node:stream';
import { readLines, type InputLine } from '../../src/cli/lines';
import { MAX_LINE_CHARS } from '../../src/cli/main';

async function linesOf(chunks: Iterable<string | Buffer> | AsyncIterable<string | Buffer>, max = 10) {
  const out: InputLine[] = [];
  for await (const line of readLines(Readable.from(chunks, { objectMode: true }), max)) out.push(line);
  return out;
}

describe('readLines', () => {
  it('splits where readline does: \\n, \\r\\n (even across chunks), a lone \\r, and a last line with no break', async () => {
    const lines = await linesOf(['one\ntwo\r', '\nthree\rfour\r\n', '\nsix']);
    expect(lines.map((l) => l.text)).toEqual(['one', 'two', 'three', 'four', '', 'six']);
    expect(lines.map((l) => l.blank)).toEqual([false, false, false, false, true, false]);
    expect(await linesOf(['a\n'])).toEqual([{ text: 'a', length: 1, blank: false }]);
  });

  it('keeps the blank line after a "\\r\\n" that ends a chunk of bytes when the next chunk opens with "\\n"', async () => {
    const lines = await linesOf([Buffer.from('one\r\n'), Buffer.from('\ntwo\r'), Buffer.from('\nthree')]);
    expect(lines.map((l) => l.text)).toEqual(['one', '', 'two', 'three']);
  });

  it('decodes a UTF-8 character whose bytes arrive in two chunks, and marks bytes that are not UTF-8', async () => {
    const euro = Buffer.from('12 €\n');
    const lines = await linesOf([euro.subarray(0, 4), euro.subarray(4), Buffer.from([0x61, 0xff, 0x0a])]);
    expect(lines.map((l) => l.text)).toEqual(['12 €', 'a\ufffd']);
  });

  it('marks only the line whose bytes are not UTF-8, not one holding a U+FFFD written in its text', async () => {
    const written = Buffer.from('caf\ufffd\n'); // EF BF BD: valid UTF-8
    const lines = await linesOf([
      written.subarray(0, 5), // the replacement character split across chunks
      written.subarray(5),
      Buffer.from([0x61, 0xff, 0x0d, 0x0a, 0x6f, 0x6b, 0x0a]),
      Buffer.from([0x65, 0xe2, 0x82]), // a character cut short by the end of the input
    ]);
    expect(lines).toEqual([
      { text: 'caf\ufffd', length: 4, blank: false },
      { text: 'a\ufffd', length: 2, blank: false, invalid: true },
      { text: 'ok', length: 2, blank: false },
      { text: 'e\ufffd', length: 2, blank: false, invalid: true },
    ]);
  });

  it('keeps no more than the limit of a line far over it, yet counts its whole length and goes on', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const chunkCount = 80; // about 5 MB in one line, made here and never stored
    function* input() {
      for (let i = 0; i < chunkCount; i++) yield chunk;
      yield '\nFix login timeout\n';
    }
    const lines = await linesOf(input(), MAX_LINE_CHARS);
    expect(lines).toHaveLength(2);
    expect(lines[0]!.length).toBe(chunk.length * chunkCount);
    expect(lines[0]!.text).toHaveLength(MAX_LINE_CHARS);
    expect(lines[0]!.blank).toBe(false);
    expect(lines[1]).toEqual({ text: 'Fix login timeout', length: 17, blank: false });
  });

  it('tells a line of nothing but spaces past the limit from one with text after the part it keeps', async () => {
    const [spaces, late] = await linesOf([' '.repeat(50), '\n', ' '.repeat(50), 'x\n']);
    expect(spaces).toEqual({ text: ' '.repeat(10), length: 50, blank: true });
    expect(late).toEqual({ text: ' '.repeat(10), length: 51, blank: false });
  });
});
