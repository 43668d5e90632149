/**
 * Measurements sent from outside (the web trigger, an imported CSV file): the body read as JSON or CSV, each
 * row checked, nothing half-accepted. Pure: the day that counts as "today" is passed in.
 */

import { readTypedNumber, type DecimalMark } from './amounts';
import { codePoint, DRAWN_AS_NOTHING_SRC, LONE_SURROGATE_SRC, withoutInvisible } from './visible-text';

/** Where a measurement goes: an outcome by id, or a metric by name (an outcome's metric or a series of its own). */
export type MeasurementTarget = { outcomeId: string } | { metric: string };

export interface IncomingMeasurement {
  target: MeasurementTarget;
  value: number;
  /** Calendar day, YYYY-MM-DD (a date-time is read as its UTC day). */
  at: string;
  source?: string;
  /** The sender's idempotency id: the same id is accepted once per series. */
  id?: string;
}

export interface RowError {
  /** 1-based row of the request: its nth measurement (in CSV, the nth row under the header; blank lines are none). */
  row: number;
  /** CSV only: the line of the body the row begins on, the header's being 1 (what an editor shows). */
  line?: number;
  field: string;
  message: string;
}

export type ParseResult =
  | {
      ok: true;
      measurements: IncomingMeasurement[];
      /** CSV only: the line each measurement's row begins on, for the errors found after parsing. */
      lines?: number[];
    }
  | { ok: false; message: string; errors: RowError[] };

/** Most measurements one request may carry. */
export const MAX_MEASUREMENTS_PER_REQUEST = 1000;
/** Measured values beyond this size are taken for a mistake (a timestamp pasted into the value column). */
export const MAX_ABS_VALUE = 1e12;

/** What a form says of a number typed past MAX_ABS_VALUE, at the field `label` names. */
export function outOfRangeMessage(label: string): string {
  return `${label} is out of range: at most ±${MAX_ABS_VALUE.toLocaleString('en-US')}.`;
}
/** No metric is measured before this day. */
export const EARLIEST_MEASUREMENT_DAY = '2000-01-01';

const ID_PATTERN = /^[A-Za-z0-9._:#-]{1,100}$/;
const OUTCOME_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
/**
 * Control characters and halves of a surrogate pair: nobody means them, and stored as JSON each takes six bytes,
 * so a series of such text would pass the storage value limit and refuse every later measurement.
 */
const UNPRINTABLE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f]|${LONE_SURROGATE_SRC}`);
/**
 * The characters drawn as nothing a name is refused for: in a metric's name one makes a series apart from the one
 * it looks like, or a name no one sees. The zero-width joiner and non-joiner are left to matching (which ignores
 * them): Persian and other scripts write words with them, and emoji are built with them.
 */
const INVISIBLE = new RegExp(`(?![\\u200c\\u200d])[${DRAWN_AS_NOTHING_SRC}]`, 'u');
const INVISIBLE_NAMES: Record<number, string> = {
  0xad: 'soft hyphen',
  0x61c: 'Arabic letter mark',
  0x115f: 'Hangul choseong filler',
  0x1160: 'Hangul jungseong filler',
  0x180e: 'Mongolian vowel separator',
  0x200b: 'zero width space',
  0x200c: 'zero width non-joiner',
  0x200d: 'zero width joiner',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2060: 'word joiner',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0x3164: 'Hangul filler',
  0xfeff: 'zero width no-break space (byte-order mark)',
  0xffa0: 'halfwidth Hangul filler',
};

/** `text` without the characters drawn as nothing (how metric names are matched: src/storage/metric-series.ts). */
export { withoutInvisible };

/**
 * Why `text` (a row's `field`, trimmed: a byte-order mark at either end is trimmed as a space) holds a character
 * drawn as nothing, naming it and where it is; else null.
 */
export function invisibleProblem(field: string, text: string): string | null {
  const found = INVISIBLE.exec(text);
  if (!found) {
    const nothing = text !== '' && withoutInvisible(text).trim() === '';
    return nothing ? `${field} holds only characters drawn as nothing: name what is measured.` : null;
  }
  const cp = found[0].codePointAt(0)!;
  const name = INVISIBLE_NAMES[cp] ?? 'a format character';
  const before = text.slice(0, found.index).trim();
  const where = before ? `after "${before.length > 30 ? `…${before.slice(-30)}` : before}"` : 'at its start';
  return `${field} holds an invisible character, ${codePoint(cp)} (${name}), ${where}: remove it, so that the ${field} is what it looks like.`;
}

const UNSEEN = new RegExp(`[${DRAWN_AS_NOTHING_SRC}\\u0000-\\u001f\\u007f-\\u009f]`, 'gu');

/** Text quoted in a message with what cannot be seen in it written out ("value<U+200B>"). */
function shown(text: string): string {
  return text.replace(UNSEEN, (c) => `<${codePoint(c.codePointAt(0)!)}>`);
}

const DAY = /^(\d{4}-\d{2}-\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The day after `day` (YYYY-MM-DD), so a sender a few hours ahead of UTC is not refused. */
function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

function realDay(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

/** `at` as a calendar day, or why it cannot be one. */
export function measurementDay(raw: unknown, today: string): { day: string } | { error: string } {
  if (typeof raw !== 'string' || raw.trim() === '')
    return { error: 'at is required: a date like 2027-03-01.' };
  const text = raw.trim();
  let day: string | null = null;
  if (DAY.test(text)) day = text;
  else if (DATE_TIME.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms)) day = new Date(ms).toISOString().slice(0, 10);
  }
  if (!day || !realDay(day)) return { error: `at "${text.slice(0, 40)}" is not a date like 2027-03-01.` };
  const problem = measurementDayProblem(day, today);
  return problem ? { error: `at ${problem}` } : { day };
}

/**
 * Why a real calendar day cannot be a measurement's ("2062-11-30 is in the future (today is …)"), or null. The
 * day after today is allowed, so a sender a few hours ahead of UTC is not refused.
 */
export function measurementDayProblem(day: string, today: string): string | null {
  if (day < EARLIEST_MEASUREMENT_DAY) return `${day} is before ${EARLIEST_MEASUREMENT_DAY}.`;
  if (day > nextDay(today)) return `${day} is in the future (today is ${today}).`;
  return null;
}

/**
 * A measured value. A machine's text is read strictly ("12.5", "1e3"); a person's file (`decimalMark` given) as
 * they type numbers, with their decimal mark ("12,5", "1.200,5" for a decimal comma).
 */
function readValue(raw: unknown, decimalMark?: DecimalMark): number | { error: string } {
  let value: number;
  const typed = decimalMark && typeof raw === 'string' ? readTypedNumber(raw, decimalMark) : null;
  if (typeof raw === 'number') value = raw;
  else if (typed !== null) value = typed;
  else if (
    !decimalMark &&
    typeof raw === 'string' &&
    raw.trim() !== '' &&
    /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw.trim())
  )
    value = Number(raw.trim());
  else return { error: 'value must be a number.' };
  if (!Number.isFinite(value)) return { error: 'value must be a finite number.' };
  if (Math.abs(value) > MAX_ABS_VALUE)
    return { error: `value ${value} is out of range (at most ±${MAX_ABS_VALUE}).` };
  return value;
}

/** One row (a JSON object, or a CSV line by its header's names) as a measurement, or its errors. */
export function readMeasurement(
  row: Record<string, unknown>,
  index: number,
  today: string,
  decimalMark?: DecimalMark,
): { measurement: IncomingMeasurement } | { errors: RowError[] } {
  const errors: RowError[] = [];
  const fail = (field: string, message: string) => errors.push({ row: index, field, message });
  const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

  let target: MeasurementTarget | null = null;
  const outcome = row.outcome ?? row.outcomeId;
  if (!blank(row.outcome) && !blank(row.outcomeId))
    fail('outcome', 'Send outcome or outcomeId, not both: they are the same field.');
  else if (!blank(outcome) && !blank(row.metric)) fail('metric', 'Send metric or outcome, not both.');
  else if (!blank(outcome)) {
    if (typeof outcome !== 'string' || !OUTCOME_ID_PATTERN.test(outcome.trim()))
      fail('outcome', 'outcome is not an outcome id.');
    else target = { outcomeId: outcome.trim() };
  } else if (!blank(row.metric)) {
    if (typeof row.metric !== 'string' || row.metric.trim().length > 200)
      fail('metric', 'metric must be a name of at most 200 characters.');
    else if (UNPRINTABLE.test(row.metric)) fail('metric', 'metric must not hold control characters.');
    else {
      const invisible = invisibleProblem('metric', row.metric.trim());
      if (invisible) fail('metric', invisible);
      else target = { metric: row.metric.trim() };
    }
  } else fail('metric', 'Name the metric (metric) or the outcome (outcome) measured.');

  const value = readValue(row.value, decimalMark);
  if (typeof value !== 'number') fail('value', value.error);
  const at = measurementDay(row.at, today);
  if ('error' in at) fail('at', at.error);

  let source: string | undefined;
  if (!blank(row.source)) {
    if (typeof row.source !== 'string' || row.source.trim().length > 100)
      fail('source', 'source must be text of at most 100 characters.');
    else if (UNPRINTABLE.test(row.source)) fail('source', 'source must not hold control characters.');
    else {
      const invisible = invisibleProblem('source', row.source.trim());
      if (invisible) fail('source', invisible);
      else source = row.source.trim();
    }
  }
  let id: string | undefined;
  if (!blank(row.id)) {
    const text = typeof row.id === 'number' ? String(row.id) : row.id;
    if (typeof text !== 'string' || !ID_PATTERN.test(text.trim()))
      fail('id', 'id must be 1 to 100 letters, digits or . _ : # -.');
    else id = text.trim();
  }
  if (errors.length || !target || typeof value !== 'number' || 'error' in at) return { errors };
  return {
    measurement: { target, value, at: at.day, ...(source ? { source } : {}), ...(id ? { id } : {}) },
  };
}

export type CsvSeparator = ',' | ';';

/**
 * What separates the fields: ";" when the header line uses it and no comma (a spreadsheet where the comma is the
 * decimal mark writes its CSV so), else ",".
 */
export function csvSeparator(text: string): CsvSeparator {
  const header = /^[^\r\n]*/.exec(text.replace(/^\uFEFF/, ''))?.[0] ?? '';
  const unquoted = header.replace(/"(?:[^"]|"")*"/g, '');
  return unquoted.includes(';') && !unquoted.includes(',') ? ';' : ',';
}

/** A CSV row and the line of the body it begins on (1-based, as an editor numbers them). */
export interface CsvRow {
  fields: string[];
  line: number;
}

/**
 * RFC 4180 CSV: quoted fields may hold the separator, quotes ("") and line breaks. Blank lines are no rows but
 * are counted in the lines, so a message names the line a person sees.
 */
export function readCsv(text: string, separator: CsvSeparator = ','): CsvRow[] | { error: string } {
  const rows: CsvRow[] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  /** A quoted field has just closed: only the separator or the line's end may follow (RFC 4180). */
  let closed = false;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 1;
  let quoteAt = 0;
  const src = text.replace(/^\uFEFF/, '');
  const endRow = () => {
    row.push(field);
    if (row.some((f) => f.trim() !== '')) rows.push({ fields: row, line: rowLine });
    row = [];
    field = '';
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
        closed = true;
      } else {
        field += c;
        if (c === '\n' || (c === '\r' && src[i + 1] !== '\n')) line++;
      }
      continue;
    }
    if (c === separator) {
      row.push(field);
      field = '';
      closed = false;
    } else if (c === '\n' || c === '\r') {
      endRow();
      closed = false;
      if (c === '\r' && src[i + 1] === '\n') i++;
      line++;
      rowLine = line;
    } else if (closed) {
      // What was meant cannot be told ("Checkout abandonment"xyz): read on, it made a name no one wrote.
      const rest = /^[^\r\n]*/.exec(src.slice(i))![0];
      const end = rest.indexOf(separator);
      const written = src.slice(quoteAt, i) + (end < 0 ? rest : rest.slice(0, end));
      const flat = written.replace(/\r\n|\r|\n/g, ' ');
      return {
        error: `CSV line ${line}: text follows a closing quote in ${flat.length > 60 ? `…${flat.slice(-60)}` : flat}. Put the whole field in quotes, doubling each quote inside it (""), or write it without quotes.`,
      };
    } else if (c === '"' && field === '') {
      quoted = true;
      quoteLine = line;
      quoteAt = i;
    } else field += c;
  }
  if (quoted)
    return {
      error: `The quoted CSV field that begins on line ${quoteLine} is not closed: end it with a quote, and double each quote inside it ("").`,
    };
  if (field !== '' || row.length) endRow();
  return rows;
}

/** The rows of a CSV body, blank lines left out (readCsv with the lines). */
export function parseCsv(text: string, separator: CsvSeparator = ','): string[][] | { error: string } {
  const rows = readCsv(text, separator);
  return 'error' in rows ? rows : rows.map((r) => r.fields);
}

const CSV_COLUMNS = new Set(['metric', 'outcome', 'outcomeid', 'value', 'at', 'source', 'id']);

type Rows = { rows: Array<Record<string, unknown>>; lines?: number[] } | { message: string };

function csvRows(text: string, target?: MeasurementTarget): Rows {
  const parsed = readCsv(text, csvSeparator(text));
  if ('error' in parsed) return { message: parsed.error };
  const [head, ...body] = parsed;
  if (!head) return { message: 'The CSV is empty: send a header line (metric,value,at,source,id) and rows.' };
  const header = head.fields;
  // Spreadsheets export empty columns past the last named one ("metric,value,at,,"): they are not columns.
  let width = header.length;
  while (width > 0 && header[width - 1]!.trim() === '') width--;
  const names = header.slice(0, width).map((h) => h.trim().toLowerCase());
  const unnamed = names.indexOf('');
  if (unnamed >= 0)
    return { message: `CSV column ${unnamed + 1} has no name in the header: name it or remove it.` };
  // Which of two columns of one name counts cannot be told (outcome and outcomeid are one column too).
  const canonical = names.map((n) => (n === 'outcomeid' ? 'outcome' : n));
  const twice = canonical.filter((n, i) => canonical.indexOf(n) !== i);
  if (twice.length) return { message: `The CSV header names the column "${shown(twice[0]!)}" twice.` };
  const unknown = names.filter((n) => !CSV_COLUMNS.has(n));
  if (unknown.length)
    return {
      message: `Unknown CSV column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${shown(u)}"`).join(', ')}: use metric or outcome, value, at, source, id.`,
    };
  if (!names.includes('value') || !names.includes('at'))
    return { message: 'The CSV header must name the value and at columns.' };
  // A file with no column naming the series measures the one it was imported for.
  const given = canonical.includes('metric') || canonical.includes('outcome') ? {} : (target ?? {});
  const rows: Array<Record<string, unknown>> = [];
  for (const { fields, line } of body) {
    const cells =
      fields.length > width && fields.slice(width).every((f) => f.trim() === '')
        ? fields.slice(0, width)
        : fields;
    if (cells.length !== names.length)
      return { message: `CSV line ${line} has ${cells.length} fields; the header has ${names.length}.` };
    rows.push({ ...given, ...Object.fromEntries(canonical.map((n, i) => [n, cells[i]])) });
  }
  return { rows, lines: body.map((r) => r.line) };
}

/** A row's error with the CSV line the row begins on, in its message too (a person reads that). */
export function onLine(error: RowError, line: number | undefined): RowError {
  if (line === undefined) return error;
  return { ...error, line, message: `${error.message.replace(/\.$/, '')} (CSV line ${line}).` };
}

const JSON_FIELDS = new Set(['metric', 'outcome', 'outcomeId', 'value', 'at', 'source', 'id']);

function jsonRows(text: string): Rows {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { message: 'The body is not valid JSON.' };
  }
  const body = parsed as { measurements?: unknown } | null;
  const wrapped = !Array.isArray(parsed) && !!body && typeof body === 'object' && 'measurements' in body;
  const list: unknown = Array.isArray(parsed) ? parsed : wrapped ? body.measurements : [parsed];
  if (!Array.isArray(list)) return { message: '"measurements" must be a list.' };
  // Beside its list, a wrapper holds nothing: a "source" there would be dropped, not given to each measurement.
  const beside = wrapped ? Object.keys(body).filter((k) => k !== 'measurements') : [];
  if (beside.length) {
    const named = beside.slice(0, 10).map((k) => `"${shown(k.slice(0, 40))}"`);
    return {
      message: `The body holds ${named.join(', ')} beside "measurements": give each measurement its own fields (metric or outcome, value, at, source, id).`,
    };
  }
  if (!list.every((r) => r && typeof r === 'object' && !Array.isArray(r)))
    return { message: 'Each measurement must be an object with metric or outcome, value and at.' };
  const rows = list as Array<Record<string, unknown>>;
  // A misspelt field ("Id", "sorce") would be dropped without a word; a CSV column of that name is refused too.
  const unknown = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => !JSON_FIELDS.has(k));
  if (unknown.length)
    return {
      message: `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown
        .slice(0, 10)
        .map((u) => `"${shown(u.slice(0, 40))}"`)
        .join(', ')}: use metric or outcome, value, at, source, id.`,
    };
  return { rows };
}

/** Is the body CSV? By its content type, else by not looking like JSON. */
export function looksLikeCsv(body: string, contentType: string | null): boolean {
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('csv')) return true;
  if (type.includes('json')) return false;
  return !/^\s*[[{]/.test(body);
}

/**
 * The measurements of one request, all or none: a body with any bad row is refused whole, with every row's
 * errors, so a sender fixes the file and sends it again (ids make the resend safe). A file a person imports
 * carries their `decimalMark`, which its text values are read with, and the `target` its rows measure when its
 * header names no metric or outcome column (an outcome card's import).
 */
export function parseMeasurements(
  body: string,
  contentType: string | null,
  today: string,
  options: { decimalMark?: DecimalMark; target?: MeasurementTarget } = {},
): ParseResult {
  if (body.trim() === '')
    return { ok: false, message: 'The body is empty: send measurements as JSON or CSV.', errors: [] };
  // A byte-order mark (Windows tools save "UTF-8" with one) is not part of the data, in JSON as in CSV.
  const text = body.replace(/^\uFEFF/, '');
  const read = looksLikeCsv(text, contentType) ? csvRows(text, options.target) : jsonRows(text);
  if ('message' in read) return { ok: false, message: read.message, errors: [] };
  const { rows, lines } = read;
  if (rows.length === 0) return { ok: false, message: 'The body holds no measurement.', errors: [] };
  if (rows.length > MAX_MEASUREMENTS_PER_REQUEST)
    return {
      ok: false,
      message: `At most ${MAX_MEASUREMENTS_PER_REQUEST} measurements per request (this one has ${rows.length}): split it.`,
      errors: [],
    };
  const measurements: IncomingMeasurement[] = [];
  const errors: RowError[] = [];
  rows.forEach((row, i) => {
    const one = readMeasurement(row, i + 1, today, options.decimalMark);
    if ('errors' in one) errors.push(...one.errors.map((e) => onLine(e, lines?.[i])));
    else measurements.push(one.measurement);
  });
  if (errors.length)
    return {
      ok: false,
      message: `${new Set(errors.map((e) => e.row)).size} of ${rows.length} measurements are invalid; nothing was recorded.`,
      errors: errors.slice(0, 50),
    };
  return { ok: true, measurements, ...(lines ? { lines } : {}) };
}

/** A stored measurement (the shape outcomes and metric series keep). */
export interface SeriesPoint {
  at: string;
  value: number;
  note?: string | undefined;
  source?: string | undefined;
  id?: string | undefined;
}

/** What appending readings to a stored series did. */
export interface SeriesAppend {
  /** New readings kept. */
  added: number;
  /** Readings whose id the series (or an earlier reading sent with them) held. */
  duplicates: number;
  /** Of the duplicates, those held with another day, value or source. */
  differing: number;
  addedIds: string[];
  /** New readings older than all the series keeps: not stored. */
  droppedIds: string[];
  differingIds: string[];
  /** Readings the series held that the new ones pushed out of its history (it keeps the newest only). */
  pushedOut: number;
}

/** An append that added nothing: what a write skipped (or not yet tried) answers. */
export function nothingAppended(): SeriesAppend {
  return {
    added: 0,
    duplicates: 0,
    differing: 0,
    addedIds: [],
    droppedIds: [],
    differingIds: [],
    pushedOut: 0,
  };
}

/** The ids of `incoming` that `existing` holds with another day, value or source. */
export function differingIds(existing: readonly SeriesPoint[], incoming: readonly SeriesPoint[]): string[] {
  const byId = new Map(existing.filter((m) => m.id).map((m) => [m.id, m]));
  return incoming.flatMap((m) => {
    const was = m.id ? byId.get(m.id) : undefined;
    const differs =
      !!was && (was.at !== m.at || was.value !== m.value || (was.source ?? '') !== (m.source ?? ''));
    return differs && m.id ? [m.id] : [];
  });
}

/** How many of `incoming` carry an id `existing` holds with another day, value or source. */
export function differingReadings(
  existing: readonly SeriesPoint[],
  incoming: readonly SeriesPoint[],
): number {
  return differingIds(existing, incoming).length;
}

const utf8 = new TextEncoder();

/**
 * `incoming` laid into a series: an id the series (or an earlier row of `incoming`) already holds is a
 * duplicate and adds nothing. Kept in date order, the newest `limit` only, and only as many of the newest as fit
 * in `maxBytes` of JSON (notes in other scripts take three bytes a character: a count alone does not bound a
 * stored value). `added` counts the new ones kept, so a new one older than all the series keeps (`droppedIds`) is not
 * said to be recorded; `pushedOut` lists those of `existing` no longer kept.
 */
export function mergeIntoSeries<T extends SeriesPoint>(
  existing: readonly T[],
  incoming: readonly T[],
  limit: number,
  maxBytes = Infinity,
): {
  series: T[];
  added: number;
  addedIds: string[];
  droppedIds: string[];
  duplicates: number;
  pushedOut: T[];
} {
  const seen = new Set(existing.map((m) => m.id).filter((id): id is string => !!id));
  const fresh: T[] = [];
  let duplicates = 0;
  for (const m of incoming) {
    if (m.id && seen.has(m.id)) {
      duplicates++;
      continue;
    }
    if (m.id) seen.add(m.id);
    fresh.push(m);
  }
  let series = [...existing, ...fresh].sort((a, b) => a.at.localeCompare(b.at)).slice(-limit);
  if (Number.isFinite(maxBytes)) {
    // The list's JSON: its brackets, its points and a comma between each two.
    let bytes = 1;
    let from = series.length;
    while (from > 0) {
      bytes += utf8.encode(JSON.stringify(series[from - 1])).length + 1;
      if (bytes > maxBytes) break;
      from--;
    }
    series = series.slice(from);
  }
  const kept = new Set<T>(series);
  const keptFresh = fresh.filter((m) => kept.has(m));
  const added = keptFresh.length;
  const idsOf = (points: readonly T[]) => points.flatMap((m) => (m.id ? [m.id] : []));
  const droppedIds = idsOf(fresh.filter((m) => !kept.has(m)));
  const pushedOut = existing.filter((m) => !kept.has(m));
  return { series, added, addedIds: idsOf(keptFresh), droppedIds, duplicates, pushedOut };
}
