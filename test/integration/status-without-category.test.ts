/**
 * An issue whose status carries no `statusCategory`: Jira's platform spec requires none of StatusDetails'
 * properties, so a site may answer so. The app judges such an issue as new, like an unknown category, and one
 * such issue fails neither the project's scan, nor its backlog health, nor its own panel.
 */
import type { Answer } from '../../src/contract/answer';
import type { PanelLoadData } from '../../src/contract/issue-panel';
import type { HealthData } from '../../src/contract/project-page';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { listRunSummaries } from '../../src/storage/scan-state';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/runtime';
import { NO_STATUS_CATEGORY } from '../../workbench/jira/types';

const P = 'DEMO';
const PANEL = 'outcome-lens-issue-panel';
const PAGE = 'outcome-lens-project-page';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

let app: WorkbenchApp;
beforeEach(() => {
  app = createWorkbenchApp({ dataFile: ':memory:', contract: true });
  app.jira.store.createProject({ key: P, name: 'Demo' });
  app.grantDemoRoles(P);
});
afterEach(() => app.close());

const page = <T>(fn: string, payload: unknown = {}) =>
  app.invoke(PAGE, fn, payload, { user: 'admin', projectKey: P }) as Promise<Answer<T>>;
const panel = <T>(fn: string, issueKey: string) =>
  app.invoke(PANEL, fn, {}, { user: 'admin', issueKey }) as Promise<Answer<T>>;
const lensOf = (key: string) =>
  app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as Record<string, unknown> | undefined;

async function scan() {
  const started = await page('scanNow');
  if (!started.ok) throw new Error(JSON.stringify(started));
  app.registerConsumers();
  await app.queue.runDue({ until: 'idle', advanceClock: true });
  const [latest] = await runInInvocation(
    { accountId: null, moduleKey: 'test', installContext: app.installContext },
    () => listRunSummaries(P, 1),
  );
  return latest!;
}

/** Two idle open issues, the second's status without a category. */
function seed(): { normal: string; uncategorised: string } {
  const s = app.jira.store;
  const normal = s.createIssue({ projectKey: P, summary: 'Normal', created: ago(80), updated: ago(70) }).key;
  const uncategorised = s.createIssue({
    projectKey: P,
    summary: 'Status without a category',
    status: 'Triage',
    statusCategory: NO_STATUS_CATEGORY,
    created: ago(80),
    updated: ago(70),
  }).key;
  s.setIssueProperty(normal, ISSUE_PROPERTY_KEY, { version: 1, hasHypothesis: 'true' });
  return { normal, uncategorised };
}

describe('an issue whose status has no category', () => {
  it('is read by the scan as new: the run finishes and judges every issue, that one included', async () => {
    const { normal, uncategorised } = seed();
    const summary = await scan();
    expect(summary.status).toBe('finished');
    expect(summary.counters).toMatchObject({ issues: 2, errors: 0 });
    expect(lensOf(normal)?.zombie).toBe('true');
    // Judged as new, as an unknown category is: idle open work, flagged like the other.
    expect(lensOf(uncategorised)?.zombie).toBe('true');
  });

  it('leaves the backlog health of the project readable, counting that issue', async () => {
    seed();
    const health = await page<HealthData>('health');
    expect(health.ok).toBe(true);
    if (health.ok) expect(health.data.current.total).toBe(2);
  });

  it("loads that issue's panel, with its status read as new", async () => {
    const { uncategorised } = seed();
    const loaded = await panel<PanelLoadData>('load', uncategorised);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.data.issue).toMatchObject({ statusName: 'Triage', statusCategory: 'new' });
  });
});

describe('an issue Jira answers in a shape the app cannot read', () => {
  it('is left out of the scan and noted as not judged; the run finishes and judges the others', async () => {
    const { normal, uncategorised } = seed();
    // Labels as a number where the spec says a list of text: that one issue's answer cannot be read.
    const answer = app.jira.handle.bind(app.jira);
    app.jira.handle = async (req) => {
      const res = await answer(req);
      if (!req.path.includes('/search/jql') || res.status !== 200) return res;
      const body = JSON.parse(res.body) as {
        issues?: Array<{ key: string; fields: Record<string, unknown> }>;
      };
      for (const issue of body.issues ?? []) if (issue.key === uncategorised) issue.fields.labels = 7;
      return { ...res, body: JSON.stringify(body) };
    };
    const summary = await scan();
    expect(summary.status).toBe('finished');
    expect(summary.counters).toMatchObject({ issues: 1, errors: 1 });
    expect(JSON.stringify(summary)).toContain(`${uncategorised}`);
    expect(lensOf(normal)?.zombie).toBe('true');
    expect(lensOf(uncategorised)?.zombie).toBeUndefined();
  });
});

describe("the daily trigger's look for projects in use", () => {
  it('counts a project whose only issue with the app’s data Jira answers in a shape the app cannot read', async () => {
    const key = app.jira.store.createIssue({ projectKey: P, summary: 'Has a hypothesis' }).key;
    app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, { version: 1, hasHypothesis: 'true' });
    const answer = app.jira.handle.bind(app.jira);
    app.jira.handle = async (req) => {
      const res = await answer(req);
      if (!req.path.includes('/search/jql') || res.status !== 200) return res;
      const body = JSON.parse(res.body) as { issues?: Array<Record<string, unknown>> };
      for (const issue of body.issues ?? []) issue.fields = 'unreadable';
      return { ...res, body: JSON.stringify(body) };
    };
    await app.runScheduledTrigger('outcome-lens-daily-scan');
    const [latest] = await runInInvocation(
      { accountId: null, moduleKey: 'test', installContext: app.installContext },
      () => listRunSummaries(P, 1),
    );
    // Started (its issues then noted as unreadable), not passed over as a project without the app's data.
    expect(latest).toBeDefined();
  });
});
