/**
 * Injectable faults: rate limits (429 + Retry-After), server errors, refusals (a 400 with Jira's error messages, as
 * a workflow validator's), latency, and async tasks that do not write everything they were given, matched by
 * method and path.
 */

export interface FaultMatch {
  method?: string;
  pathIncludes?: string;
  /** Text the request body must contain, e.g. one search's JQL. */
  bodyIncludes?: string;
}

export type FaultSpec =
  | { kind: 'rate-limit'; retryAfterSeconds: number; times?: number; match?: FaultMatch }
  | {
      kind: 'server-error';
      status?: 500 | 502 | 503 | 504;
      /**
       * Jira carried the call out, then its gateway answered the error (a 502 or 504 after the write). 'later': the
       * gateway gave up while Jira still works on the call, which lands after the answer, when the test says
       * (`JiraEmulator.landBackgroundTasks()`). Not charged to the rate limits.
       */
      applied?: boolean | 'later';
      /**
       * Sent with the error as Jira sends it when a resource limit is reached (a 503 with Retry-After: Atlassian's
       * "Rate limiting" page).
       */
      retryAfterSeconds?: number;
      times?: number;
      match?: FaultMatch;
    }
  | { kind: 'refused'; message: string; times?: number; match?: FaultMatch }
  | { kind: 'latency'; ms: number; times?: number; match?: FaultMatch }
  | {
      /**
       * The async task the call starts (a bulk property set, POST /issue/properties/multi) does not write some
       * issues. The spec calls the operation non-transactional, with per-issue failures in the task's result,
       * and lists FAILED, CANCELLED and DEAD among a task's ends (TaskProgressBeanObject): COMPLETE, the
       * default, lists the issues in the result's `failed`; any other end stops the task part-way and its result
       * names none. The call itself is answered 303 as usual.
       */
      kind: 'task-failure';
      status?: 'COMPLETE' | 'FAILED' | 'CANCELLED' | 'DEAD';
      /** The issues (ids) the task does not write; every issue of the call when absent. */
      issueIds?: number[];
      /** The task's message, or each failed issue's in a COMPLETE task. */
      message?: string;
      times?: number;
      match?: FaultMatch;
    }
  | {
      /**
       * A bulk fetch (POST /issue/bulkfetch) answers some of the issues it found in `issueErrors` instead of
       * `issues`: the spec's BulkIssueResults.issueErrors, "when Jira can't return an issue enumerated in a
       * request due to a retriable error or payload constraint" (the missing and the hidden are not listed).
       */
      kind: 'issue-errors';
      /** The issues (ids) answered as errors; every issue found when absent. */
      issueIds?: number[];
      message?: string;
      /** Only the app's calls, or only a person's; both when absent. */
      actor?: 'app' | 'user';
      times?: number;
      match?: FaultMatch;
    };

/** How an injected issue-errors fault changes a bulk fetch's answer. */
export interface IssueErrorsFault {
  issueIds: number[] | null;
  message: string;
}

/** How an injected task-failure fault makes the task end. */
export interface TaskFault {
  status: 'COMPLETE' | 'FAILED' | 'CANCELLED' | 'DEAD';
  issueIds: number[] | null;
  message: string | null;
}

/** The calls that start an async task of GET /task/{taskId}: only they meet a task-failure fault. */
const STARTS_ASYNC_TASK = /^\/rest\/api\/3\/issue\/properties\/multi(?:[?#]|$)/;
/** The only call that answers issueErrors. */
const BULK_FETCH = /^\/rest\/api\/3\/issue\/bulkfetch(?:[?#]|$)/;

export type ActiveFault = FaultSpec & { id: number; remaining: number | null; hits: number };

/** What a fault does to one call: a delay before, and maybe a replacement answer. */
export interface FaultEffect {
  delayMs: number;
  response: { status: number; headers: Record<string, string>; body: string } | null;
  /** The call is carried out before `response` replaces its answer, or ('later') after it. */
  applied: boolean | 'later';
  /** How the async task the call starts ends, when a fault says. */
  task: TaskFault | null;
  /** Which issues a bulk fetch answers as errors, when a fault says. */
  issueErrors: IssueErrorsFault | null;
}

export class FaultInjector {
  private readonly active: ActiveFault[] = [];
  private nextId = 1;

  /** Adds a fault; without `times` it applies to every matching call until cleared. Returns its id. */
  inject(spec: FaultSpec): number {
    if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1)) {
      throw new Error('times must be a positive integer');
    }
    const id = this.nextId++;
    this.active.push({ ...spec, id, remaining: spec.times ?? null, hits: 0 });
    return id;
  }

  clear(id?: number): void {
    if (id === undefined) this.active.length = 0;
    else {
      const index = this.active.findIndex((f) => f.id === id);
      if (index >= 0) this.active.splice(index, 1);
    }
  }

  list(): ActiveFault[] {
    return this.active.map((f) => ({ ...f }));
  }

  /** Consumes the faults that match this call: all latencies add up, the first error fault answers. */
  take(method: string, path: string, body = '', actor: 'app' | 'user' = 'app'): FaultEffect {
    const effect: FaultEffect = { delayMs: 0, response: null, applied: false, task: null, issueErrors: null };
    // Faults on a carried-out call's answer last: a call answered with an error before it is carried out
    // starts no task to fail and finds no issues.
    const onAnswer = (f: ActiveFault) => f.kind === 'task-failure' || f.kind === 'issue-errors';
    const ordered = [...this.active.filter((f) => !onAnswer(f)), ...this.active.filter(onAnswer)];
    for (const fault of ordered) {
      if (!matches(fault.match, method, path, body)) continue;
      if (fault.kind === 'task-failure') {
        const startsTask = method.toUpperCase() === 'POST' && STARTS_ASYNC_TASK.test(path);
        if (!startsTask || effect.task || (effect.response && !effect.applied)) continue;
      } else if (fault.kind === 'issue-errors') {
        const fetches = method.toUpperCase() === 'POST' && BULK_FETCH.test(path);
        if (!fetches || effect.issueErrors || effect.response || (fault.actor && fault.actor !== actor))
          continue;
      } else if (fault.kind !== 'latency' && effect.response) continue;
      fault.hits++;
      if (fault.remaining !== null && --fault.remaining <= 0) this.clear(fault.id);
      if (fault.kind === 'latency') effect.delayMs += fault.ms;
      else if (fault.kind === 'issue-errors')
        effect.issueErrors = {
          issueIds: fault.issueIds ?? null,
          message: fault.message ?? 'Retriable error: try again.',
        };
      else if (fault.kind === 'task-failure')
        effect.task = {
          status: fault.status ?? 'COMPLETE',
          issueIds: fault.issueIds ?? null,
          message: fault.message ?? null,
        };
      else if (fault.kind === 'rate-limit') {
        effect.response = {
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterSeconds) },
          body: JSON.stringify({ errorMessages: ['Rate limit exceeded.'], errors: {} }),
        };
      } else if (fault.kind === 'refused') {
        effect.response = {
          status: 400,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ errorMessages: [fault.message], errors: {} }),
        };
      } else {
        const status = fault.status ?? 500;
        effect.applied = fault.applied ?? false;
        effect.response = {
          status,
          headers: {
            'content-type': 'application/json',
            ...(fault.retryAfterSeconds !== undefined
              ? { 'retry-after': String(fault.retryAfterSeconds) }
              : {}),
          },
          body: JSON.stringify({ errorMessages: [`Injected server error ${status}.`], errors: {} }),
        };
      }
    }
    return effect;
  }
}

function matches(match: FaultMatch | undefined, method: string, path: string, body: string): boolean {
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.pathIncludes && !path.includes(match.pathIncludes)) return false;
  if (match.bodyIncludes && !body.includes(match.bodyIncludes)) return false;
  return true;
}
