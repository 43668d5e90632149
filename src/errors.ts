/**
 * Typed errors, one family per layer, and the single mapper that turns any of them into the answer a
 * resolver sends to the UI. Messages of typed errors are written for people; anything else stays internal.
 */
import { InvocationError, InvocationErrorCode, RateLimitError as QueueRateLimitError } from '@forge/events';
import type { ErrorAnswer, LastWrite } from './contract/answer';
import { isStorageRateLimited } from './storage/kvs-client';

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }

  /** A refusal of several fields at once, said as refusalOf says it. */
  static ofFields(fields: Record<string, string>): ValidationError {
    return new ValidationError(refusalOf(fields), fields);
  }
}

/**
 * The message of a refusal of fields: what is wrong with the first, as a surface that shows no fields (a flag, a
 * card's line) must still say what to mend, and how many other fields need attention.
 */
export function refusalOf(fields: Record<string, string>): string {
  const said = Object.values(fields);
  if (said.length === 0) return 'Some fields need attention.';
  const more = said.length - 1;
  if (more === 0) return said[0]!;
  const first = /[.!?]$/.test(said[0]!) ? said[0]! : `${said[0]!}.`;
  return `${first} ${more === 1 ? 'One more field needs' : `${more} more fields need`} attention.`;
}

export class NotAuthorizedError extends Error {
  override readonly name = 'NotAuthorizedError';
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/**
 * A write based on a stale version; `current` is what is stored now, so the UI can offer a merge. When another
 * writer holds the issue, `retryAfterSeconds` says when its claim runs out; `lastWrite` names the write missed.
 */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    message: string,
    readonly current?: unknown,
    readonly retryAfterSeconds?: number,
    readonly lastWrite?: LastWrite,
  ) {
    super(message);
  }
}

/** Jira answered 429: the caller decides when to retry (the scan re-queues with a delay). */
export class JiraRateLimitError extends Error {
  override readonly name = 'JiraRateLimitError';
  constructor(readonly retryAfterMs: number) {
    super(`Jira is rate limiting the app; retry in ${Math.ceil(retryAfterMs / 1000)} s.`);
  }
}

/** Any other failed Jira answer (5xx, unexpected status). */
export class JiraHttpError extends Error {
  override readonly name = 'JiraHttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Jira answered the call (a refusal or a server error), as opposed to an answer lost on the way (a timeout, a
 * dropped connection), after which the call may still be carried out.
 */
export function answeredByJira(e: unknown): boolean {
  return (
    e instanceof JiraHttpError ||
    e instanceof JiraRateLimitError ||
    e instanceof ValidationError ||
    e instanceof NotFoundError ||
    e instanceof NotAuthorizedError
  );
}

/**
 * A write that threw may still have been carried out: after a server error (Jira's gateway can answer 502 or 504
 * after the write) or an answer lost on the way. A refusal (a 4xx, a rate limit) made none.
 */
export function writeMayHaveLanded(e: unknown): boolean {
  return (e instanceof JiraHttpError && e.status >= 500) || !answeredByJira(e);
}

/**
 * A write that threw may be carried out after the answer: a gateway's 502 or 504 (it gave up while Jira went on) or
 * an answer lost on the way. A 500 or 503 is Jira's own answer that the write is over, done or not.
 */
export function writeMayLandLater(e: unknown): boolean {
  return (e instanceof JiraHttpError && (e.status === 502 || e.status === 504)) || !answeredByJira(e);
}

/** Jira answered, but not in a shape the app understands. */
export class JiraResponseError extends Error {
  override readonly name = 'JiraResponseError';
  constructor(
    readonly operation: string,
    message: string,
  ) {
    super(`Unexpected Jira response to ${operation}: ${message}`);
  }
}

/** A value or key that app storage would refuse (size, length, count). */
export class StorageLimitError extends Error {
  override readonly name = 'StorageLimitError';
}

export type { ErrorAnswer, ErrorCode } from './contract/answer';

const GENERIC_MESSAGE =
  'Something went wrong on our side. Please try again; if it persists, tell your Jira admin.';

/**
 * How long the queue's retry of a consumer that spent the minute's storage allowance waits: past the minute Forge
 * counts storage calls in, where the queue's own back-off (seconds) would meet the same spent minute.
 */
export const STORAGE_RETRY_AFTER_SECONDS = 61;

/**
 * What a queue consumer answers for an error its work threw: a retry once storage answers again when the
 * minute's storage allowance is spent (@forge/events' InvocationError: retry after, with the reason); any other
 * error is thrown again, for the queue's own retry.
 */
export function retryAfterStorageMinute(e: unknown): InvocationError {
  if (!isStorageRateLimited(e)) throw e;
  return new InvocationError({
    retryAfter: STORAGE_RETRY_AFTER_SECONDS,
    retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
  });
}

/** A wait as a person reads it: "30 seconds", "about a minute", "about 52 minutes", "about 2 hours". */
export function waitInWords(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return minutes === 1 ? 'about a minute' : `about ${minutes} minutes`;
  return `about ${Math.round(minutes / 60)} hours`;
}

/** Maps any thrown value to a UI-safe answer. Unknown errors never reveal their message or stack. */
export function toErrorAnswer(e: unknown): ErrorAnswer {
  if (e instanceof ValidationError)
    return e.fields
      ? { code: 'VALIDATION', message: e.message, fields: { ...e.fields } }
      : { code: 'VALIDATION', message: e.message };
  if (e instanceof NotAuthorizedError) return { code: 'NOT_AUTHORIZED', message: e.message };
  if (e instanceof NotFoundError) return { code: 'NOT_FOUND', message: e.message };
  if (e instanceof ConflictError)
    return {
      code: 'CONFLICT',
      message: e.message,
      ...(e.retryAfterSeconds !== undefined ? { retryAfterSeconds: e.retryAfterSeconds } : {}),
      ...(e.lastWrite ? { lastWrite: { ...e.lastWrite } } : {}),
    };
  if (e instanceof JiraRateLimitError)
    return {
      code: 'RATE_LIMITED',
      message: `Jira is limiting how often the app may call it on this site. Nothing was lost; try again in ${waitInWords(e.retryAfterMs)}.`,
    };
  // Still refused after the storage client's waits: the installation's reads or writes for the minute are spent.
  if (isStorageRateLimited(e))
    return {
      code: 'RATE_LIMITED',
      message:
        'The app has used its storage allowance for the minute on this site. Nothing was lost; please try again in a minute.',
    };
  // Forge refused to queue the background work (its events a minute for the site are spent): nothing was started.
  if (e instanceof QueueRateLimitError)
    return {
      code: 'RATE_LIMITED',
      message:
        'The app has queued all the background work this site allows for the minute. Please try again in a minute.',
    };
  if (e instanceof StorageLimitError) return { code: 'VALIDATION', message: e.message };
  // Jira's own 5xx text or a schema mismatch is an internal detail: say what happened, not how.
  if (e instanceof JiraHttpError)
    return {
      code: 'JIRA_ERROR',
      message: `Jira could not complete the request (HTTP ${e.status}). Please try again.`,
    };
  if (e instanceof JiraResponseError)
    return {
      code: 'JIRA_ERROR',
      message: 'Jira answered in a way the app did not expect. Please try again.',
    };
  return { code: 'INTERNAL', message: GENERIC_MESSAGE };
}
