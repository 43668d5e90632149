/**
 * Browser tests on the demo backlog after its first nightly scan (the project page and the issue panel): the
 * workbench with the zombies the scan flagged, the issue lens Jira holds, the project page's resolvers called as
 * the administrator, the page opened with a record of the resolvers it calls, and the steps a person takes in a
 * date picker.
 *
 *   const { wb, zombies } = await startDemoAfterScan(['outcome-map', 'issue-panel']);
 *   const { page, frame, calls } = await openProjectPage(wb);
 */
import type { Frame, Locator, Page } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import type { Answer } from '../../src/contract/answer';
import { emptyCounters, type ScanRunSummary } from '../../src/contract/scan';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { LEASE_TTL_MS } from '../../src/scan/run';
import { acquireScanLease, releaseScanLease, saveRunSummary } from '../../src/storage/scan-state';
import { runInInvocation } from '../../workbench/forge/context';
import { seedDemo } from '../../workbench/seed/demo';
import { startBrowserWorkbench, type BrowserWorkbench } from './browser';

export const PAGE_FRAME = 'iframe[data-wb-module="outcome-lens-project-page"]';
export const PANEL_FRAME = 'iframe[data-wb-module="outcome-lens-issue-panel"]';

/** Builds the surfaces, seeds the demo backlog and runs the nightly scan, which flags the demo's zombies. */
export async function startDemoAfterScan(
  surfaces: string[],
): Promise<{ wb: BrowserWorkbench; zombies: string[] }> {
  await Promise.all(surfaces.map((s) => buildSurface(s)));
  const wb = await startBrowserWorkbench({ seed: (app) => seedDemo(app, new Date()) });
  await wb.app.runScheduledTrigger();
  const zombies = (
    wb.app.jira.store.db.prepare('SELECT key FROM jira_issues ORDER BY id').all() as Array<{ key: string }>
  )
    .map((r) => r.key)
    // The property holds the flag as a string, for JQL (zombie = "true").
    .filter((key) => String(lensOf(wb, key)?.zombie) === 'true');
  return { wb, zombies };
}

/** The issue's lens as Jira holds it. */
export function lensOf(wb: BrowserWorkbench, key: string): Record<string, unknown> | undefined {
  return wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as Record<string, unknown> | undefined;
}

/** Calls the project page's resolver as the demo's administrator, as the page would. */
export function asProjectAdmin<T>(
  wb: BrowserWorkbench,
  functionKey: string,
  payload: unknown,
): Promise<Answer<T>> {
  return wb.app.invoke('outcome-lens-project-page', functionKey, payload, {
    user: 'admin',
    projectKey: 'DEMO',
  }) as Promise<Answer<T>>;
}

/**
 * Opens DEMO's project page as `user` once the Outcome map's tab shows; `calls` notes every resolver the page
 * calls from then on, by name.
 */
export async function openProjectPage(
  wb: BrowserWorkbench,
  options: { user?: string; colorMode?: 'light' | 'dark' } = {},
): Promise<{ page: Page; frame: Frame; calls: string[] }> {
  const page = await wb.openAs(options.user ?? 'admin', '/projects/DEMO/outcomes', {
    colorMode: options.colorMode ?? 'light',
  });
  const calls: string[] = [];
  page.on('request', (r) => {
    if (!r.url().endsWith('/__bridge/invoke')) return;
    calls.push((JSON.parse(r.postData() ?? '{}') as { functionKey?: string }).functionKey ?? '');
  });
  const frame = await wb.panelFrame(page, PAGE_FRAME);
  await frame.getByRole('tab', { name: 'Outcome map' }).waitFor({ timeout: 30_000 });
  return { page, frame, calls };
}

/**
 * Types into a date picker key by key, as a person does, closes its calendar with `closeBy` and leaves the
 * field with Tab (with the calendar open, Tab would move into it).
 */
export async function typeDate(field: Locator, text: string, closeBy: 'Escape' | 'Enter'): Promise<void> {
  await field.focus();
  await field.pressSequentially(text);
  await field.press(closeBy);
  await field.press('Tab');
}

/** The text of what a field's aria-describedby points at: its error, said with the field. */
export function describedText(field: Locator): Promise<string> {
  return field.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => (id ? (document.getElementById(id)?.textContent ?? '') : ''))
      .join(' '),
  );
}

/**
 * Opens the project page's New outcome form and types its name, metric, baseline and target (as text, so a test
 * can type what is no number); returns the form, its direction and due date left for the test.
 */
export async function fillNewOutcome(
  frame: Frame,
  draft: { name: string; metric: string; baseline: string; target: string },
): Promise<Locator> {
  await frame.getByRole('button', { name: 'New outcome' }).click();
  const form = frame.getByRole('form', { name: 'New outcome' });
  await form.getByLabel('Name').fill(draft.name);
  await form.getByLabel('Metric').fill(draft.metric);
  await form.getByLabel('Baseline').fill(draft.baseline);
  await form.getByLabel('Target').fill(draft.target);
  return form;
}

/** A zombie of DEMO idle since `since`, so the kill review (longest idle first) lists it at the top. */
export function anIdleZombie(wb: BrowserWorkbench, summary: string, since: string): string {
  const issue = wb.app.jira.store.createIssue({
    projectKey: 'DEMO',
    summary,
    type: 'Story',
    created: since,
    updated: since,
  });
  wb.app.jira.store.setIssueProperty(issue.key, ISSUE_PROPERTY_KEY, {
    zombie: 'true',
    flag: {
      flaggedAt: '2026-01-01T00:00:00.000Z',
      rules: [{ rule: 'idle', since, detail: 'No activity for years.', clearBy: 'Act on it.' }],
      labelApplied: false,
      commented: false,
    },
  });
  return issue.key;
}

/**
 * Stores a scan run's summary for DEMO, as the scan does when it starts and when it ends: a manual live run,
 * running, unless `run` says otherwise. A running run holds the project's scan lease, as a live one renews it with
 * each invocation, and gives it back once it has ended; `stalled` stores a running run whose invocations stopped,
 * which holds none.
 */
export function storeRun(
  wb: BrowserWorkbench,
  run: Partial<ScanRunSummary> & Pick<ScanRunSummary, 'runId' | 'startedAt'>,
  { stalled = false }: { stalled?: boolean } = {},
): Promise<void> {
  return runInInvocation(
    { accountId: null, moduleKey: 'outcome-lens-project-page', installContext: wb.app.installContext },
    async () => {
      const summary = {
        projectKey: 'DEMO',
        origin: 'manual',
        requestedBy: null,
        dryRun: false,
        status: 'running',
        finishedAt: null,
        counters: emptyCounters(),
        errorSamples: [],
        wouldChange: [],
        health: null,
        notes: [],
        failure: null,
        secured: { count: 0, keys: [] },
        ...run,
      } satisfies ScanRunSummary;
      await saveRunSummary('DEMO', summary);
      if (summary.status === 'running' && !stalled) {
        if (!(await acquireScanLease('DEMO', summary.runId, Date.now(), LEASE_TTL_MS)))
          throw new Error(`Another run holds DEMO's scan lease: ${summary.runId} cannot be running.`);
      } else await releaseScanLease('DEMO', summary.runId);
    },
  );
}
