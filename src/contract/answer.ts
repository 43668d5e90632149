/**
 * Every resolver answers with one of these and never throws: the UI shows `message` (and `fields` at the
 * fields) without guessing what went wrong.
 */
export type ErrorCode =
  'VALIDATION' | 'NOT_AUTHORIZED' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED' | 'JIRA_ERROR' | 'INTERNAL';

export interface ErrorAnswer {
  code: ErrorCode;
  message: string;
  /** Field path (as `expected.target`) to the message to show at that field. */
  fields?: Record<string, string>;
  /** CONFLICT only: another writer holds the item; trying again after this many seconds finds it free. */
  retryAfterSeconds?: number;
  /** CONFLICT only, when the stored item records it: the write the request missed, who made it and when. */
  lastWrite?: LastWrite;
}

/** A stored write's author and time; `name` is null when Jira would not say it, `accountId` when none was kept. */
export interface LastWrite {
  accountId: string | null;
  name: string | null;
  at: string | null;
  /** True when the person refused is the one who wrote it (another tab, or a save whose answer was lost). */
  byYou?: boolean;
}

export type Answer<T> = { ok: true; data: T } | { ok: false; error: ErrorAnswer };
