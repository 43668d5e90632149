/**
 * A comment sent so that an answer which does not say whether it was made never leads to a second one. Jira's
 * gateway can answer 502 or 504 after the comment was made, and a call can lose its connection after the write: a
 * plain retry then comments twice. Before the comment is sent again, the issue's newest comments are read for it.
 */
import { toPlainText, type AdfNode } from '../domain/plain-text';
import { writeMayHaveLanded, writeMayLandLater } from '../errors';
import type { JiraClient } from './client';

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
 * Neither made nor refused, as far as can be told: a lost answer or a gateway's 502/504 after which the comment is
 * not found (Jira may still be making it), or a server error after which the comments could not be read. Sending it
 * again could comment twice; the caller records it as possibly made.
 */
export class CommentUnsureError extends Error {
  override readonly name = 'CommentUnsureError';
  constructor(override readonly cause: unknown) {
    super(
      `The comment may or may not have been made: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

/**
 * Adds the comment; after a server error or a lost answer, the one found made is its answer. A refusal (4xx, a
 * rate limit) made none and is thrown as it is, as is a 500 or 503 that lasts past `attempts` sends. What cannot
 * be told made or not is thrown as CommentUnsureError.
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
      if (!writeMayHaveLanded(e)) throw e;
      let made: { id: string } | null;
      try {
        made = await madeComment(jira, issueKey, body, sentAt);
      } catch {
        throw new CommentUnsureError(e);
      }
      if (made) return made;
      // Not found yet, but Jira may still be making it: sent again, it could be made twice.
      if (writeMayLandLater(e)) throw new CommentUnsureError(e);
      if (attempt >= tries.attempts) throw e;
      await sleep(tries.baseDelayMs * 2 ** (attempt - 1));
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The comment with this text among the issue's newest, made since `sentAt`; null when none. */
async function madeComment(
  jira: JiraClient,
  issueKey: string,
  body: Record<string, unknown>,
  sentAt: number,
): Promise<{ id: string } | null> {
  const newest = await jira.newestComments(issueKey);
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
