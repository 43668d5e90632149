/**
 * Reads a file of Jira REST issues: `.json` or `.json.gz` (a search response `{ issues: [...] }`, a plain array,
 * or one issue), `.jsonl`, `.jsonl.gz` or `.ndjson` (one issue a line, streamed). Shared by the `calibrate`
 * command and the workbench's importer. Lines that are not JSON are reported in `skipped` and passed over.
 */
import { constants } from 'node:buffer';
import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';

export interface SkippedLine {
  /** 1-based line of a JSONL file, or 1-based position in a JSON array. */
  line: number;
  reason: string;
}

export interface IssueItem {
  line: number;
  value: unknown;
}

/** Yields the issues of a file with their line (or array position); unreadable lines go to `skipped`. */
export async function* readIssueFile(file: string, skipped: SkippedLine[]): AsyncGenerator<IssueItem> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.json') || lower.endsWith('.json.gz')) {
    yield* readJson(file, skipped);
    return;
  }
  if (!lower.endsWith('.jsonl') && !lower.endsWith('.jsonl.gz') && !lower.endsWith('.ndjson'))
    throw new Error(`Unsupported file type (use .json, .jsonl or .jsonl.gz): ${file}`);
  const raw = fs.createReadStream(file);
  const input = lower.endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
  raw.on('error', (e) => input.destroy(e));
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      const trimmed = (line === 1 ? text.replace(/^\uFEFF/, '') : text).trim();
      if (!trimmed) continue;
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch (error) {
        skipped.push({ line, reason: `not valid JSON: ${(error as Error).message}` });
        continue;
      }
      // A search response or an array on one line (curl's answer saved as .jsonl): each of its issues.
      const many = hasIssues(value) || arrayOfObjects(value) ? issuesOf(value) : null;
      if (many) for (const issue of many) yield { line, value: issue };
      else yield { line, value };
    }
  } catch (error) {
    // Lines before the failure were read whole; the one it cut (if any) is not among them.
    const cause = whyGzipUnreadable(error, raw.bytesRead === 0) ?? (error as Error).message;
    throw new Error(
      line === 0
        ? `cannot read ${file}: ${cause}.`
        : `stopped reading ${file} at line ${line + 1}: ${cause}; the ${line} line(s) before it were read.`,
    );
  }
}

/**
 * What a zlib error says about a .gz file, in words; null for any other error. Node names its causes "unexpected
 * end of file" (the data stops before the gzip stream ends) and "incorrect header check" (not gzip at all).
 */
function whyGzipUnreadable(error: unknown, empty: boolean): string | null {
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'Z_BUF_ERROR')
    return empty
      ? 'the file is empty, though its name ends in .gz'
      : 'the file is cut short (truncated): its gzip data ends before the end, as when a copy or download did not finish';
  if (code === 'Z_DATA_ERROR' && message === 'incorrect header check')
    return 'the file is not gzip data, though its name ends in .gz: name it without .gz if it is plain JSON';
  if (code === 'Z_DATA_ERROR') return `the file's gzip data is damaged (${message ?? 'unreadable'})`;
  return null;
}

/** A .json document is read whole, as one string: Node holds no longer string than this. */
const MAX_JSON_CHARS = constants.MAX_STRING_LENGTH;

const megabytes = (bytes: number) => `${Math.floor(bytes / 1_048_576)} MB`;

function tooLargeForJson(file: string, size: string): Error {
  return new Error(
    `${file} is too large to read as one JSON document (${size}; at most ${megabytes(MAX_JSON_CHARS)}): ` +
      'export the issues one a line (.jsonl or .jsonl.gz), which is read a line at a time.',
  );
}

async function* readJson(file: string, skipped: SkippedLine[]): AsyncGenerator<IssueItem> {
  const { size } = await fs.promises.stat(file);
  if (size > MAX_JSON_CHARS) throw tooLargeForJson(file, megabytes(size));
  let buffer = await fs.promises.readFile(file);
  if (file.toLowerCase().endsWith('.gz')) {
    try {
      buffer = zlib.gunzipSync(buffer, { maxOutputLength: MAX_JSON_CHARS });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
        throw tooLargeForJson(file, `more than ${megabytes(MAX_JSON_CHARS)} unpacked`);
      // One document: nothing of it is read when its data stops short.
      const cause = whyGzipUnreadable(error, buffer.length === 0);
      throw cause ? new Error(`cannot read ${file}: ${cause}.`) : error;
    }
  }
  if (buffer.length > MAX_JSON_CHARS) throw tooLargeForJson(file, megabytes(buffer.length));
  const text = buffer.toString('utf8').replace(/^\uFEFF/, '');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    // One issue a line (`jq -c '.issues[]' > export.json`): read a line at a time, as a .jsonl file is.
    const lines = oneDocumentALine(text);
    if (lines) {
      for (const [i, value] of lines)
        for (const issue of issuesOf(value) ?? [value]) yield { line: i, value: issue };
      return;
    }
    skipped.push({
      line: 1,
      reason: `not valid JSON: ${(error as Error).message} (a file of one issue a line is read when named .jsonl)`,
    });
    return;
  }
  const issues = issuesOf(doc);
  if (!issues) {
    skipped.push({ line: 1, reason: 'expected an array of issues or a search response with "issues"' });
    return;
  }
  for (let i = 0; i < issues.length; i++) yield { line: i + 1, value: issues[i] };
}

const arrayOfObjects = (doc: unknown): boolean =>
  Array.isArray(doc) &&
  doc.length > 0 &&
  doc.every((item) => !!item && typeof item === 'object' && !Array.isArray(item));

const hasIssues = (doc: unknown): doc is { issues: unknown[]; names?: unknown } =>
  !!doc && typeof doc === 'object' && Array.isArray((doc as { issues?: unknown }).issues);

/**
 * The issues a document holds: an array's items, a search response's `issues`, or a single issue; null for none
 * of these. A search response names its custom fields once ("Epic Link"); each issue gets them to read its own.
 */
function issuesOf(doc: unknown): unknown[] | null {
  if (Array.isArray(doc)) return doc as unknown[];
  if (hasIssues(doc)) {
    const { names } = doc;
    return names === undefined
      ? doc.issues
      : doc.issues.map((issue) =>
          issue && typeof issue === 'object' && !Array.isArray(issue) && !('names' in issue)
            ? { ...issue, names }
            : issue,
        );
  }
  return doc && typeof doc === 'object' && 'key' in doc ? [doc] : null;
}

/** Each line of `text` read as a JSON document of its own, with its line number; null unless every line is one. */
function oneDocumentALine(text: string): Array<[number, unknown]> | null {
  const read: Array<[number, unknown]> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    try {
      read.push([i + 1, JSON.parse(line)]);
    } catch {
      return null;
    }
  }
  return read.length > 1 ? read : null;
}
