/**
 * A comment sent so that an answer which does not say whether it was made never leads to a second one. Jira's
 * gateway can answer 502 or 504 after the comment was made, and a call can lose its connection after the write: a
 * plain retry then comments twice. Before the comment is sent again, the issue's newest comments are read for it.
 */
import { toPlainText, type AdfNode } from '../domain/plain-text';
import {
  JiraHttpError,
  JiraRateLimitError,
  NotAuthorizedError,
  NotFoundError,
  ValidationError,
} from '../errors';
import type { JiraClient } from './client';
import type { JiraComment } from './schemas';

/** How far a comment's creation time (Jira's clock) may lie before the send (this function's clock). */
const CLOCK_SKEW_MS = 2 * 60_000;

export interface CommentTries {
  /** Sends after a server error (5xx) that left no comment; 1 sends once. */
  attempts: number;
  baseDelayMs: number;
  /** When the comment is sent, by the caller's clock: a comment found made before it is an older one. */
  now: Date;
}

/**
 * Adds the comment; after a server error or a lost answer, the one found made is its answer. A refusal (4xx, a
 * rate limit) made none and is thrown. A lost answer (not an HTTP error) whose comment is not found yet is thrown:
 * it may still be made, so the caller must not send it again unasked.
 */
export async function addCommentOnce(
  jira: JiraClient,
  issueKey: string,
  body: Record<string, unknown>,
  tries: CommentTries,
): Promise<{ id: string }> {
  const sentAt = tries.now.getTime();
  for (let attempt = 1; ; attempt++) {
    try {
      return await jira.addComment(issueKey, body);
    } catch (e) {
      const serverError = e instanceof JiraHttpError && e.status >= 500;
      if (answeredByJira(e) && !serverError) throw e;
      const made = await madeComment(jira, issueKey, body, sentAt);
      if (made) return made;
      if (!serverError || attempt >= tries.attempts) throw e;
      await new Promise((resolve) => setTimeout(resolve, tries.baseDelayMs * 2 ** (attempt - 1)));
    }
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

/** The comment with this text among the issue's newest, made since `sentAt`; null when none (or unreadable). */
async function madeComment(
  jira: JiraClient,
  issueKey: string,
  body: Record<string, unknown>,
  sentAt: number,
): Promise<{ id: string } | null> {
  let newest: JiraComment[];
  try {
    newest = await jira.newestComments(issueKey);
  } catch {
    return null;
  }
  const text = plain(body);
  const found = newest.find(
    (c) => plain(c.body) === text && (!c.created || Date.parse(c.created) >= sentAt - CLOCK_SKEW_MS),
  );
  return found ? { id: found.id } : null;
}

function plain(body: unknown): string {
  return toPlainText(body as AdfNode | string | null)
    .replace(/\s+/g, ' ')
    .trim();
}
