/**
 * `npm run bench -- at-least-once`: what the app's daily scan does when Forge delivers at least once. One
 * project of idle issues (every one a zombie by the default rules, label and comment on) is scanned through the
 * manifest's own trigger and consumer on the workbench, five ways: as intended; with every scan event delivered
 * twice, one copy after the other or both at once; with the trigger firing twice at once; with both. Prints, per way, the queue deliveries, the run
 * summaries stored, and what reached Jira: comments and labels per flagged issue.
 * Expected since the scan claims each step of a run and each scheduled start (README, "At least once"): one
 * run summary and one comment and label per flagged issue, every way. test/integration/adversarial.test.ts
 * holds the app to it; this prints the figures.
 */
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { listRunSummaries } from '../../src/storage/scan-state';
import { saveSettings } from '../../src/storage/settings';
import { createWorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/runtime';

const ISSUES = Number(process.env.BENCH_ALO_ISSUES ?? 30);
const PROJECT = 'ALO';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

interface Way {
  name: string;
  duplicateEvents: boolean;
  overlap?: boolean;
  firings: number;
}

async function run(way: Way): Promise<Record<string, unknown>> {
  const app = createWorkbenchApp({ dataFile: ':memory:', contract: false });
  try {
    app.jira.store.createProject({ key: PROJECT, name: 'At least once' });
    app.grantDemoRoles(PROJECT);
    const keys: string[] = [];
    for (let i = 0; i < ISSUES; i++) {
      const { key } = app.jira.store.createIssue({
        projectKey: PROJECT,
        type: 'Story',
        summary: `Idle story ${i}`,
        created: ago(80),
        updated: ago(70),
      });
      keys.push(key);
    }
    await runInInvocation({ accountId: null, moduleKey: 'bench' }, () =>
      saveSettings(PROJECT, { flagActions: { label: 'zombie', comment: true } }, 0),
    );
    // Every event pushed in this run is delivered twice (a large count covers the continuation pushes too).
    if (way.duplicateEvents)
      app.queue.injectDelivery({ duplicates: 1_000_000, overlapDuplicates: way.overlap ?? false });
    const summary = await app.runScheduledTrigger(undefined, { firings: way.firings });
    const issues = keys.map((key) => app.jira.store.getIssue(key)!);
    const comments = issues.map((issue) => app.jira.store.listComments(issue.id).length);
    const labels = issues.map((issue) => issue.labels.filter((l) => l === 'zombie').length);
    const flagged = issues.filter(
      (issue) => readLens(app.jira.store.getIssueProperty(issue.key, ISSUE_PROPERTY_KEY)).zombie === 'true',
    ).length;
    const runs = await runInInvocation({ accountId: null, moduleKey: 'bench' }, () =>
      listRunSummaries(PROJECT, 20),
    );
    return {
      way: way.name,
      issues: ISSUES,
      triggerResults: summary.results,
      deliveries: summary.queue,
      failedDeliveries: summary.deliveries.filter((d) => !d.ok).map((d) => d.error),
      runSummaries: runs.length,
      runs: runs.map((r) => ({
        runId: r.runId,
        status: r.status,
        edits: (r.counters as { edits?: number }).edits,
      })),
      flagged,
      comments: { total: comments.reduce((a, b) => a + b, 0), max: Math.max(...comments) },
      zombieLabels: { max: Math.max(...labels) },
    };
  } finally {
    app.close();
  }
}

async function main(): Promise<void> {
  const ways: Way[] = [
    { name: 'as intended', duplicateEvents: false, firings: 1 },
    { name: 'every event delivered twice', duplicateEvents: true, firings: 1 },
    { name: 'every event delivered twice at once', duplicateEvents: true, overlap: true, firings: 1 },
    { name: 'trigger fired twice at once', duplicateEvents: false, firings: 2 },
    { name: 'both', duplicateEvents: true, firings: 2 },
  ];
  for (const way of ways) console.log(JSON.stringify(await run(way)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
