/**
 * One decision (Kill, Keep or Relink) over many items, run as background work: the resolver records the job
 * and queues it, the queue consumer decides the items a chunk per invocation and queues the next chunk, and the
 * page polls the job's progress.
 *
 * Each item goes through the single decision (its own log row, intent and claims) with an idempotency key made
 * from the job's and the issue's, so a retried step, a duplicated event or the person sending the same bulk
 * request again never acts twice on an item: it replays it. A Kill closes a chunk with Jira's bulk transition
 * when the person holds the global bulk-change permission and the kill transition needs no field (Jira's bulk
 * transition takes none); otherwise each item is transitioned by its own decision.
 *
 * The consumer has no user of its own, and Forge offers no acting as another user: it acts as the app, and at
 * every step first asks Jira (permissions/check) whether the person who started the job still holds what the
 * decision uses; when they no longer do, what is left is reported as not decided. The log rows and the kill
 * comments name the person.
 */
import { kvs } from '../storage/kvs-client';
import { Queue, type InvocationError } from '@forge/events';
import { z } from 'zod';
import {
  MAX_BULK_ITEMS,
  type BulkJobData,
  type Decision,
  type queueFilterSchema,
} from '../contract/project-page';
import { ISSUE_PROPERTY_KEY, readLens, type IssueLens } from '../domain/issue-lens';
import type { Settings } from '../domain/settings';
import type { QueueSort } from '../domain/zombie-queue';
import {
  ConflictError,
  JiraHttpError,
  JiraRateLimitError,
  JiraResponseError,
  NotAuthorizedError,
  NotFoundError,
  StorageLimitError,
  ValidationError,
  retryAfterStorageMinute,
  toErrorAnswer,
  writeMayHaveLanded,
} from '../errors';
import { JiraClient } from '../jira/client';
import { spreadRetryAfterSeconds } from '../scan/pacing';
import { MAX_EVENT_RETRIES } from '../scan/queue';
import type { JiraIssue } from '../jira/schemas';
import type { CallContext } from '../resolvers/endpoint';
import { keys } from '../storage/keys';
import { claimOwn } from '../storage/kv';
import {
  decideChecked,
  linkedMeanwhileMessage,
  decisionSetting,
  dropUnbegunBulkIntents,
  matchingKeys,
  recordBulkKillIntent,
  recordedDecisions,
  refuseDatesOutOfReach,
  requireDecider,
} from './kill-review';
import { holdDecisionLocks } from './decision-lock';
import { statusCategoryOf } from './issue-facts';
import type { Clock } from './outcome-map';
import {
  browsableBy,
  mayBulkChange,
  missingItemRights,
  personRights,
  requireBrowse,
  requirePersonMayDecide,
  targetProject,
  unseenIssue,
  type PersonRights,
} from './project-access';

/** Queue key in manifest.yml (consumer outcome-lens-bulk-consumer). */
export const BULK_QUEUE = 'outcome-lens-bulk';
/** Items one invocation decides: a Kill is a handful of Jira calls, so 50 stay far inside the 900 s limit. */
export const BULK_CHUNK = 50;
/** Tries of one item that met a server error or a busy issue before it is reported as not decided. */
const ITEM_ATTEMPTS = 3;
/** A busy item whose CONFLICT names no wait is tried again after the claims' lifetime (25 s). */
const BUSY_RETRY_SECONDS = 26;
const SERVER_ERROR_RETRY_SECONDS = 2;
const JOB_TTL = { value: 30, unit: 'DAYS' } as const;
/** A step's claim outlives its invocation (900 s at most). */
const STEP_CLAIM = { value: 20, unit: 'MINUTES' } as const;
/**
 * A job not done that nothing saved for this long has stalled (its next event was lost): the same request may
 * resume it. A running job saves after every item and waits at most 900 s between steps, so an hour (four times
 * a step's 900 s limit) is never reached by a job still at work.
 */
const STALLED_AFTER_MS = 60 * 60 * 1000;
/**
 * Jira's bulk transition is polled for up to 30 s: each item's own decision runs after it, and one run while the
 * task is still going would close that item a second time (a workflow's transition out of any status).
 */
const TASK_POLLS = 120;
const TASK_POLL_MS = 250;
/**
 * How long a chunk's decision locks live if the step dies holding them, or keeps them for a task still running
 * after its polls: past recording the intents, the transition and the wait for its task (TASK_POLLS ×
 * TASK_POLL_MS). A task Jira runs longer still is met by each item's own decision, which resumes its intent.
 */
const BULK_TRANSITION_HOLD_SECONDS = 90;
/** How long an item sent to a bulk transition is known as such: past the step that decides it, and its retries. */
const BULK_CLOSING_TTL = { value: 1, unit: 'HOURS' } as const;

type QueueFilter = z.infer<typeof queueFilterSchema>;

interface StoredBulkJob extends BulkJobData {
  projectKey: string;
  accountId: string;
  /** The person's display name when they started the job (the consumer has no user to ask). */
  actorName?: string | null;
  decision: Decision;
  filter: QueueFilter | null;
  /** A filter's order (the queue's sort when it was started); by key when absent. */
  sort?: QueueSort;
  /** Items that serve an outcome by the time they are decided are left as they are (the map's bulk link). */
  onlyUnlinked?: boolean;
  /** How many items the filter matched when the person confirmed it; absent when an older page sent none. */
  confirmedCount?: number;
  /** Items not decided yet, in order; null until a filter's selection is resolved. */
  pending: string[] | null;
  /** Which invocation may run next: an older event (a duplicate) finds a later step and does nothing. */
  step: number;
  attempts: Record<string, number>;
  /** When the job was last saved; absent on jobs saved before it was recorded (their startedAt stands in). */
  savedAt?: string;
  /**
   * When the current step's event was queued to arrive, if it was queued to wait (busy items, Jira's rate limit):
   * the same request sent meanwhile does not queue it sooner. Absent when it was queued to run at once.
   */
  stepDueAt?: string;
}

export const bulkEventSchema = z.object({
  projectKey: z.string().regex(/^[A-Z][A-Z0-9_]{0,254}$/),
  jobId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  step: z.number().int().min(0),
});
export type BulkEvent = z.infer<typeof bulkEventSchema>;

/** The idempotency key of one item of a bulk decision: the same for every try of that item. */
export function bulkItemKey(jobId: string, issueKey: string): string {
  return `${jobId}-n${issueKey.slice(issueKey.lastIndexOf('-') + 1)}`;
}

function view(job: StoredBulkJob): BulkJobData {
  return {
    jobId: job.jobId,
    kind: job.kind,
    status: job.status,
    total: job.total,
    decided: job.decided,
    failed: job.failed,
    method: job.method,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    note: job.note ?? null,
  };
}

const NOT_DONE: Record<Decision['kind'], string> = { kill: 'killed', keep: 'kept', relink: 'relinked' };

const LIMIT = MAX_BULK_ITEMS.toLocaleString('en');

/** Why a listed selection is refused: it names the limit and what was selected. */
function tooManyItems(count: number): ValidationError {
  const message = `One bulk decision takes at most ${LIMIT} items (as many as Jira's bulk APIs take), and ${count.toLocaleString('en')} are selected: nothing was started. Select at most ${LIMIT} and decide the rest in a second run.`;
  return new ValidationError(message, { 'selection.keys': message });
}

/** What a filter's bulk decision says when the filter matches more items than the person confirmed. */
function moreThanConfirmed(matching: number, confirmed: number, kind: Decision['kind']): string {
  const [now, then] = [matching, confirmed].map((n) => n.toLocaleString('en'));
  return `The filter now matches ${now} items, not the ${then} you confirmed: nothing was ${NOT_DONE[kind]}. Review the list and confirm again.`;
}

/** What a filter's bulk decision says when the filter reaches past what one decision takes. */
const CUT_AT_LIMIT = `Only the first ${LIMIT} flagged items were taken (the most one bulk decision handles), and more match the filter: they are not part of this decision. Run it again once these are decided.`;

/** A delay as the queue takes it: whole seconds, at most Forge's 900. */
const queueDelay = (delaySeconds: number) => Math.min(900, Math.max(0, Math.ceil(delaySeconds)));

async function push(event: BulkEvent, delaySeconds = 0): Promise<void> {
  const delay = queueDelay(delaySeconds);
  await new Queue({ key: BULK_QUEUE }).push(
    delay > 0 ? [{ body: event, delayInSeconds: delay }] : [{ body: event }],
  );
}

async function save(job: StoredBulkJob, clock: Clock): Promise<void> {
  job.savedAt = clock.now().toISOString();
  await kvs.set(keys.bulkJob(job.projectKey, job.jobId), job, { ttl: JOB_TTL });
}

/**
 * Starts a bulk decision, or answers the one started with the same id. That one is resumed only once it is done
 * with failures, or stalled: what failed (or was left when the work stopped) is queued again with the same
 * per-item keys, so what was decided is not decided twice.
 */
export async function startBulkDecision(
  call: CallContext,
  input: {
    idempotencyKey: string;
    decision: Decision;
    selection:
      | { keys: string[]; onlyUnlinked?: true | undefined }
      | { filter: QueueFilter; sort?: QueueSort | undefined; confirmedCount?: number | undefined };
  },
  clock: Clock,
): Promise<BulkJobData> {
  const projectKey = targetProject(call);
  requireDecider(await requireBrowse(projectKey), input.decision.kind);
  const jobKey = keys.bulkJob(projectKey, input.idempotencyKey);
  const existing = await kvs.get<StoredBulkJob>(jobKey);
  if (existing) return resume(call, existing, clock);
  // Each item's decision runs later, as background work, which no longer judges the dates: they are judged here.
  refuseDatesOutOfReach(input.decision, clock.now());
  // "Only while unlinked" stands in for the still-flagged check, which is right for a relink only: a kill or keep
  // sent with it would act on open work no scan flagged.
  if ('keys' in input.selection && input.selection.onlyUnlinked && input.decision.kind !== 'relink')
    throw new ValidationError(
      'Only a relink may be limited to items serving no outcome: nothing was started.',
    );
  const actorName = await JiraClient.asUser()
    .myselfName()
    .catch(() => null); // a missing name must not block the work
  const listed = 'keys' in input.selection ? [...new Set(input.selection.keys)] : null;
  if (listed && listed.length > MAX_BULK_ITEMS) throw tooManyItems(listed.length);
  for (const key of listed ?? [])
    if (key.split('-')[0] !== projectKey)
      throw new ConflictError(`${key} is not in project ${projectKey}: nothing was started.`);
  const job: StoredBulkJob = {
    jobId: input.idempotencyKey,
    kind: input.decision.kind,
    status: 'queued',
    total: listed ? listed.length : null,
    decided: 0,
    failed: [],
    method: input.decision.kind === 'kill' ? null : 'one-by-one',
    startedAt: clock.now().toISOString(),
    finishedAt: null,
    savedAt: clock.now().toISOString(),
    projectKey,
    accountId: call.accountId,
    actorName,
    decision: input.decision,
    filter: 'filter' in input.selection ? input.selection.filter : null,
    ...('filter' in input.selection && input.selection.sort ? { sort: input.selection.sort } : {}),
    ...('filter' in input.selection && input.selection.confirmedCount !== undefined
      ? { confirmedCount: input.selection.confirmedCount }
      : {}),
    ...('keys' in input.selection && input.selection.onlyUnlinked ? { onlyUnlinked: true } : {}),
    pending: listed,
    step: 0,
    attempts: {},
  };
  // Of two identical requests at once, one records the job; the other answers with it. A record this call stored
  // whose write still answered an error is its own (claimOwn).
  if (!(await claimOwn(jobKey, { ...job }, JOB_TTL))) {
    const first = await kvs.get<StoredBulkJob>(jobKey);
    if (first) return resume(call, first, clock);
  }
  await push({ projectKey, jobId: job.jobId, step: 0 });
  return view(job);
}

async function resume(call: CallContext, job: StoredBulkJob, clock: Clock): Promise<BulkJobData> {
  if (job.accountId !== call.accountId)
    throw new NotAuthorizedError('This bulk decision was started by someone else.');
  // A job still queued or running is answered as it stands: the invocation running it holds its own copy and
  // would save it over a resumed one, leaving the resumed step's event ignored and the job running for good.
  const resumable = job.status === 'done' ? job.failed.length > 0 : await stalled(job, clock);
  if (!resumable) {
    // Nothing holds its current step: that step's event was lost (a push refused after the job was stored, or
    // after a step saved the next) or is still on its way. Queued again: a copy that finds the step claimed, or
    // the job past it, is ignored (runBulkStep), so the step runs once either way.
    const due = !job.stepDueAt || clock.now().getTime() >= Date.parse(job.stepDueAt);
    if (job.status !== 'done' && due && !(await stepHeld(job)))
      await push({ projectKey: job.projectKey, jobId: job.jobId, step: job.step });
    return view(job);
  }
  // Resumed days later, a Keep's snooze or kill date may have passed since it was started: judged again.
  refuseDatesOutOfReach(job.decision, clock.now());
  const again: StoredBulkJob = {
    ...job,
    status: 'running',
    finishedAt: null,
    pending: job.pending === null ? null : [...job.pending, ...job.failed.map((f) => f.key)],
    failed: [],
    attempts: {},
    step: job.step + 1,
    stepDueAt: undefined,
  };
  await save(again, clock);
  await push({ projectKey: job.projectKey, jobId: job.jobId, step: again.step });
  return view(again);
}

/**
 * A job not done that nothing saved for STALLED_AFTER_MS and whose current step no invocation holds: nothing
 * runs it, and nothing will. An invocation holds its step's claim for as long as it can run.
 */
async function stalled(job: StoredBulkJob, clock: Clock): Promise<boolean> {
  const lastSaved = Date.parse(job.savedAt ?? job.startedAt);
  if (clock.now().getTime() - lastSaved < STALLED_AFTER_MS) return false;
  return !(await stepHeld(job));
}

/** When an event queued now with `delaySeconds` arrives (as push caps it); undefined for one queued to run at once. */
function dueAt(clock: Clock, delaySeconds: number): string | undefined {
  const delay = queueDelay(delaySeconds);
  return delay > 0 ? new Date(clock.now().getTime() + delay * 1000).toISOString() : undefined;
}

/** Records on the job when its current step, `event`'s, is due again. */
async function markStepDue(event: BulkEvent, at: string | undefined, clock: Clock): Promise<void> {
  const job = await kvs.get<StoredBulkJob>(keys.bulkJob(event.projectKey, event.jobId));
  if (!job || job.status === 'done' || job.step !== event.step) return;
  await save({ ...job, stepDueAt: at }, clock);
}

/** Whether a delivery of the job's current step has claimed it (it runs, or ran and stopped). */
async function stepHeld(job: StoredBulkJob): Promise<boolean> {
  return (await kvs.get(keys.bulkStep(job.projectKey, job.jobId, job.step))) !== undefined;
}

export async function bulkJobStatus(call: CallContext, jobId: string): Promise<BulkJobData> {
  const projectKey = targetProject(call);
  await requireBrowse(projectKey);
  const job = await kvs.get<StoredBulkJob>(keys.bulkJob(projectKey, jobId));
  if (!job) throw new NotFoundError('No such bulk decision in this project.');
  return view(job);
}

type StepOutcome = { status: 'done' | 'continued' | 'ignored' | 'waiting' };

/** One invocation of a bulk decision: up to BULK_CHUNK items, then the next step is queued. */
export async function runBulkStep(event: BulkEvent, clock: Clock, retryCount = 0): Promise<StepOutcome> {
  const jobKey = keys.bulkJob(event.projectKey, event.jobId);
  const job = await kvs.get<StoredBulkJob>(jobKey);
  if (job && job.status !== 'done' && retryCount > 0 && job.step === event.step + 1) {
    // This step saved the next one and its push was then refused (Forge's 500 events a minute, a 5xx): the
    // queue's retry of this step pushes it again. Should both arrive, the second finds the job past its step.
    await push({ projectKey: job.projectKey, jobId: job.jobId, step: job.step });
    return { status: 'continued' };
  }
  // A duplicate or late event: the job is past this step, or over.
  if (!job || job.step !== event.step || job.status === 'done') return { status: 'ignored' };
  // Two copies of one event delivered at once would both find the job at this step: one runs it. The queue's own
  // retry of the step (its delivery failed or was stopped at its time limit) takes it over.
  const stepKey = keys.bulkStep(event.projectKey, event.jobId, event.step);
  if (!(await claimOwn(stepKey, { at: clock.now().toISOString() }, STEP_CLAIM))) {
    if (retryCount === 0) return { status: 'ignored' };
    await kvs.set(stepKey, { at: clock.now().toISOString(), retry: retryCount }, { ttl: STEP_CLAIM });
  }
  const call: CallContext = {
    accountId: job.accountId,
    moduleKey: null,
    issueKey: null,
    projectKey: job.projectKey,
    background: { actorName: job.actorName ?? null },
  };
  const next = async (delaySeconds = 0): Promise<StepOutcome> => {
    job.step++;
    job.stepDueAt = dueAt(clock, delaySeconds);
    await save(job, clock);
    await push({ projectKey: job.projectKey, jobId: job.jobId, step: job.step }, delaySeconds);
    return { status: delaySeconds > 0 ? 'waiting' : 'continued' };
  };
  let rights: PersonRights;
  try {
    // Rights can change while the work runs: the person's are checked again at every step, before the app
    // acts for them.
    rights = await personRights(job.projectKey, job.accountId);
    requirePersonMayDecide(rights, job.projectKey, job.kind);
  } catch (e) {
    if (!(e instanceof NotAuthorizedError)) throw e;
    const left = job.pending ?? [];
    job.failed.push(...left.map((key) => ({ key, message: e.message })));
    job.pending = [];
    return finish(job, clock);
  }
  job.status = 'running';
  if (job.pending === null) {
    const matching = await matchingKeys(job.projectKey, job.filter ?? {}, clock.now(), 'app', job.sort);
    // Resolved as the app, which sees every issue: one the person may not see (its security level) is neither
    // decided, counted nor named for them.
    const visible = await browsableBy(
      job.accountId,
      matching.keys.map((k) => matching.idOf.get(k) ?? '').filter((id) => id !== ''),
    );
    matching.keys = matching.keys.filter((k) => visible.has(matching.idOf.get(k) ?? ''));
    // More match than the person confirmed (the scan flagged some since): none is decided rather than the first
    // ones confirmed, as those flagged since may sort among the ones the person saw, and a Kill of items nobody
    // looked at closes and comments on them; confirming again costs a click. Fewer is fine: those left the queue.
    if (job.confirmedCount !== undefined && matching.keys.length > job.confirmedCount) {
      job.note = moreThanConfirmed(matching.keys.length, job.confirmedCount, job.kind);
      job.pending = [];
      job.total = 0;
      return finish(job, clock);
    }
    job.pending = matching.keys.slice(0, MAX_BULK_ITEMS);
    job.total = job.pending.length;
    // Never cut silently: the person is told what was left out and what to do about it.
    if (matching.truncated || matching.keys.length > MAX_BULK_ITEMS) job.note = CUT_AT_LIMIT;
    await save(job, clock);
  }
  const chunk = job.pending.slice(0, BULK_CHUNK);
  // Each item's idempotency key is read once for the chunk: an item an earlier try decided is counted, not
  // decided again, whatever the person holds now.
  const recorded = await recordedDecisions(
    job.projectKey,
    chunk.map((k) => bulkItemKey(job.jobId, k)),
  );
  const decidedBefore = (issueKey: string) => recorded.get(bulkItemKey(job.jobId, issueKey)) === true;
  // What each decision reads besides its issue (settings, outcomes) is read once for the chunk.
  const setting = await decisionSetting(job.projectKey);
  const { settings } = setting;
  const undecided = chunk.filter((k) => !decidedBefore(k));
  if (job.kind === 'kill') {
    if (job.method === null) {
      job.method = (await bulkTransitionFits(settings, rights)) ? 'bulk-transition' : 'one-by-one';
      await save(job, clock);
    }
    // The settings are read again for each chunk: a kill transition an admin renamed since the job began may no
    // longer set the kill's resolution, which a bulk transition cannot send. The rest is closed one by one.
    if (job.method === 'bulk-transition' && !transitionSetsResolution(settings)) {
      job.method = 'one-by-one';
      await save(job, clock);
    }
  }
  // A Kill's bulk transition holds each item's decision lock from before its lens is read until the transition is
  // over, as the item's own decision would: a Keep made meanwhile waits, then finds the item closed, instead of
  // being answered "kept" while the transition closes it. An item someone is deciding now is left out of it.
  const closing =
    job.kind === 'kill' && job.method === 'bulk-transition' && undecided.length > 0
      ? await holdDecisionLocks(
          job.projectKey,
          undecided.map((issueKey) => ({ issueKey, requestId: bulkItemKey(job.jobId, issueKey) })),
          BULK_TRANSITION_HOLD_SECONDS,
        )
      : null;
  let bulkClosing = new Map<string, string>();
  let stillClosing = false;
  let fetched: JiraIssue[];
  let refused: Map<string, string[]>;
  /** Each fetched item's lens, read once: whether it is still flagged, and when (a Kill's intent keeps it). */
  let lensOf = new Map<string, IssueLens>();
  const flaggedAt = (issueKey: string) => lensOf.get(issueKey)?.flag?.flaggedAt;
  try {
    // The chunk's undecided items are fetched once, for the person's rights on each, a Kill's bulk transition and
    // the map's check that an item still serves no outcome.
    fetched =
      undecided.length === 0
        ? []
        : await JiraClient.asApp().bulkFetchIssues(undecided, {
            fields: ['status', 'project'],
            ...((job.decision.kind === 'relink' && job.onlyUnlinked) || job.kind === 'kill'
              ? { properties: [ISSUE_PROPERTY_KEY] }
              : {}),
          });
    // An issue moved out of the project answers to its old key under its new one: it is left to its own
    // decision below, which refuses it, and never reaches the bulk transition.
    const wanted = new Set(undecided.map((k) => k.toUpperCase()));
    const issues = fetched.filter(
      (i) => wanted.has(i.key.toUpperCase()) && (i.fields.project?.key ?? job.projectKey) === job.projectKey,
    );
    // Each item is decided as the app: only those the person may see and edit (and, for a Kill, transition and
    // resolve), asked per issue since a security level can hide one issue of a project they may browse.
    refused = await missingItemRights(job.accountId, issues, job.kind);
    lensOf = new Map(issues.map((i) => [i.key, readLens(i.properties?.[ISSUE_PROPERTY_KEY])] as const));
    if (closing) {
      const held = new Set(closing.held);
      ({ sent: bulkClosing, stillClosing } = await closeByBulkTransition(
        job,
        // Only items still flagged: one decided since it was listed is left to its own decision, which refuses it.
        issues.filter((i) => held.has(i.key) && !refused.has(i.key) && lensOf.get(i.key)?.zombie === 'true'),
        settings,
        clock,
        flaggedAt,
      ));
    }
  } finally {
    // A task still running may yet close items: their locks run out in their time, or go as each item's own
    // decision, which takes its lock over, is made below.
    if (!stillClosing) await closing?.release();
  }
  // Listed as serving no outcome when the person chose them: one linked meanwhile to another outcome keeps it.
  // One already serving the chosen outcome goes on (an earlier try of this step may have linked it).
  const linked = new Set<string>();
  if (job.decision.kind === 'relink' && job.onlyUnlinked) {
    const chosen = job.decision.outcomeId;
    for (const issue of fetched) {
      const served = readLens(issue.properties?.[ISSUE_PROPERTY_KEY]).outcomeId;
      if (served && served !== chosen) linked.add(issue.key);
    }
  }
  for (const issueKey of chunk) {
    const idempotencyKey = bulkItemKey(job.jobId, issueKey);
    if (linked.has(issueKey)) {
      job.failed.push({
        key: issueKey,
        message: linkedMeanwhileMessage(issueKey),
      });
      job.pending = job.pending.slice(1);
      await save(job, clock);
      continue;
    }
    const lacks = refused.get(issueKey);
    if (lacks) {
      const who = job.actorName ?? 'The person who started this bulk decision';
      const why =
        job.kind === 'kill' && !lacks.some((l) => l === 'Browse Projects' || l === 'Edit Issues')
          ? ' (a Kill transitions and resolves the issue)'
          : '';
      job.failed.push({
        key: issueKey,
        // An issue the person may not see (a security level) is answered as a key that does not exist.
        message: lacks.includes('Browse Projects')
          ? unseenIssue(issueKey)
          : `${who} does not hold ${lacks.join(' or ')} on ${issueKey}: not ${NOT_DONE[job.kind]}, nothing was done to it${why}.`,
      });
      job.pending = job.pending.slice(1);
      await save(job, clock);
      continue;
    }
    try {
      const transition = bulkClosing.get(issueKey);
      // The bulk closed it for this decision: its intent must be there when the decision runs, or the decision
      // would find the issue "already closed" and record nothing. Recorded again should anything have removed it.
      if (transition && !decidedBefore(issueKey))
        await recordBulkKillIntent(job.projectKey, idempotencyKey, issueKey, {
          decision: job.decision,
          accountId: job.accountId,
          actorName: job.actorName ?? null,
          jobId: job.jobId,
          at: clock.now().toISOString(),
          transition,
          flaggedAt: flaggedAt(issueKey),
        });
      // Decided by an earlier try: its log row stands (a decision would only replay it).
      if (!decidedBefore(issueKey))
        await decideChecked(call, { issueKey, idempotencyKey, decision: job.decision }, clock, {
          knownUnrecorded: recorded.get(idempotencyKey) === false,
          setting,
          // Items listed as serving no outcome need not be flagged, but must still serve none; the kill review's
          // must still be flagged.
          listedAs: job.onlyUnlinked ? 'unlinked' : 'flagged',
        });
      job.decided++;
    } catch (e) {
      if (e instanceof JiraRateLimitError) return next(spreadRetryAfterSeconds(e.retryAfterMs));
      // Busy: another writer holds the issue (a CONFLICT that says when to retry), or Jira failed.
      const busy = e instanceof ConflictError && e.retryAfterSeconds !== undefined;
      const transient = busy || (e instanceof JiraHttpError && e.status >= 500) || unanswered(e);
      const tries = (job.attempts[issueKey] ?? 0) + 1;
      if (transient && tries < ITEM_ATTEMPTS) {
        job.attempts[issueKey] = tries;
        return next(busy ? (e.retryAfterSeconds ?? BUSY_RETRY_SECONDS) : SERVER_ERROR_RETRY_SECONDS);
      }
      job.failed.push({
        key: issueKey,
        message: await failureMessage(e, issueKey, job.kind === 'kill'),
      });
    }
    job.pending = job.pending.slice(1);
    await save(job, clock);
  }
  if (job.pending.length > 0) return next();
  return finish(job, clock);
}

/**
 * What the job says of an item it could not decide, in the words the surfaces use for the error: Jira's own text
 * (a server's body) is no message to a person. A Kill's item closed already (by the bulk transition, or by an
 * earlier try of its own) though not logged is said to be closed: "not decided" alone would have the person look
 * for it among the open ones.
 */
async function failureMessage(e: unknown, issueKey: string, kill: boolean): Promise<string> {
  const why = toErrorAnswer(e).message;
  // Only a failure of Jira or storage leaves a kill half done; a refusal (decided meanwhile, no right) did nothing.
  const failed = e instanceof JiraHttpError || e instanceof JiraResponseError || unanswered(e);
  if (!kill || !failed) return why;
  const closed = await JiraClient.asApp()
    .getIssue(issueKey, { fields: ['status'] })
    .then((issue) => statusCategoryOf(issue) === 'done')
    .catch(() => false);
  return closed
    ? `${issueKey} is closed, but its kill was not finished (its log row and comment): ${why.replace(/ Please try again\.$/, '')} Resume finishes it.`
    : why;
}

/**
 * No answer at all (a connection reset, a timeout, storage failing), as opposed to a refusal Jira or the app
 * explained: worth another try, like a server error.
 */
function unanswered(e: unknown): boolean {
  return ![
    ValidationError,
    NotAuthorizedError,
    NotFoundError,
    ConflictError,
    JiraHttpError,
    JiraResponseError,
    StorageLimitError,
  ].some((known) => e instanceof known);
}

async function finish(job: StoredBulkJob, clock: Clock): Promise<StepOutcome> {
  // The person is told these were not killed: a bulk intent left for one whose issue stayed open goes, so a
  // later close by hand is never logged as this kill. Before the job is done, while the sweep leaves them alone.
  if (job.kind === 'kill' && job.failed.length > 0)
    await dropUnbegunBulkIntents(
      job.projectKey,
      job.failed.map((f) => ({ issueKey: f.key, idempotencyKey: bulkItemKey(job.jobId, f.key) })),
    ).catch((e: unknown) => {
      if (e instanceof JiraRateLimitError) throw e;
      console.warn('bulk kill: intents of failed items left for their TTL', e);
    });
  job.status = 'done';
  job.finishedAt = clock.now().toISOString();
  await save(job, clock);
  return { status: 'done' };
}

/**
 * Jira's bulk transition takes no field, so it can close an item only through a transition that sets the
 * resolution itself (one named like the resolution, as the single Kill uses without a field), and only when
 * both the person and the app, which calls it, hold the global bulk-change permission.
 */
/**
 * Whether the kill's transition is named as its resolution: Jira's bulk transition sends no fields, so it closes
 * an item as the kill would only through a transition of the resolution's own name.
 */
function transitionSetsResolution(settings: Settings): boolean {
  const name = settings.kill.transitionName ?? settings.kill.resolutionName;
  return name.toLowerCase() === settings.kill.resolutionName.toLowerCase();
}

async function bulkTransitionFits(settings: Settings, rights: PersonRights): Promise<boolean> {
  if (!rights.bulkChange || !transitionSetsResolution(settings)) return false;
  try {
    return await mayBulkChange(JiraClient.asApp());
  } catch (e) {
    if (e instanceof JiraRateLimitError) throw e;
    return false;
  }
}

/**
 * Closes the chunk's open items with one bulk transition: `issues` are its undecided items the person may
 * kill, as the step fetched them. Each item's intent is recorded first, so its own decision, run next, knows the
 * issue was closed for it and does not transition it again; an item the bulk could not close (no such
 * transition, a validator, a fault) is transitioned by its own decision.
 */
async function closeByBulkTransition(
  job: StoredBulkJob,
  issues: readonly JiraIssue[],
  settings: Settings,
  clock: Clock,
  flaggedAt: (issueKey: string) => string | undefined,
): Promise<{ sent: Map<string, string>; stillClosing: boolean }> {
  const wanted = (settings.kill.transitionName ?? settings.kill.resolutionName).toLowerCase();
  const jira = JiraClient.asApp();
  /** The items sent to the bulk transition, with the transition's name. */
  const sent = new Map<string, string>();
  let stillClosing = false;
  try {
    const open = issues.filter((issue) => statusCategoryOf(issue) !== 'done').map((issue) => issue.key);
    if (open.length === 0) return { sent, stillClosing };
    const inputs: Array<{ keys: string[]; transitionId: string; name: string }> = [];
    for (const group of await jira.bulkTransitions(open)) {
      const t = group.transitions.find((x) => x.transitionName.toLowerCase() === wanted);
      const keysOfGroup = group.issues.filter((k) => open.includes(k));
      if (t && keysOfGroup.length)
        inputs.push({ keys: keysOfGroup, transitionId: String(t.transitionId), name: t.transitionName });
    }
    if (inputs.length === 0) return { sent, stillClosing };
    for (const input of inputs)
      for (const key of input.keys) {
        await recordBulkKillIntent(job.projectKey, bulkItemKey(job.jobId, key), key, {
          decision: job.decision,
          accountId: job.accountId,
          actorName: job.actorName ?? null,
          jobId: job.jobId,
          at: clock.now().toISOString(),
          transition: input.name,
          flaggedAt: flaggedAt(key),
        });
        // Told to a Keep or relink by hand of the item, closed by the bulk before its own decision logs it.
        await kvs.set(
          keys.bulkClosing(job.projectKey, key),
          { jobId: job.jobId, actorName: job.actorName ?? null },
          { ttl: BULK_CLOSING_TTL },
        );
        sent.set(key, input.name);
      }
    // From the submit on, the task may close items whatever becomes of this call (an answer lost on the way may
    // have started it): until it is seen to end, the caller keeps their locks (they run out in their time).
    const taskId = await jira.submitBulkTransition(inputs).catch((e: unknown) => {
      if (writeMayHaveLanded(e)) stillClosing = true;
      throw e;
    });
    stillClosing = true;
    // What the task could not close is closed by each item's own decision, so its outcome needs no reading.
    const { finished } = await jira.waitForBulkTask(taskId, {
      attempts: TASK_POLLS,
      intervalMs: TASK_POLL_MS,
    });
    stillClosing = !finished;
  } catch (e) {
    // A rate limit before the task was started waits for the whole step; any other failure, or one while the
    // task runs, leaves the items to their own decisions.
    if (e instanceof JiraRateLimitError && !stillClosing) throw e;
    console.warn('bulk kill: the bulk transition did not complete; the items are closed one by one', e);
  }
  return { sent, stillClosing };
}

/** Queue consumer `bulk-consumer`: one step of a bulk decision. A malformed event is dropped. */
export function createBulkConsumer(clock: Clock = { now: () => new Date() }) {
  return async (event: {
    body?: unknown;
    retryContext?: { retryCount?: number };
  }): Promise<StepOutcome | { status: 'rejected' } | InvocationError> => {
    const parsed = bulkEventSchema.safeParse(event.body);
    if (!parsed.success) {
      console.warn('bulk: dropping a malformed event', parsed.error.issues[0]?.message);
      return { status: 'rejected' };
    }
    const retryCount = event.retryContext?.retryCount ?? 0;
    try {
      return await runBulkStep(parsed.data, clock, retryCount);
    } catch (e) {
      // A rate limit outside an item (the selection's search, the rights check): this step again, later.
      if (e instanceof JiraRateLimitError) {
        // The same step comes back later: its claim goes, or that delivery would find it taken. The job says
        // when, so the same request sent meanwhile does not queue it sooner.
        const delaySeconds = spreadRetryAfterSeconds(e.retryAfterMs);
        await markStepDue(parsed.data, dueAt(clock, delaySeconds), clock);
        await kvs.delete(keys.bulkStep(parsed.data.projectKey, parsed.data.jobId, parsed.data.step));
        await push(parsed.data, delaySeconds);
        return { status: 'waiting' };
      }
      // The queue's last try failed too: the job ends with what is left named as failed, so the page stops
      // waiting and offers Resume, instead of showing it running for good.
      if (retryCount >= MAX_EVENT_RETRIES && (await stopJob(parsed.data, e, clock)))
        return { status: 'done' };
      return retryAfterStorageMinute(e);
    }
  };
}

/** Ends the job of `event`'s step after a failure no retry cured; false when there is nothing to end. */
async function stopJob(event: BulkEvent, error: unknown, clock: Clock): Promise<boolean> {
  const job = await kvs.get<StoredBulkJob>(keys.bulkJob(event.projectKey, event.jobId));
  if (!job || job.status === 'done') return false;
  // This step saved the next one and every push of it was refused: unless a run of the next step began (a push
  // that answered an error yet queued it), nothing will run it, and the job must not stay running.
  const nextNeverRan =
    job.step === event.step + 1 &&
    (await kvs.get(keys.bulkStep(event.projectKey, event.jobId, job.step))) === undefined;
  if (job.step !== event.step && !nextNeverRan) return false;
  const reason = (error instanceof Error ? error.message : String(error)).slice(0, 300);
  if (job.pending === null)
    job.note = `The work stopped before the filter's items were read (${reason}). Nothing was decided: start it again.`;
  else {
    const message = `Not decided: the work stopped (${reason}). Resume to try it again.`;
    job.failed.push(...job.pending.map((key) => ({ key, message })));
    job.pending = [];
  }
  await finish(job, clock);
  return true;
}

export const bulkConsumer = createBulkConsumer();
