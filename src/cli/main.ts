import fs from 'node:fs';
import { analyseStory } from '../domain/analyse-story';
import { DEFAULT_SETTINGS } from '../domain/settings';
import { runCalibrate } from './calibrate';
import { whyFileUnreadable } from './files';
import { readLines, type InputLine } from './lines';

/**
 * `outcome-lens stories FILE|-`: one story a line in, one JSON line a story out. A coach can run it on an
 * exported backlog before installing anything. Lines it cannot read are skipped with a note on stderr.
 */

export const MAX_LINE_CHARS = 10_000;

const USAGE = `Usage: outcome-lens stories FILE   (or - to read standard input)
Reads one story a line and prints one JSON line a story: text, persona, intent, benefit, expectedOutcome
(the first) and expectedOutcomes (every one kept), recipe (the verdict with the phrases that make it one),
quality (each check: criterion, ok, phrase, why), score (0-100 with its parts) and notes (what the reading
could not keep or had to guess).

       outcome-lens calibrate FILE   (.json, .jsonl or .jsonl.gz: Jira REST issues with their changelogs)
Replays the file's history as of its latest date and prints one JSON line a project: the proposed idle
limit (and per issue type where a type has enough history), why, and what each candidate limit flags.`;

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  now: () => Date;
}

const HELP = new Set(['--help', '-h']);

export async function runCli(args: string[], io: CliIo): Promise<number> {
  const [command, source, ...extra] = args;
  // Asked for after the command too ("stories --help"), help is help: never a file to read.
  if (command === 'help' || args.some((arg) => HELP.has(arg))) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // "-" alone is standard input; any other word that starts with a dash is an option, and the command has none.
  const option = args.find((arg) => arg.startsWith('-') && arg !== '-');
  if (option !== undefined) {
    io.stderr.write(`outcome-lens: unknown option ${option}\n${USAGE}\n`);
    return 2;
  }
  if ((command !== 'stories' && command !== 'calibrate') || !source || extra.length > 0) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (command === 'calibrate') return runCalibrate(source, io);
  let input: NodeJS.ReadableStream;
  if (source === '-') {
    input = io.stdin;
  } else {
    const unreadable = whyFileUnreadable(source);
    if (unreadable) {
      io.stderr.write(`outcome-lens: cannot read ${source}: ${unreadable}.\n`);
      return 1;
    }
    input = fs.createReadStream(source);
  }
  const counts = await analyseLines(input, io);
  // What was printed is only the start of the input: a script must not take it for the whole.
  if (counts.stopped) return 1;
  if (counts.read === 0) {
    io.stderr.write(`outcome-lens: no story could be read (${counts.skipped} line(s) skipped).\n`);
    return 1;
  }
  if (counts.skipped > 0)
    io.stderr.write(
      `outcome-lens: ${counts.read} ${counts.read === 1 ? 'story' : 'stories'} read, ${counts.skipped} skipped.\n`,
    );
  return 0;
}

async function analyseLines(
  input: NodeJS.ReadableStream,
  io: CliIo,
): Promise<{ read: number; skipped: number; stopped: boolean }> {
  const now = io.now();
  let lineNumber = 0;
  let read = 0;
  let skipped = 0;
  let sawText = false;
  try {
    // The reader keeps at most MAX_LINE_CHARS of a line: one far longer is counted, not held, and refused.
    for await (const line of readLines(input, MAX_LINE_CHARS)) {
      lineNumber += 1;
      // The first line with text tells an export from a story list: blank lines before it do not.
      const export_ = !sawText && !line.blank ? exportFormatOf(line.text) : null;
      if (!line.blank) sawText = true;
      if (export_) {
        // Read as stories, a header row would be flagged as a recipe and cells would run into each other.
        io.stderr.write(
          `outcome-lens: line ${lineNumber} starts ${export_}, not a story: this command reads one story a line ` +
            '(plain text). Export the summaries, one a line, and read that file.\n',
        );
        return { read, skipped: skipped + 1, stopped: false };
      }
      const problem = whyUnreadable(line);
      if (problem) {
        skipped += 1;
        io.stderr.write(`line ${lineNumber}: skipped, ${problem}.\n`);
        continue;
      }
      read += 1;
      io.stdout.write(`${JSON.stringify(analyseStory(line.text.trim(), DEFAULT_SETTINGS, now))}\n`);
    }
  } catch (error) {
    io.stderr.write(
      `outcome-lens: stopped reading at line ${lineNumber + 1}: ${(error as Error).message}; ` +
        `the output holds the ${read} ${read === 1 ? 'story' : 'stories'} read before it.\n`,
    );
    return { read, skipped, stopped: true };
  }
  return { read, skipped, stopped: false };
}

/** The kind of export a first line opens (a CSV header naming Jira's columns, or JSON), or null for text. */
function exportFormatOf(line: string): string | null {
  const text = line.replace(/^\ufeff/, '').trim();
  // A JSON document opens with a bracket and a value (or is the bracket alone, pretty-printed); a summary
  // opening with a tag ("[Mobile] …", "{Spike} …") is a story.
  if (/^(?:[[{]$|\[\s*[[{"]|\{\s*")/.test(text) || parsesAsJsonContainer(text)) return 'a JSON document';
  const cells = text.split(/[,;\t]/).map((c) => c.trim().replace(/^"|"$/g, '').toLowerCase());
  const jiraColumns = cells.filter((c) =>
    /^(?:issue ?key|issue ?id|key|summary|description|issue ?type)$/.test(c),
  );
  // One column is a header too when its name is all the line says ("Summary": Jira's export of that column alone).
  return jiraColumns.length > 0 && (cells.length > 1 || jiraColumns.length === cells.length)
    ? `a CSV header (${text.slice(0, 60)})`
    : null;
}

function parsesAsJsonContainer(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

function whyUnreadable(line: InputLine): string | null {
  if (line.blank) return 'blank';
  if (line.length > MAX_LINE_CHARS) return `longer than ${MAX_LINE_CHARS} characters (${line.length})`;
  // Undecodable bytes, NUL or other C0 controls mean this is not text: matching them is the point here. A U+FFFD
  // written in the text (an export after a bad conversion) is valid UTF-8: the story is read.
  // eslint-disable-next-line no-control-regex
  if (line.invalid || /[\u0000-\u0008\u000e-\u001f]/.test(line.text)) return 'binary or not valid UTF-8 text';
  return null;
}
