/**
 * "Scan now" from the project page: admins only. The caller's Administer Projects permission is checked as
 * that user before the app starts a run on their behalf; a run already going for the project is not doubled.
 */
import { scanNowPayloadSchema, type ScanNowAnswer } from '../contract/scan';
import { ConflictError, NotAuthorizedError, ValidationError } from '../errors';
import { JiraClient } from '../jira/client';
import { fieldErrors } from '../domain/schemas';
import { liveScanLease } from '../storage/scan-state';
import { startScans } from './trigger';

export async function scanNow(
  payload: unknown,
  context: { accountId: string },
  jira: JiraClient = JiraClient.asUser(),
): Promise<ScanNowAnswer> {
  const parsed = scanNowPayloadSchema.safeParse(payload);
  if (!parsed.success) throw new ValidationError('The scan request is invalid.', fieldErrors(parsed.error));
  const { projectKey, dryRun } = parsed.data;
  const granted = await jira.myPermissions({ projectKey }, ['ADMINISTER_PROJECTS']);
  if (!granted.ADMINISTER_PROJECTS)
    throw new NotAuthorizedError('Only project administrators can start a scan.');
  // The lease decides whether a run happens (src/scan/run.ts), so it says whether one is going: a run in its
  // first invocation holds it before it saves a cursor, and a run that died keeps its cursor but not its lease
  // (a new run takes that cursor over).
  const running = await liveScanLease(projectKey, Date.now());
  if (running) return { runId: running.runId, alreadyRunning: true };
  // A person waits on this answer (25 s at most): Forge's full minute of events is said, not waited out.
  const noWait = () =>
    Promise.reject(
      new ConflictError(
        'Forge takes no more queued work from this site this minute. Start the scan again in a minute.',
        undefined,
        60,
      ),
    );
  const [event] = await startScans(
    [projectKey],
    'manual',
    { requestedBy: context.accountId, dryRun: dryRun ?? false },
    noWait,
  );
  return { runId: event!.runId, alreadyRunning: false };
}
