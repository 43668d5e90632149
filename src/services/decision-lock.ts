/**
 * The issue's decision lock: one kill-review decision or results-review verdict on an issue at a time. Both take
 * it through this module, as a lock of src/storage/lock.ts named after the project and issue, so they store one
 * shape, compare one owner token, and a try releases only the lock it still holds.
 */
import { ConflictError } from '../errors';
import { keys } from '../storage/keys';
import { checkHeld, withLensClaim, writeHolding } from '../storage/lens-claim';
import { lockHeld, releaseAfterWork, takeLock, type HeldLock, type SameRequestPolicy } from '../storage/lock';

/**
 * How long the lock lives if its holder dies without releasing it: longer than a UI function may run (Forge
 * stops one after 25 s) plus its last call in flight, so a holder's lock never runs out while it can still write.
 */
export const DECISION_LOCK_SECONDS = 30;
/** How long a try waits for another request's decision on the same issue before it answers CONFLICT. */
export const DECISION_WAIT_MS = 3_000;
const POLL_MS = 100;

/** This try lost the issue's lock to a newer try of the same request, which completes it. */
export class SupersededError extends ConflictError {
  constructor(issueKey: string) {
    super(`A newer try of this decision on ${issueKey} took over; it completes the decision.`);
  }
}

/** This try's hold on the issue's decision lock. */
export interface HeldDecision {
  lock: HeldLock;
  /** Throws SupersededError when the lock is no longer this try's (taken over, or run out). */
  check: () => Promise<void>;
  /** Removes the lock if it is still this try's (a newer holder's stays); called once the work is recorded. */
  release: () => Promise<void>;
}

/**
 * Takes the issue's decision lock for the request `idempotencyKey`. `finished` reads whether the request was
 * recorded meanwhile (by a duplicate copy of it): then its answer is returned instead of a lock. A lock of another
 * request is waited for `waitMs`, then answered with CONFLICT and when to retry; a lock of an earlier try of the
 * same request is handled as `sameRequest` says (src/storage/lock.ts, SameRequestPolicy).
 */
export async function takeDecisionLock<R>(
  projectKey: string,
  issueKey: string,
  idempotencyKey: string,
  options: { sameRequest: SameRequestPolicy; finished: () => Promise<R | null>; waitMs?: number },
): Promise<{ held: HeldDecision; done?: never } | { held: null; done: R }> {
  const taken = await takeLock(keys.decisionLock(projectKey, issueKey), {
    ttlSeconds: DECISION_LOCK_SECONDS,
    requestId: idempotencyKey,
    waitMs: options.waitMs ?? DECISION_WAIT_MS,
    sameRequest: options.sameRequest,
    pollMs: POLL_MS,
    doneMeanwhile: options.finished,
  });
  if (taken.status === 'held') {
    const lock = taken.held;
    return {
      held: {
        lock,
        check: async () => {
          if (!(await lockHeld(lock))) throw new SupersededError(issueKey);
        },
        release: () => releaseAfterWork(lock),
      },
    };
  }
  if (taken.status === 'done') return { held: null, done: taken.done };
  const seconds = taken.retryAfterSeconds;
  throw new ConflictError(
    `Another decision on ${issueKey} is being recorded. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
    undefined,
    seconds,
  );
}

/**
 * Takes, without waiting, the decision locks of many issues for work that acts on them together (a bulk Kill's one
 * transition of a chunk), each for the request id its own decision uses later, which then takes it over at once.
 * An issue whose lock someone else holds is left out: a decision is being made on it now. Answers the issues held
 * and a release of all their locks, to call once the joint work is over.
 */
export async function holdDecisionLocks(
  projectKey: string,
  items: ReadonlyArray<{ issueKey: string; requestId: string }>,
  ttlSeconds: number,
): Promise<{ held: string[]; release: () => Promise<void> }> {
  const tries = await Promise.allSettled(
    items.map(({ issueKey, requestId }) =>
      takeLock(keys.decisionLock(projectKey, issueKey), {
        ttlSeconds,
        requestId,
        waitMs: 0,
        sameRequest: 'take-over',
      }),
    ),
  );
  const locks: HeldLock[] = [];
  const held: string[] = [];
  tries.forEach((t, i) => {
    if (t.status === 'fulfilled' && t.value.status === 'held') {
      locks.push(t.value.held);
      held.push(items[i]!.issueKey);
    }
  });
  const release = async () => {
    await Promise.all(locks.map((lock) => releaseAfterWork(lock)));
  };
  const failed = tries.find((t): t is PromiseRejectedResult => t.status === 'rejected');
  if (failed) {
    await release();
    throw failed.reason;
  }
  return { held, release };
}

/**
 * The check a decision makes before each write (its lock and claim are still this try's), and how it writes the
 * lens: through the claim (writeHolding), so that a lens write Jira may still carry out keeps the claim, unless
 * `landed` finds it in the lens read back.
 */
export interface ClaimCheck {
  (): Promise<void>;
  writeLens<R>(write: () => Promise<R>, landed: () => Promise<boolean>): Promise<R>;
  /**
   * The earlier try of this request, whose claim this try took over, is known to have written its lens (the lens
   * carries its marker): nothing of it is left to land late, so the claim is given back when this try ends.
   */
  earlierWriteLanded(): void;
}

/**
 * Runs `work` inside the issue's lens claim while holding its decision lock, handing it the one check to make
 * before each write: both are still this try's (a try that lost either writes nothing more).
 */
export function withClaimUnderLock<T>(
  held: HeldDecision,
  issueKey: string,
  work: (check: ClaimCheck) => Promise<T>,
  message: string,
  options: { requestId: string; sameRequest?: SameRequestPolicy },
): Promise<T> {
  return withLensClaim(
    issueKey,
    (claim) => {
      const check = async () => {
        await held.check();
        await checkHeld(claim);
      };
      return work(
        Object.assign(check, {
          writeLens: <R>(write: () => Promise<R>, landed: () => Promise<boolean>) =>
            writeHolding(claim, write, landed),
          earlierWriteLanded: () => {
            claim.writeMayLandLate = false;
          },
        }),
      );
    },
    message,
    options,
  );
}
