/**
 * Measurements sent from outside (the web trigger, an imported CSV file): the body read as JSON or CSV, each
 * row checked, nothing half-accepted. Pure: the day that counts as "today" is passed in.
 */

import { readTypedNumber, type DecimalMark } from './amounts';

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
  /** 1-based row of the request (the CSV header is row 0). */
  row: number;
  field: string;
  message: string;
}

export type ParseResult =
  { ok: true; measurements: IncomingMeasurement[] } | { ok: false; message: string; errors: RowError[] };

/** Most measurements one request may carry. */
export const MAX_MEASUREMENTS_PER_REQUEST = 1000;
/** Measured values beyond this size are taken for a mistake (a timestamp pasted into the value column). */
export const MAX_ABS_VALUE = 1e12;
/** No metric is measured before this day. */
export const EARLIEST_MEASUREMENT_DAY = '2000-01-01';

const ID_PATTERN = /^[A-Za-z0-9._:#-]{1,100}$/;
const OUTCOME_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
/**
 * Control characters and halves of a surrogate pair: nobody means them, and stored as JSON each takes six bytes,
 * so a series of such text would pass the storage value limit and refuse every later measurement.
 */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
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
    else target = { metric: row.metric.trim() };
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
    else source = row.source.trim();
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

/** RFC 4180 CSV: quoted fields may hold the separator, quotes ("") and line breaks. */
export function parseCsv(text: string, separator: CsvSeparator = ','): string[][] | { error: string } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const src = text.replace(/^\uFEFF/, '');
  while (i < src.length) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === separator) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (c === '\r' && src[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (quoted) return { error: 'A quoted CSV field is not closed.' };
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ''));
}

const CSV_COLUMNS = new Set(['metric', 'outcome', 'outcomeid', 'value', 'at', 'source', 'id']);

function csvRows(text: string): Array<Record<string, unknown>> | { message: string } {
  const parsed = parseCsv(text, csvSeparator(text));
  if ('error' in parsed) return { message: parsed.error };
  const [header, ...lines] = parsed;
  if (!header)
    return { message: 'The CSV is empty: send a header line (metric,value,at,source,id) and rows.' };
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
  if (twice.length) return { message: `The CSV header names the column "${twice[0]}" twice.` };
  const unknown = names.filter((n) => !CSV_COLUMNS.has(n));
  if (unknown.length)
    return {
      message: `Unknown CSV column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}: use metric or outcome, value, at, source, id.`,
    };
  if (!names.includes('value') || !names.includes('at'))
    return { message: 'The CSV header must name the value and at columns.' };
  const out: Array<Record<string, unknown>> = [];
  for (const row of lines) {
    const line =
      row.length > width && row.slice(width).every((f) => f.trim() === '') ? row.slice(0, width) : row;
    if (line.length !== names.length)
      return {
        message: `CSV row ${out.length + 1} has ${line.length} fields; the header has ${names.length}.`,
      };
    out.push(Object.fromEntries(names.map((n, i) => [n === 'outcomeid' ? 'outcome' : n, line[i]])));
  }
  return out;
}

const JSON_FIELDS = new Set(['metric', 'outcome', 'outcomeId', 'value', 'at', 'source', 'id']);

function jsonRows(text: string): Array<Record<string, unknown>> | { message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { message: 'The body is not valid JSON.' };
  }
  const body = parsed as { measurements?: unknown } | null;
  const list: unknown = Array.isArray(parsed)
    ? parsed
    : body && typeof body === 'object' && 'measurements' in body
      ? body.measurements
      : [parsed];
  if (!Array.isArray(list)) return { message: '"measurements" must be a list.' };
  if (!list.every((r) => r && typeof r === 'object' && !Array.isArray(r)))
    return { message: 'Each measurement must be an object with metric or outcome, value and at.' };
  const rows = list as Array<Record<string, unknown>>;
  // A misspelt field ("Id", "sorce") would be dropped without a word; a CSV column of that name is refused too.
  const unknown = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => !JSON_FIELDS.has(k));
  if (unknown.length)
    return {
      message: `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown
        .slice(0, 10)
        .map((u) => `"${u.slice(0, 40)}"`)
        .join(', ')}: use metric or outcome, value, at, source, id.`,
    };
  return rows;
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
 * carries their `decimalMark`, which its text values are read with.
 */
export function parseMeasurements(
  body: string,
  contentType: string | null,
  today: string,
  options: { decimalMark?: DecimalMark } = {},
): ParseResult {
  if (body.trim() === '')
    return { ok: false, message: 'The body is empty: send measurements as JSON or CSV.', errors: [] };
  // A byte-order mark (Windows tools save "UTF-8" with one) is not part of the data, in JSON as in CSV.
  const text = body.replace(/^\uFEFF/, '');
  const rows = looksLikeCsv(text, contentType) ? csvRows(text) : jsonRows(text);
  if ('message' in rows) return { ok: false, message: rows.message, errors: [] };
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
    const read = readMeasurement(row, i + 1, today, options.decimalMark);
    if ('errors' in read) errors.push(...read.errors);
    else measurements.push(read.measurement);
  });
  if (errors.length)
    return {
      ok: false,
      message: `${new Set(errors.map((e) => e.row)).size} of ${rows.length} measurements are invalid; nothing was recorded.`,
      errors: errors.slice(0, 50),
    };
  return { ok: true, measurements };
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
 * said to be recorded; `pushedOut` counts those of `existing` no longer kept.
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
  pushedOut: number;
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
  const pushedOut = existing.length - (series.length - added);
  return { series, added, addedIds: idsOf(keptFresh), droppedIds, duplicates, pushedOut };
}
