import { PassThrough } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { runCli, MAX_LINE_CHARS } from '../../src/cli/main';

const NOW = new Date('2026-11-21T12:00:00Z');

interface StoryLine {
  text: string;
  persona: string | null;
  benefit: string | null;
  recipe: { isRecipe: boolean; reasons: Array<{ phrase: string }> };
  score: { total: number; components: unknown[] };
}

async function run(args: string[], stdinText: string | Buffer = '') {
  const stdin = new PassThrough();
  stdin.end(stdinText);
  let out = '';
  let err = '';
  const code = await runCli(args, {
    stdin,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    now: () => NOW,
  });
  const lines = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as StoryLine);
  return {
    code,
    out,
    err,
    get lines() {
      return lines();
    },
  };
}

describe('outcome-lens stories', () => {
  it('prints one JSON line a story with its parts, recipe verdict and score', async () => {
    const { code, lines, err } = await run(
      ['stories', '-'],
      [
        'As a shopper, I want to bookmark items in the cart, so that I can come back later and finish my shopping.',
        'Create a Save for Later button on the shopping cart screen. Make it blue and put it in the upper right hand corner.',
      ].join('\n'),
    );
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(lines).toHaveLength(2);
    expect(Object.keys(lines[0]!)).toEqual([
      'text',
      'persona',
      'intent',
      'benefit',
      'expectedOutcome',
      'expectedOutcomes',
      'recipe',
      'quality',
      'score',
      'notes',
    ]);
    expect(lines[0]).toMatchObject({
      persona: 'shopper',
      intent: 'bookmark items in the cart',
      expectedOutcome: null,
      recipe: { isRecipe: false },
    });
    expect(lines[1]).toMatchObject({ persona: null, benefit: null, recipe: { isRecipe: true } });
    expect(lines[1]!.recipe.reasons.map((r) => r.phrase.toLowerCase())).toEqual(
      expect.arrayContaining(['blue']),
    );
    expect(lines[0]!.score.total).toBeGreaterThan(lines[1]!.score.total);
    expect(lines[0]!.score.components).toHaveLength(6);
  });

  it('adds the six quality checks and every expected outcome', async () => {
    const { lines } = await run(
      ['stories', '-'],
      [
        'As a PO, I want a Save for Later button so shoppers can store items in the cart.',
        'As a shopper, I want to bookmark items in the cart, so that I can come back and finish. We expect this will reduce our 40 percent drop-off rate and increase return-shopper conversion by 10 percent.',
      ].join('\n'),
    );
    const [recipe, hypothesis] = lines as unknown as Array<{
      quality: Array<{ criterion: string; ok: boolean; phrase: string | null; why: string }>;
      expectedOutcomes: Array<{ metric: string }>;
    }>;
    const criteria = ['well-formed', 'atomic', 'minimal', 'valid-role', 'problem-oriented', 'measurable'];
    expect(recipe!.quality.map((q) => q.criterion)).toEqual(criteria);
    const failing = (line: typeof recipe) => line!.quality.filter((q) => !q.ok).map((q) => q.criterion);
    expect(failing(recipe)).toEqual(['valid-role', 'problem-oriented', 'measurable']);
    expect(recipe!.quality.find((q) => q.criterion === 'problem-oriented')!.phrase).toBe(
      'a Save for Later button',
    );
    expect(recipe!.expectedOutcomes).toEqual([]);
    expect(hypothesis!.expectedOutcomes.map((e) => e.metric)).toEqual([
      'drop-off rate',
      'return-shopper conversion',
    ]);
    // A relative change and no date: the expectation is not yet measurable, and says why.
    expect(failing(hypothesis)).toEqual(['measurable']);
  });

  it('fails measurable on a direction the numbers contradict and on a check-by day already gone', async () => {
    const story = (expectation: string) =>
      `As a reader, I want pages that load at once so that I keep reading. We expect ${expectation}.`;
    const { lines } = await run(
      ['stories', '-'],
      [
        story('load time to decrease from 40 to 55 seconds by 2027-03-01'),
        story('load time to fall from 40 to 25 seconds by 2020-01-01'),
        story('load time to fall from 40 to 25 seconds by 2027-03-01'),
      ].join('\n'),
    );
    const measurable = (
      lines as unknown as Array<{ quality: Array<{ criterion: string; ok: boolean; why: string }> }>
    ).map((line) => line.quality.find((q) => q.criterion === 'measurable')!);
    expect(measurable[0]).toMatchObject({
      ok: false,
      why: '"decrease" from 40 s to 55 s contradicts itself: fix the direction or the numbers.',
    });
    expect(measurable[1]).toMatchObject({ ok: false, why: expect.stringMatching(/2020-01-01 has passed/) });
    expect(measurable[2]).toMatchObject({ ok: true });
    expect((lines[0] as unknown as { notes: string[] }).notes).toContain(
      'The wording says decrease, but 40 to 55 goes the other way: fix the wording or the numbers.',
    );
  });

  it('skips blank, binary and over-long lines with a note on stderr, and carries on', async () => {
    const { code, lines, err } = await run(
      ['stories', '-'],
      ['', 'bin\u0000ary', 'x'.repeat(MAX_LINE_CHARS + 1), 'Fix login timeout'].join('\n'),
    );
    expect(code).toBe(0);
    expect(lines.map((l) => l.text)).toEqual(['Fix login timeout']);
    expect(err).toMatch(/line 1: skipped, blank/);
    expect(err).toMatch(/line 2: skipped, binary/);
    expect(err).toMatch(/line 3: skipped, longer than 10000/);
  });

  it('reads a story holding a U+FFFD written in its text, and skips only a line with bytes that are not UTF-8', async () => {
    const { code, lines, err } = await run(
      ['stories', '-'],
      Buffer.concat([
        // A Jira export after a bad conversion: the replacement character is in the text, as valid UTF-8.
        Buffer.from('As a buyer, I want the caf\ufffd menu in my language, so that I can order\n'),
        Buffer.from([0x62, 0x61, 0x64, 0x20, 0xff, 0xfe, 0x0a]),
        Buffer.from('Fix login timeout\n'),
      ]),
    );
    expect(code).toBe(0);
    expect(lines.map((l) => l.text)).toEqual([
      'As a buyer, I want the caf\ufffd menu in my language, so that I can order',
      'Fix login timeout',
    ]);
    expect(err).not.toMatch(/line 1: skipped/);
    expect(err).toMatch(/line 2: skipped, binary or not valid UTF-8 text/);
    expect(err).toMatch(/2 stories read, 1 skipped/);
  });

  it('refuses a line of megabytes with no break in it, and still reads the story on the next line', async () => {
    const stdin = new PassThrough();
    let out = '';
    let err = '';
    const running = runCli(['stories', '-'], {
      stdin,
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      now: () => NOW,
    });
    // Written in chunks, as a pipe gives it: 3 MB of one line, then a story.
    const chunk = 'y'.repeat(60_000);
    for (let i = 0; i < 50; i++) stdin.write(chunk);
    stdin.end('\nFix login timeout\n');
    expect(await running).toBe(0);
    expect(err).toBe(
      'line 1: skipped, longer than 10000 characters (3000000).\n' +
        'outcome-lens: 1 story read, 1 skipped.\n',
    );
    expect(
      out
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as StoryLine).text),
    ).toEqual(['Fix login timeout']);
  });

  it('fails only when nothing could be read', async () => {
    expect((await run(['stories', '-'], '\n\n')).code).toBe(1);
    const missing = await run(['stories', '/no/such/file.txt']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read/);
  });

  it('explains its usage', async () => {
    const bare = await run([]);
    expect(bare.code).toBe(2);
    expect(bare.err).toMatch(/^Usage: outcome-lens stories FILE/);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/one JSON line a story/);
    // Every field a line carries is named, in the order it is printed.
    const line = JSON.parse(
      (await run(['stories', '-'], 'As a shopper, I want to save items.\n')).out,
    ) as object;
    const named = Object.keys(line).map((field) => help.out.search(new RegExp(`\\b${field}\\b`)));
    expect(named.every((at) => at >= 0)).toBe(true);
    expect(named).toEqual([...named].sort((a, b) => a - b));
  });

  it('prints its usage for a --help after the command, and names an option it does not know', async () => {
    for (const args of [
      ['stories', '--help'],
      ['stories', '-h'],
      ['calibrate', '--help'],
      ['stories', 'file.txt', '--help'],
    ]) {
      const help = await run(args);
      expect({ args, code: help.code, err: help.err }).toEqual({ args, code: 0, err: '' });
      expect(help.out).toMatch(/^Usage: outcome-lens stories FILE/);
    }
    const unknown = await run(['stories', '--verbose', 'file.txt']);
    expect(unknown.code).toBe(2);
    expect(unknown.out).toBe('');
    expect(unknown.err).toMatch(/^outcome-lens: unknown option --verbose\nUsage: outcome-lens stories FILE/);
    // "-" alone is standard input, not an option.
    const stdin = await run(['stories', '-'], 'Fix login timeout\n');
    expect(stdin.code).toBe(0);
    expect(stdin.lines).toHaveLength(1);
  });

  it('says a CSV or JSON export is not one story a line, instead of reading its header as a recipe', async () => {
    const csv = await run(
      ['stories', '-'],
      'Issue key,Summary,Description\nDEMO-1,Bulk import of tags,"As a curator, I want …"\n',
    );
    expect(csv.code).toBe(1);
    expect(csv.out).toBe('');
    expect(csv.err).toMatch(/line 1 starts a CSV header \(Issue key,Summary,Description\), not a story/);
    const json = await run(
      ['stories', '-'],
      '[{"key": "DEMO-1", "fields": {"summary": "Bulk import of tags"}}]\n',
    );
    expect(json.code).toBe(1);
    expect(json.err).toMatch(/line 1 starts a JSON document, not a story/);
    // A story that merely has commas is a story.
    const story = await run(
      ['stories', '-'],
      'As a buyer, I want to compare prices, so that I save money.\n',
    );
    expect(story.code).toBe(0);
    expect(story.lines).toHaveLength(1);
  });

  it('reads summaries that open with a tag as stories, and finds a header after blank lines', async () => {
    const tagged = await run(
      ['stories', '-'],
      [
        '[Mobile] As a shopper, I want to save my cart so that I can buy later.',
        '{Spike} Find out why checkout is slow for shoppers abroad',
        '[1] Fix the login timeout',
      ].join('\n'),
    );
    expect(tagged.code).toBe(0);
    expect(tagged.err).toBe('');
    expect(tagged.lines.map((l) => l.text)).toEqual([
      '[Mobile] As a shopper, I want to save my cart so that I can buy later.',
      '{Spike} Find out why checkout is slow for shoppers abroad',
      '[1] Fix the login timeout',
    ]);
    const header = await run(['stories', '-'], '\n\nKey,Summary\nAB-1,Bulk import of tags\n');
    expect(header.code).toBe(1);
    expect(header.out).toBe('');
    expect(header.err).toMatch(/line 3 starts a CSV header \(Key,Summary\), not a story/);
    // Jira's export of the Summary column alone: its header is no story (it read as a recipe).
    const oneColumn = await run(['stories', '-'], 'Summary\n"As a user, I want to see ""recent"" orders."\n');
    expect(oneColumn.code).toBe(1);
    expect(oneColumn.out).toBe('');
    expect(oneColumn.err).toMatch(/line 1 starts a CSV header \(Summary\), not a story/);
    // A one-word story that is no column's name is read.
    expect((await run(['stories', '-'], 'Onboarding\n')).code).toBe(0);
    // Pretty-printed JSON opens with the bracket alone.
    const pretty = await run(['stories', '-'], '[\n  {"key": "AB-1"}\n]\n');
    expect(pretty.code).toBe(1);
    expect(pretty.err).toMatch(/line 1 starts a JSON document/);
  });

  it('fails when reading stops part way, so a script does not take the first stories for all of them', async () => {
    const stdin = new PassThrough();
    let out = '';
    let err = '';
    const done = runCli(['stories', '-'], {
      stdin,
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      now: () => NOW,
    });
    stdin.write('As a shopper, I want to save my cart so that I can buy later.\n');
    await new Promise((resolve) => setImmediate(resolve));
    stdin.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
    expect(await done).toBe(1);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(
      /stopped reading at line 2: EIO: i\/o error, read; the output holds the 1 story read/,
    );
  });

  it('reads a file and runs as the package command', () => {
    const bin = path.resolve(__dirname, '../../bin/outcome-lens.js');
    const dist = path.resolve(__dirname, '../../dist/cli/main.js');
    if (!fs.existsSync(dist))
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: path.resolve(__dirname, '../..') });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ol-cli-')), 'stories.txt');
    fs.writeFileSync(file, 'As an admin, I want to export the audit log so that I can answer auditors.\n');
    const result = spawnSync(process.execPath, [bin, 'stories', file], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.trim()) as StoryLine).toMatchObject({
      persona: 'admin',
      benefit: 'I can answer auditors',
    });
  });

  it('stops quietly when what reads its output has had enough (`| head -1`), with no stack trace', () => {
    const bin = path.resolve(__dirname, '../../bin/outcome-lens.js');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ol-cli-')), 'many.txt');
    const story = 'As an admin, I want to export the audit log so that I can answer auditors.\n';
    fs.writeFileSync(file, story.repeat(3_000));
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" stories "${file}" | head -1`], {
      encoding: 'utf8',
    });
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toBe('');
  });

  // /dev/full answers every write with ENOSPC, as a full disk does; only Linux has it.
  (fs.existsSync('/dev/full') ? it : it.skip)(
    'says in one line, with no stack trace, that it cannot write its output to a full disk',
    () => {
      const bin = path.resolve(__dirname, '../../bin/outcome-lens.js');
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ol-cli-')), 'stories.txt');
      fs.writeFileSync(file, 'As an admin, I want to export the audit log so that I can answer auditors.\n');
      const result = spawnSync(
        'bash',
        ['-c', `"${process.execPath}" "${bin}" stories "${file}" >/dev/full`],
        {
          encoding: 'utf8',
        },
      );
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        'outcome-lens: cannot write the output: ENOSPC: no space left on device, write\n',
      );
    },
  );
});
