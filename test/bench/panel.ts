/**
 * The issue panel's weight and chattiness: builds the panel, measures its gzipped JS, then loads
 * /browse/<issue> of the demo backlog in a real chromium through the workbench and counts the resolver invokes
 * the panel makes until it has rendered and gone quiet. Prints JSON. Targets: the panel's bundle budget
 * (test/support/bundle-size.ts, issue 15: 200 KB gzipped, the same figure bundle-budget.test.ts holds), exactly 1
 * invoke on load.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { buildSurface } from '../../scripts/build-static';
import { seedDemo } from '../../workbench/seed/demo';
import { startBrowserWorkbench } from '../support/browser';
import { BUNDLE_BUDGET_KB } from '../support/bundle-size';

const MODULE = 'outcome-lens-issue-panel';
const TARGET_GZIP_KB = BUNDLE_BUDGET_KB['issue-panel'];
const TARGET_INVOKES = 1;
/** After the panel renders, wait this long for any late invoke before counting. */
const QUIET_MS = 1_500;

async function main(): Promise<void> {
  await buildSurface('issue-panel');
  const bundle = fs.readFileSync(path.resolve(__dirname, '../../static/issue-panel/build/main.js'));
  const gzipBytes = zlib.gzipSync(bundle, { level: 9 }).length;

  const wb = await startBrowserWorkbench({ seed: (app) => seedDemo(app, new Date()) });
  try {
    const issues = ['Make the Place Order button bigger and orange', 'Pay with Apple Pay and Google Pay'].map(
      (summary) => {
        const row = wb.app.jira.store.db
          .prepare('SELECT key FROM jira_issues WHERE summary = ?')
          .get(summary) as { key: string } | undefined;
        if (!row) throw new Error(`No demo issue "${summary}"`);
        return row.key;
      },
    );
    const loads: Array<{ issueKey: string; invokes: string[]; renderMs: number }> = [];
    for (const issueKey of issues) {
      const page = await wb.context.newPage();
      const invokes: string[] = [];
      page.on('request', (req) => {
        if (!req.url().endsWith('/__bridge/invoke')) return;
        const body = JSON.parse(req.postData() ?? '{}') as { moduleKey?: string; functionKey?: string };
        if (body.moduleKey === MODULE) invokes.push(body.functionKey ?? '?');
      });
      const started = performance.now();
      await page.goto(new URL(`/browse/${issueKey}?user=member`, wb.server.url).href, { waitUntil: 'load' });
      const frame = await wb.panelFrame(page, `iframe[data-wb-module="${MODULE}"]`);
      await frame.waitForSelector('[data-testid="score-total"]', { timeout: 30_000 });
      const renderMs = Math.round(performance.now() - started);
      await page.waitForTimeout(QUIET_MS);
      loads.push({ issueKey, invokes: [...invokes], renderMs });
      await page.close();
    }
    const maxInvokes = Math.max(...loads.map((l) => l.invokes.length));
    const result = {
      bench: 'issue-panel',
      bundle: {
        bytes: bundle.length,
        gzipBytes,
        gzipKB: Math.round((gzipBytes / 1024) * 10) / 10,
        targetKB: TARGET_GZIP_KB,
      },
      invokesOnLoad: { max: maxInvokes, target: TARGET_INVOKES, loads },
      withinTargets:
        gzipBytes <= TARGET_GZIP_KB * 1024 && loads.every((l) => l.invokes.length === TARGET_INVOKES),
    };
    console.log(JSON.stringify(result, null, 2));
    if (!result.withinTargets) process.exitCode = 1;
  } finally {
    await wb.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
