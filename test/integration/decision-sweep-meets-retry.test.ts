/**
 * The scan's completion of interrupted decisions meets the person's retry of the same Kill. The sweep reads the
 * issue (still open), the retry takes the decision lock over and closes the issue, then stops at a failed lens
 * write. The sweep must not drop the intent on its stale read: the retry's intent is how the next retry finishes
 * the decision (its log row and comment). Before, the issue was left closed, unlogged and still flagged.
 */
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/runtime';
import type { Answer } from '../../src/contract/answer';
import type { DecideData, DecisionLogData } from '../../src/contract/project-page';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { completeInterruptedDecisions } from '../../src/services/kill-review';
import { listAll } from '../../src/storage/kv';
import { keys } from '../../src/storage/keys';
import { seedFlaggedIssue } from '../support/flagged-issue';

const P = 'SWP';
const PAGE = 'outcome-lens-project-page';
let app: WorkbenchApp;
afterEach(() => app?.close());

const page = <T>(fn: string, payload: unknown, user = 'member') =>
  (app.invoke(PAGE, fn, payload, { user, projectKey: P }) as Promise<Answer<T>>).catch((e: unknown) => ({
    ok: false as const,
    error: { code: 'THROWN', message: String(e) },
  })) as Promise<Answer<T>>;
const system = <T>(fn: () => Promise<T>) =>
  runInInvocation({ accountId: null, moduleKey: 'review-b', installContext: app.installContext }, fn);

it('a Kill retried while the scan sweeps its intent is not left closed and unrecorded', async () => {
  app = createWorkbenchApp({ dataFile: ':memory:' });
  app.jira.store.createProject({ key: P, name: 'Sweep' });
  app.grantDemoRoles(P);
  const key = seedFlaggedIssue(app.jira.store, P, 'Idle', { version: 1 });
  const payload = {
    issueKey: key,
    idempotencyKey: 'kill-sweep-race-1',
    decision: { kind: 'kill', reason: 'Not wanted' },
  };

  // 1. The person's first try: Jira answers the transition 500 (nothing done). Its intent stays.
  app.jira.faults.inject({
    kind: 'server-error',
    status: 500,
    times: 1,
    match: { method: 'POST', pathIncludes: `/issue/${key}/transitions` },
  });
  const first = await page<DecideData>('decide', payload);
  expect(first.ok).toBe(false);

  // 2. The scan's sweep reads the issue; its answer (open) is held on the way back.
  let held = false;
  let release = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const handle = app.jira.handle.bind(app.jira);
  app.jira.handle = async (req) => {
    const res = await handle(req);
    if (
      !held &&
      req.method === 'GET' &&
      req.path.includes(`/issue/${key}`) &&
      req.path.includes('statuscategorychangedate')
    ) {
      held = true;
      await gate;
    }
    return res;
  };
  const sweeping = system(() => completeInterruptedDecisions(P, { now: () => new Date() }));
  for (let i = 0; i < 500 && !held; i++) await new Promise((r) => setTimeout(r, 10));
  expect(held).toBe(true);

  // 3. The person retries meanwhile: the issue is closed; the lens write then fails (500), so the try stops.
  app.jira.faults.inject({
    kind: 'server-error',
    status: 500,
    times: 1,
    match: { method: 'PUT', pathIncludes: `/issue/${key}/properties/` },
  });
  const second = await page<DecideData>('decide', payload);
  expect(second.ok).toBe(false);
  release();
  expect(await sweeping).toEqual({ completed: 0, dropped: 0, left: 1 });
  expect(await system(() => listAll(keys.decisionIntentPrefix(P)))).toHaveLength(1);

  // 4. The person retries again, and the next scan sweeps again.
  const third = await page<DecideData>('decide', payload);
  await system(() => completeInterruptedDecisions(P, { now: () => new Date() }));

  const log = await page<DecisionLogData>('decisionLog', {}, 'admin');
  const rows = log.ok ? log.data.entries.filter((e) => e.issueKey === key).length : -1;
  const issue = app.jira.store.getIssue(key)!;
  const comments = app.jira.store.listComments(issue.id).length;
  const lens = readLens(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));
  expect(issue.statusCategory).toBe('done');
  expect(rows).toBe(1);
  expect(comments).toBe(1);
  expect(third.ok).toBe(true);
  expect(lens.zombie).toBe('false');
});
