/**
 * `npm run bench -- calibrate`: what it costs to calibrate a 10,000-issue project in the app. A generated history
 * of two and a half years (test/support/history-export.ts: types, comments, status and resolution changes) is
 * imported into the workbench's Jira; then an admin's "Calibrate from history" (the settings resolver) queues
 * the background job, and the workbench delivers its events until the queue is idle, with the emulator's
 * realistic latency model (scale 1 unless BENCH_LATENCY_SCALE says otherwise) and Jira's rate limits on. Prints
 * the wall time, the latency model's own delays summed (the job's calls run one after another), the Jira calls
 * by endpoint, the points of the hourly quota spent, the invocations, and the replay of the pure core alone.
 * BENCH_CALIBRATE_ISSUES changes the size (default 10,000).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Answer } from '../../src/contract/answer';
import type { CalibrationView, StartCalibrationAnswer } from '../../src/contract/calibration';
import {
  calibrateProject,
  previewCandidates,
  proposeResolutionMapping,
  resolutionNamesOf,
  type HistoryIssue,
} from '../../src/domain/calibration';
import { historyFromRestIssue } from '../../src/domain/history';
import { createWorkbenchApp } from '../../workbench/app';
import { importIssues } from '../../workbench/import';
import { generateHistoryExport, writeJsonl } from '../support/history-export';
import { sequentialMs, watchModelledLatency } from '../support/modelled-latency';

const ISSUES = Number(process.env.BENCH_CALIBRATE_ISSUES ?? 10_000);
const LATENCY_SCALE = Number(process.env.BENCH_LATENCY_SCALE ?? 1);
const P = 'BIG';
const SETTINGS = 'outcome-lens-settings';

async function main(): Promise<void> {
  const asOf = new Date();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-calibrate-'));
  const file = path.join(tmp, 'big.jsonl');
  const exported = generateHistoryExport({ projectKey: P, issues: ISSUES, asOf });
  writeJsonl(file, exported);

  // The pure core alone, over the same history as the CLI reads it (what the job's last step does).
  const histories = exported.map((raw) => historyFromRestIssue(raw)).filter((h): h is HistoryIssue => !!h);
  const coreStart = performance.now();
  const core = calibrateProject(P, histories, {
    asOf,
    mapping: proposeResolutionMapping(resolutionNamesOf(histories)).mapping,
    currentIdleDays: 60,
    candidates: previewCandidates(),
  });
  const coreSeconds = (performance.now() - coreStart) / 1000;

  const app = createWorkbenchApp({
    dataFile: ':memory:',
    contract: false,
    latency: 'off',
    rateLimits: 'off',
  });
  try {
    const imported = await importIssues(app, file);
    app.jira.latency.configure({ scale: LATENCY_SCALE });
    app.jira.rateLimits.configure({ enabled: true });
    // The latency model's own delays, summed: the job makes its calls one after another.
    const watch = watchModelledLatency(app.jira);
    app.registerConsumers();
    const mark = app.jira.calls.length;
    const as = { user: 'admin', projectKey: P };
    const t0 = performance.now();
    const started = (await app.invoke(SETTINGS, 'calibrate', {}, as)) as Answer<StartCalibrationAnswer>;
    if (!started.ok) throw new Error(started.error.message);
    await app.queue.runDue({ until: 'idle', advanceClock: true });
    const wallSeconds = (performance.now() - t0) / 1000;
    const view = (await app.invoke(SETTINGS, 'calibrationState', {}, as)) as Answer<CalibrationView>;
    if (!view.ok) throw new Error(view.error.message);
    const state = view.data.state;
    if (state?.status !== 'finished' || !state.result || !state.progress)
      throw new Error(`calibration ${state?.status}: ${state?.failure ?? view.data.figuresWithheld}`);

    const byEndpoint: Record<string, number> = {};
    for (const c of app.jira.calls.slice(mark)) {
      const key = `${c.method} ${c.path.replace(/\?.*$/, '').replace(/\/[A-Z][A-Z0-9_]*-\d+/, '/{key}')}`;
      byEndpoint[key] = (byEndpoint[key] ?? 0) + 1;
    }
    console.log(
      JSON.stringify(
        {
          bench: 'calibrate',
          what: `calibration of a ${ISSUES}-issue project in the app: settings resolver, then the queued job over the workbench's Jira`,
          latency: `realistic model at scale ${LATENCY_SCALE}, rate limits on (65,000 points an hour)`,
          issuesInProject: imported.imported,
          issuesRead: state.progress.issuesRead,
          pages: state.progress.pages,
          invocations: state.progress.invocations,
          wallSeconds: Math.round(wallSeconds * 10) / 10,
          modelledJiraSeconds: Math.round(sequentialMs(watch.since(0)) / 100) / 10,
          jiraCalls: state.progress.jiraCalls,
          jiraCallsByEndpoint: byEndpoint,
          points: state.progress.points,
          rateLimited: state.progress.rateLimited,
          refused429: app.jira.calls.slice(mark).filter((c) => c.status === 429).length,
          proposal: state.result.thresholds,
          delivered: state.result.delivered,
          abandoned: state.result.abandoned,
          sameAsPureCore:
            JSON.stringify(core.thresholds) === JSON.stringify(state.result.thresholds) &&
            core.delivered === state.result.delivered,
          pureCoreSeconds: Math.round(coreSeconds * 1000) / 1000,
          heapUsedMB: Math.round(process.memoryUsage().heapUsed / 1e6),
        },
        null,
        2,
      ),
    );
  } finally {
    app.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
