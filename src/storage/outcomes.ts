/**
 * Outcomes of a project in app storage. Every write carries the version it was based on: a stale write is
 * refused with ConflictError (never a silent lost update). Two writers racing from the same version are told
 * apart by an atomic claim of the next version's revision key.
 */
import { createHash, randomUUID } from 'node:crypto';
import { kvs } from './kvs-client';
import {
  fieldErrors,
  measurementSchema,
  OUTCOME_STATUSES,
  outcomeDraftSchema,
  type Measurement,
  type Outcome,
  type OutcomeStatus,
} from '../domain/schemas';
import {
  differingIds,
  measurementDayProblem,
  mergeIntoSeries,
  nothingAppended,
  type SeriesAppend,
} from '../domain/measurement-input';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { keys } from './keys';
import { backOffAfterConflict, checkValueSize, listAll, writeClaimed } from './kv';
import { utcDay } from '../domain/dates';

/** Older measurements are dropped past this count, or past this many bytes of them: an outcome stays below KVS's
 * 240 KiB a value, whatever script its notes are written in. */
export const MEASUREMENT_HISTORY_LIMIT = 500;
export const MEASUREMENT_HISTORY_BYTES = 200 * 1024;

export interface StoredOutcome extends Outcome {
  createdBy: string | null;
  /**
   * The version whose write last changed the outcome's own fields or status; measurements leave it. An edit made
   * on a version at or after it misses nothing of the definition, so a reading recorded meanwhile is no conflict.
   * Absent on outcomes stored before it was kept: then every version counts as a change.
   */
  definedAt?: number;
  /** The version the person saw when making that change: the same change sent again is told apart by it. */
  definedFrom?: number;
  /** Readings people took off, newest last (TAKEN_OFF_KEPT): a sender's resend of one does not put it back. */
  takenOff?: TakenOff[];
}

/** A reading taken off, as the outcome remembers it: its id and a digest of its day, value, source and note. */
interface TakenOff {
  id: string;
  digest: string;
}

/**
 * How many readings taken off an outcome it remembers: enough for the resends of a job's recent runs. Each is an
 * id (at most 100 ASCII characters) and a digest, some 14 KB in all at most beside the measurements' 200 KB: the
 * outcome stays under KVS's 240 KiB a value.
 */
export const TAKEN_OFF_KEPT = 100;

function digestOf(m: Measurement): string {
  return createHash('sha256')
    .update(JSON.stringify([m.at, m.value, m.source ?? '', m.note ?? '']))
    .digest('base64url')
    .slice(0, 22);
}

/** `current`'s record of readings taken off, with `removed` added (those with an id only: a resend names it). */
function takenOffWith(current: StoredOutcome, removed: Measurement): TakenOff[] | undefined {
  if (!removed.id) return current.takenOff;
  const kept = (current.takenOff ?? []).filter((m) => m.id !== removed.id);
  return [...kept, { id: removed.id, digest: digestOf(removed) }].slice(-TAKEN_OFF_KEPT);
}

/**
 * Of readings sent from outside, those a person took off the outcome: the same id with the same day, value,
 * source and note. A job sending its request again (a re-run, a lost answer) repeats them; another reading under
 * such an id is a correction and is taken.
 */
function wasTakenOff(current: StoredOutcome, reading: Measurement): boolean {
  const removed = reading.id ? current.takenOff?.find((m) => m.id === reading.id) : undefined;
  return !!removed && removed.digest === digestOf(reading);
}

/** The version whose write last changed the definition: the current one when not kept (older outcomes). */
const definedAt = (o: StoredOutcome): number => o.definedAt ?? o.version;

const STALE_MESSAGE = 'Someone else changed this outcome meanwhile. Reload it, then apply your change again.';

function parseDraft(draft: unknown) {
  const result = outcomeDraftSchema.safeParse(draft);
  if (!result.success)
    throw new ValidationError('The outcome has invalid fields.', fieldErrors(result.error));
  return result.data;
}

export async function listOutcomes(projectKey: string): Promise<StoredOutcome[]> {
  const items = await listAll<StoredOutcome>(keys.outcomePrefix(projectKey));
  return items
    .map((i) => i.value)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export async function getOutcome(projectKey: string, id: string): Promise<StoredOutcome | null> {
  return (await kvs.get<StoredOutcome>(keys.outcome(projectKey, id))) ?? null;
}

async function requireOutcome(projectKey: string, id: string): Promise<StoredOutcome> {
  const current = await getOutcome(projectKey, id);
  if (!current) throw new NotFoundError('This outcome does not exist (any more).');
  return current;
}

/** Writes `next` (version = base + 1) only if `base` is still current and no one else claimed that version. */
async function writeNextVersion(
  projectKey: string,
  base: StoredOutcome,
  next: StoredOutcome,
): Promise<StoredOutcome> {
  checkValueSize(next, 'The outcome');
  const revision = keys.outcomeRevision(projectKey, base.id, next.version);
  if (!(await writeClaimed(revision, { at: next.updatedAt }, keys.outcome(projectKey, base.id), next)))
    throw new ConflictError(STALE_MESSAGE, (await getOutcome(projectKey, base.id)) ?? undefined);
  return next;
}

export async function createOutcome(
  projectKey: string,
  draft: unknown,
  actor: string | null,
  now: Date,
  options: { id?: string } = {},
): Promise<StoredOutcome> {
  const fields = parseDraft(draft);
  const id = options.id ?? randomUUID();
  const at = now.toISOString();
  const outcome: StoredOutcome = {
    ...fields,
    id,
    projectKey,
    status: 'active',
    measurements: [],
    version: 1,
    createdAt: at,
    updatedAt: at,
    createdBy: actor,
    definedAt: 1,
  };
  checkValueSize(outcome, 'The outcome');
  // An outcome of this id made longer ago than the claim of its version 1 lives: claiming would succeed again and
  // the write would put a blank version 1 over it, its measurements and edits lost.
  const existing = await getOutcome(projectKey, id);
  if (existing) return earlierCreate(existing, fields, actor);
  // Claiming version 1 makes creation with a caller-chosen id safe against duplicates made meanwhile.
  if (
    await writeClaimed(keys.outcomeRevision(projectKey, id, 1), { at }, keys.outcome(projectKey, id), outcome)
  )
    return outcome;
  // Another try holds the claim: the same create sent twice, whose first write may still be on its way. Read
  // again, with pauses, before answering.
  for (let attempt = 1; ; attempt++) {
    const stored = await getOutcome(projectKey, id);
    if (stored || attempt >= CLAIMED_CREATE_READS) return earlierCreate(stored, fields, actor);
    await backOffAfterConflict(attempt);
  }
}

/** How often a create that lost the claim reads the outcome before answering (some 2 s in all). */
const CLAIMED_CREATE_READS = 8;

/**
 * A create whose id is taken (`stored`, as read after that): the same person's earlier try of this create (its answer lost) is answered with the
 * outcome it made, so a create sent again makes no second outcome. Anything else is a conflict.
 */
function earlierCreate(
  stored: StoredOutcome | null,
  fields: ReturnType<typeof parseDraft>,
  actor: string | null,
): StoredOutcome {
  if (!stored)
    throw new ConflictError(
      'An earlier try of this create is still being saved, or stopped: reload the page in a minute to see whether the outcome was made.',
    );
  // A create by the app itself (no person) has no earlier try to answer.
  if (actor === null || stored.createdBy !== actor)
    throw new ConflictError('An outcome with this id already exists.');
  if (!changesNothing(stored, fields))
    throw new ConflictError(
      `Your earlier try created this outcome ("${stored.name}"), and it differs from this form now: reload the page to see it, then edit it there.`,
    );
  return stored;
}

/** The version after `current`, with `patch` applied: id, project and bookkeeping stay the app's. */
function nextVersion(current: StoredOutcome, patch: Partial<StoredOutcome>, now: Date): StoredOutcome {
  return {
    ...current,
    ...patch,
    id: current.id,
    projectKey: current.projectKey,
    version: current.version + 1,
    updatedAt: now.toISOString(),
    // A write that keeps the definition notes where it last changed, so an older outcome learns it too.
    definedAt: patch.definedAt ?? definedAt(current),
  };
}

/**
 * A change to the outcome's own fields or status, made on the version the person saw (`expectedVersion`):
 * refused when the definition changed since, not when only measurements came in. A measurement written between
 * the read and the write is retried over, as the check still holds.
 */
async function change(
  projectKey: string,
  id: string,
  expectedVersion: number,
  now: Date,
  apply: (current: StoredOutcome) => Partial<StoredOutcome>,
  attempts = 10,
): Promise<StoredOutcome> {
  for (let i = 1; ; i++) {
    const current = await requireOutcome(projectKey, id);
    if (expectedVersion > current.version) throw new ConflictError(STALE_MESSAGE, current);
    if (definedAt(current) > expectedVersion) {
      // The change sent again after its answer was lost: made from this version, it already reads as it asks.
      const sameBase =
        current.definedFrom !== undefined
          ? current.definedFrom === expectedVersion
          : current.version === expectedVersion + 1;
      if (sameBase && isRepeat(current, apply)) return current;
      throw new ConflictError(STALE_MESSAGE, current);
    }
    const applied = apply(current);
    // Nothing to change (archived already as asked, an edit of nothing): no new version that others would meet
    // as a change of the definition.
    if (changesNothing(current, applied)) return current;
    const patch = { ...applied, definedAt: current.version + 1, definedFrom: expectedVersion };
    try {
      return await writeNextVersion(projectKey, current, nextVersion(current, patch, now));
    } catch (e) {
      if (!(e instanceof ConflictError) || i >= attempts) throw e;
      await backOffAfterConflict(i);
    }
  }
}

/** Whether `apply` would change nothing in `current`; a change it refuses there (a no-op) is no repeat. */
function isRepeat(
  current: StoredOutcome,
  apply: (current: StoredOutcome) => Partial<StoredOutcome>,
): boolean {
  try {
    return changesNothing(current, apply(current));
  } catch {
    return false;
  }
}

function changesNothing(current: StoredOutcome, patch: Partial<StoredOutcome>): boolean {
  return (Object.keys(patch) as Array<keyof StoredOutcome>).every(
    (k) => JSON.stringify(current[k]) === JSON.stringify(patch[k]),
  );
}

/**
 * A change that does not depend on what anyone saw (a measurement added): applied to the newest version, and
 * applied again to the next one, after a pause, when a concurrent writer takes the version first. `apply` answers
 * null when there is nothing to change, and the outcome is left as it is.
 */
async function changeNewest(
  projectKey: string,
  id: string,
  now: Date,
  apply: (current: StoredOutcome) => Partial<StoredOutcome> | null,
  attempts = 10,
): Promise<StoredOutcome> {
  for (let i = 1; ; i++) {
    const current = await requireOutcome(projectKey, id);
    const patch = apply(current);
    if (patch === null) return current;
    try {
      return await writeNextVersion(projectKey, current, nextVersion(current, patch, now));
    } catch (e) {
      if (!(e instanceof ConflictError) || i >= attempts) throw e;
      await backOffAfterConflict(i);
    }
  }
}

export function updateOutcome(
  projectKey: string,
  id: string,
  draft: unknown,
  expectedVersion: number,
  now: Date,
): Promise<StoredOutcome> {
  const fields = parseDraft(draft);
  return change(projectKey, id, expectedVersion, now, () => fields);
}

export function setOutcomeStatus(
  projectKey: string,
  id: string,
  status: OutcomeStatus,
  expectedVersion: number,
  now: Date,
): Promise<StoredOutcome> {
  if (!OUTCOME_STATUSES.includes(status)) {
    throw new ValidationError('Unknown outcome status.', { status: 'Unknown outcome status.' });
  }
  return change(projectKey, id, expectedVersion, now, () => ({ status }));
}

/**
 * Makes an achieved or abandoned outcome active again (closed by mistake, or taken up anew), on the version the
 * person saw. One active on that version is refused: there is nothing to reopen. One reopened since from that
 * version (the same click sent again, or from another tab) is answered as it is now.
 */
export function reopenOutcome(
  projectKey: string,
  id: string,
  expectedVersion: number,
  now: Date,
): Promise<StoredOutcome> {
  return change(projectKey, id, expectedVersion, now, (current) => {
    if (current.status === 'active' && definedAt(current) <= expectedVersion)
      throw new ValidationError('This outcome is already active.', {
        status: 'This outcome is already active.',
      });
    return { status: 'active' };
  });
}

/**
 * Appends a measurement (kept in date order, last MEASUREMENT_HISTORY_LIMIT only). Measurements do not
 * depend on what the caller saw, so a concurrent change is retried rather than refused. Answers with the
 * readings it pushed out of a full history (as the version written decided), so the person can be told.
 */
export async function recordMeasurement(
  projectKey: string,
  id: string,
  measurement: Measurement,
  now: Date,
): Promise<{ outcome: StoredOutcome; pushedOut: Measurement[] }> {
  const parsed = measurementSchema.safeParse(measurement);
  if (!parsed.success) throw new ValidationError('The measurement is invalid.', fieldErrors(parsed.error));
  // The web trigger and the CSV import refuse a future day; typed on the page, it would become the outcome's
  // current value until that day came.
  const problem = measurementDayProblem(parsed.data.at, utcDay(now));
  if (problem)
    throw new ValidationError('The measurement is invalid.', { at: `Measurement date ${problem}` });
  const sentId = parsed.data.id;
  // A reading sent without an id gets one, so it can later be taken off by exactly that id.
  const reading = sentId ? parsed.data : { ...parsed.data, id: `rec:${randomUUID()}` };
  // What the last try pushed out: a retry on a newer version decides it again.
  let pushedOut: Measurement[] = [];
  const outcome = await changeNewest(projectKey, id, now, (c) => {
    // An id the outcome holds was taken before: the same reading (a repeated call) is taken once, as from the
    // web trigger; another reading under it is refused, not dropped while the person is told it was recorded.
    const held = sentId ? c.measurements.find((m) => m.id === sentId) : undefined;
    pushedOut = [];
    if (held) {
      if (sameReading(held, reading)) return null;
      const message = `A measurement with the id "${sentId}" is already recorded (${held.value} on ${held.at}); this one was not recorded. Take that measurement off to replace it, or send this one without an id.`;
      throw new ValidationError(message, { 'measurement.id': message });
    }
    const merged = mergeIntoSeries(
      c.measurements,
      [reading],
      MEASUREMENT_HISTORY_LIMIT,
      MEASUREMENT_HISTORY_BYTES,
    );
    // A full history keeps its latest readings: one older than all of them would be dropped as it is written.
    if (merged.added === 0) throw tooOldForHistory(parsed.data.at, c.measurements);
    pushedOut = merged.pushedOut;
    return { measurements: merged.series };
  });
  return { outcome, pushedOut };
}

/** One reading, as stored values compare: the same day, value, source and note. */
function sameReading(a: Measurement, b: Measurement): boolean {
  return (
    a.at === b.at &&
    a.value === b.value &&
    (a.source ?? '') === (b.source ?? '') &&
    (a.note ?? '') === (b.note ?? '')
  );
}

function tooOldForHistory(at: string, held: readonly Measurement[]): ValidationError {
  const oldest = held[0]?.at ?? at;
  const message = `The outcome keeps its latest ${held.length} measurements, from ${oldest} on, and one of ${at} is older than all of them: nothing was recorded.`;
  return new ValidationError(message, { at: message });
}

/**
 * New measurements that would push some the outcome holds out of its history, refused with nothing written. Decided
 * on the version the write is based on, so two imports racing on one outcome cannot together push out what neither
 * would alone.
 */
export class HistoryFullError extends ValidationError {
  constructor(
    /** Measurements the outcome held when the write was refused. */
    readonly held: number,
    /** Measurements the write would have added. */
    readonly adding: number,
    /** Of those it held, how many the write would have pushed out. */
    readonly pushedOut: number,
  ) {
    super(
      `The outcome keeps its latest ${MEASUREMENT_HISTORY_LIMIT} measurements (${MEASUREMENT_HISTORY_BYTES / 1024} KB of them at most): it holds ${held} and ${adding} more would push out the ${pushedOut} oldest. Nothing was recorded.`,
    );
  }
}

/**
 * Appends measurements sent from outside (web trigger, CSV import): one versioned write for all of them, a
 * measurement whose id the outcome already holds is skipped (a replay adds nothing). Retried on a concurrent
 * change, like recordMeasurement, and the ids are checked again against what is stored then. Past the history's
 * limit the oldest go, unless `keepHeld`: then a write that would push out any measurement the outcome holds is
 * refused whole (HistoryFullError), judged again on each retry.
 */
export async function appendMeasurements(
  projectKey: string,
  id: string,
  measurements: readonly Measurement[],
  now: Date,
  options: { keepHeld?: boolean } = {},
): Promise<{ outcome: StoredOutcome } & SeriesAppend> {
  // What the last try merged: against the newest measurements, so ids stored meanwhile are not added again.
  let merged: SeriesAppend = nothingAppended();
  const outcome = await changeNewest(projectKey, id, now, (current) => {
    const incoming = measurements.filter((m) => !wasTakenOff(current, m));
    const m = mergeIntoSeries(
      current.measurements,
      incoming,
      MEASUREMENT_HISTORY_LIMIT,
      MEASUREMENT_HISTORY_BYTES,
    );
    if (options.keepHeld && m.pushedOut.length > 0)
      throw new HistoryFullError(current.measurements.length, m.added, m.pushedOut.length);
    const differing = differingIds(current.measurements, measurements);
    merged = {
      added: m.added,
      // A reading taken off is as good as held: its resend adds nothing.
      duplicates: m.duplicates + measurements.length - incoming.length,
      differing: differing.length,
      addedIds: m.addedIds,
      droppedIds: m.droppedIds,
      differingIds: differing,
      pushedOut: m.pushedOut.length,
    };
    return m.added === 0 ? null : { measurements: m.series };
  });
  return { outcome, ...merged };
}

/** The reading a person asked to take off, as the card showed it. */
export interface MeasurementToRemove {
  at: string;
  value: number;
  /** Its id: names exactly that reading, whatever came in or went since. */
  id?: string | undefined;
  /** Its place in the outcome's list on the version shown; for readings stored before each had an id. */
  position?: number | undefined;
}

/**
 * Takes one measurement off. One with an id goes by its id, from the newest version: readings recorded or removed
 * meanwhile change nothing about which one it is. One without (stored before readings had ids) goes by its place
 * on the version the person saw, and only if that place holds the same day and value; without a place, the first
 * of that day and value, as older pages asked. One that is not there (taken off meanwhile) is told as such, and
 * nothing is written.
 */
export async function removeMeasurement(
  projectKey: string,
  id: string,
  measurement: MeasurementToRemove,
  expectedVersion: number,
  now: Date,
): Promise<StoredOutcome> {
  const gone = () =>
    new NotFoundError(
      `This outcome has no measurement of ${measurement.value} on ${measurement.at} (any more).`,
    );
  const sentId = measurement.id;
  if (sentId !== undefined)
    return changeNewest(projectKey, id, now, (current) => {
      const removed = current.measurements.find((m) => m.id === sentId);
      if (!removed) throw gone();
      return {
        measurements: current.measurements.filter((m) => m !== removed),
        takenOff: takenOffWith(current, removed),
      };
    });
  const current = await requireOutcome(projectKey, id);
  // A place is only meaningful on the version it was read from.
  if (current.version !== expectedVersion) throw new ConflictError(STALE_MESSAGE, current);
  const same = (m: Measurement | undefined) => m?.at === measurement.at && m.value === measurement.value;
  const at =
    measurement.position === undefined
      ? current.measurements.findIndex(same)
      : same(current.measurements[measurement.position])
        ? measurement.position
        : -1;
  if (at < 0) throw gone();
  const patch = {
    measurements: current.measurements.filter((_, i) => i !== at),
    takenOff: takenOffWith(current, current.measurements[at]!),
  };
  return writeNextVersion(projectKey, current, nextVersion(current, patch, now));
}
