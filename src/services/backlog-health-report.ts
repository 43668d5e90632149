/**
 * The backlog-health tab: the scan's latest health snapshot and the one before it, with how they moved.
 * Read leniently: a snapshot is a BacklogHealth, or an object holding one (`health` / `current`) with an
 * optional `previous` and a time; anything else reads as "no scan yet".
 */
import type { HealthData, ScanNowData } from '../contract/project-page';
import { healthMovement, type BacklogHealth } from '../domain/backlog-health';
import { NotAuthorizedError } from '../errors';
import type { CallContext } from '../resolvers/endpoint';
import { listRunSummaries, loadHealthSnapshot } from '../storage/scan-state';
import { projectRights, requireBrowse, targetProject } from './project-access';

function isHealth(value: unknown): value is BacklogHealth {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<BacklogHealth>;
  return typeof v.total === 'number' && Array.isArray(v.reporters) && !!v.links && !!v.scores && !!v.zombies;
}

interface Snapshot {
  current: BacklogHealth | null;
  previous: BacklogHealth | null;
  at: string | null;
  previousAt: string | null;
}

function timeOf(value: Record<string, unknown>, ...names: string[]): string | null {
  for (const n of names) if (typeof value[n] === 'string') return value[n];
  return null;
}

export function readSnapshot(value: unknown): Snapshot {
  if (isHealth(value)) return { current: value, previous: null, at: null, previousAt: null };
  if (!value || typeof value !== 'object')
    return { current: null, previous: null, at: null, previousAt: null };
  const v = value as Record<string, unknown>;
  const current = [v.health, v.current, v.latest].find(isHealth) ?? null;
  const prevRaw = v.previous;
  let previous: BacklogHealth | null = null;
  let previousAt: string | null = null;
  if (isHealth(prevRaw)) previous = prevRaw;
  else if (prevRaw && typeof prevRaw === 'object') {
    const p = prevRaw as Record<string, unknown>;
    previous = [p.health, p.current].find(isHealth) ?? null;
    previousAt = timeOf(p, 'at', 'scannedAt', 'finishedAt');
  }
  return {
    current,
    previous,
    at: timeOf(v, 'at', 'scannedAt', 'finishedAt', 'takenAt'),
    previousAt: previousAt ?? timeOf(v, 'previousAt', 'previousScannedAt'),
  };
}

export async function backlogHealthReport(call: CallContext): Promise<HealthData> {
  const projectKey = targetProject(call);
  await requireBrowse(projectKey);
  const snap = readSnapshot(await loadHealthSnapshot<unknown>(projectKey));
  let { at, previous, previousAt } = snap;
  if (!at || !previous) {
    // Runs may carry their own health: the two newest finished runs give the movement.
    const runs = (await listRunSummaries(projectKey, 5)).filter((r) => r.finishedAt);
    const withHealth = runs.map((r) => ({ r, h: readSnapshot(r.health ?? r) })).filter((x) => x.h.current);
    at ??= runs[0]?.finishedAt ?? null;
    if (!previous && withHealth[1]) {
      previous = withHealth[1].h.current;
      previousAt = withHealth[1].r.finishedAt ?? null;
    }
  }
  return {
    current: snap.current,
    previous,
    movement: snap.current && previous ? healthMovement(snap.current, previous) : null,
    scannedAt: at,
    previousScannedAt: previousAt,
  };
}

/** Project administrators may start the scan; it runs through the scan's own entry point. */
export async function startScan(
  call: CallContext,
  run: (projectKey: string, options: { dryRun?: boolean; accountId: string }) => Promise<unknown>,
  dryRun: boolean | undefined,
): Promise<ScanNowData> {
  const projectKey = targetProject(call);
  const rights = await projectRights(projectKey);
  if (!rights.admin) throw new NotAuthorizedError('Only project administrators can start a scan.');
  await run(projectKey, { ...(dryRun !== undefined ? { dryRun } : {}), accountId: call.accountId });
  return {
    started: true,
    message: dryRun ? 'Dry-run scan started: nothing will be written.' : 'Scan started.',
  };
}
