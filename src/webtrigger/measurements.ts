/**
 * Web trigger `outcome-lens-measurements`: measurements flow in from dashboards, CI jobs and scripts.
 *
 * Forge calls a web trigger's function with the HTTP request as `{ method, headers, body, path,
 * queryParameters }` (headers and query parameters as lists of strings) and sends back what it returns,
 * `{ statusCode, headers, body }` (the shapes of WebTriggerRequest / WebTriggerResponse in @forge/api). The URL
 * itself authenticates nothing, so every request must carry a project's token as `Authorization: Bearer`.
 *
 * Order of checks, each refusing with a message and changing nothing: method, token, rate limit, body, targets.
 */
import type { WebTriggerRequest, WebTriggerResponse } from '@forge/api';
import { onLine, parseMeasurements, type RowError } from '../domain/measurement-input';
import { checkBearer, takeRateSlot } from '../storage/ingest-tokens';
import { isStorageRateLimited } from '../storage/kvs-client';
import {
  ConflictingIdsError,
  differingWhy,
  droppedWhy,
  pushedOutWhy,
  recordIncoming,
  UnknownTargetError,
} from '../services/measurement-ingest';
import { StorageLimitError, ValidationError } from '../errors';
import type { Clock } from '../services/outcome-map';
import { utcDay } from '../domain/dates';

export const MEASUREMENTS_WEBTRIGGER_KEY = 'outcome-lens-measurements';
/** Forge web triggers accept larger bodies; a measurement request needs far less than this. */
export const MAX_BODY_CHARS = 512 * 1024;

export interface MeasurementsAnswer {
  ok: boolean;
  message: string;
  accepted?: number;
  duplicates?: number;
  dropped?: number;
  differing?: number;
  pushedOut?: number;
  series?: Array<{
    kind: string;
    id: string;
    name: string;
    added: number;
    duplicates: number;
    pushedOut: number;
  }>;
  errors?: RowError[];
}

function reply(
  statusCode: number,
  answer: MeasurementsAnswer,
  extra: Record<string, string[]> = {},
): WebTriggerResponse {
  return {
    statusCode,
    headers: { 'Content-Type': ['application/json'], 'Cache-Control': ['no-store'], ...extra },
    body: JSON.stringify(answer),
  };
}

/** A refusal the sender should resend after `seconds` (Retry-After, which HTTP clients and proxies honour). */
function resendAfter(statusCode: 429 | 503, seconds: number, message: string): WebTriggerResponse {
  return reply(statusCode, { ok: false, message }, { 'Retry-After': [String(seconds)] });
}

/** A header's first value, whatever case the sender wrote its name in. */
function header(request: Partial<WebTriggerRequest>, name: string): string | null {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(request.headers ?? {})) {
    if (k.toLowerCase() !== wanted) continue;
    const value = Array.isArray(v) ? v[0] : v;
    return typeof value === 'string' ? value : null;
  }
  return null;
}

export async function handleMeasurements(
  request: Partial<WebTriggerRequest>,
  clock: Clock,
): Promise<WebTriggerResponse> {
  if (request.method !== 'POST')
    return reply(
      405,
      { ok: false, message: 'Send measurements with POST (JSON or CSV).' },
      { Allow: ['POST'] },
    );
  const auth = await checkBearer(header(request, 'authorization'));
  if (!auth.ok)
    return reply(
      401,
      { ok: false, message: auth.message },
      { 'WWW-Authenticate': ['Bearer realm="outcome-lens"'] },
    );
  const now = clock.now();
  const waitSeconds = await takeRateSlot(auth.token.id, now);
  if (waitSeconds !== null)
    return resendAfter(
      429,
      waitSeconds,
      `Too many requests with this token: try again in ${waitSeconds} s (send many measurements in one request instead).`,
    );
  const body = typeof request.body === 'string' ? request.body : '';
  if (body.length > MAX_BODY_CHARS)
    return reply(413, {
      ok: false,
      message: `The body is over ${MAX_BODY_CHARS} characters: split it into several requests.`,
    });
  const today = utcDay(now);
  const parsed = parseMeasurements(body, header(request, 'content-type'), today);
  if (!parsed.ok) return reply(400, { ok: false, message: parsed.message, errors: parsed.errors });
  // Rows at fault in a CSV body are named by their line, as those the parser refuses are.
  const lined = (rows: RowError[]) => rows.map((r) => onLine(r, parsed.lines?.[r.row - 1]));
  try {
    const result = await recordIncoming(auth.token.projectKey, parsed.measurements, now);
    const message = [
      `Recorded ${result.accepted} measurement(s).`,
      ...(result.duplicates > 0
        ? [
            `${result.duplicates} were recorded before (or taken off on the project page since) and were skipped.`,
          ]
        : []),
      ...(result.dropped > 0 ? [`${result.dropped} ${droppedWhy}`] : []),
      ...(result.differing > 0 ? [`${result.differing} ${differingWhy}`] : []),
      ...(result.pushedOut > 0 ? [`${result.pushedOut} ${pushedOutWhy}`] : []),
    ].join(' ');
    return reply(200, { ok: true, message, ...result });
  } catch (e) {
    if (e instanceof UnknownTargetError)
      return reply(422, { ok: false, message: e.message, errors: lined(e.rows) });
    if (e instanceof ConflictingIdsError)
      return reply(400, { ok: false, message: e.message, errors: lined(e.rows) });
    if (e instanceof ValidationError) return reply(400, { ok: false, message: e.message });
    // Not a passing fault: the same request would fail the same way, so no resend is asked for.
    if (e instanceof StorageLimitError)
      return reply(413, {
        ok: false,
        message: `${e.message} Send fewer or shorter measurements; other series of this request may have been recorded.`,
      });
    throw e;
  }
}

/** How long a sender told to resend (503) is asked to wait. */
const RESEND_AFTER_SECONDS = 5;
/** Forge counts storage reads and writes per minute: a sender refused for them waits for the next one. */
const STORAGE_MINUTE_SECONDS = 60;

/** The Forge handler (manifest `webtrigger` → function `measurements-webtrigger`). */
export async function measurementsWebTrigger(request: WebTriggerRequest): Promise<WebTriggerResponse> {
  try {
    return await handleMeasurements(request, { now: () => new Date() });
  } catch (e) {
    // Still refused after the storage client's waits: the site's storage allowance for the minute is spent.
    if (isStorageRateLimited(e))
      return resendAfter(
        429,
        STORAGE_MINUTE_SECONDS,
        'Outcome Lens has used its storage allowance for the minute on this site. Send the same request again in a minute: what was recorded is not recorded twice.',
      );
    // Storage failed part way: what was written stays (ids, given or implicit, make a resend safe); the sender
    // is told to resend, after a pause that lets the writers it lost to finish.
    return resendAfter(
      503,
      RESEND_AFTER_SECONDS,
      'Outcome Lens could not record the measurements just now. Send the same request again in a few seconds: what was recorded is not recorded twice.',
    );
  }
}
