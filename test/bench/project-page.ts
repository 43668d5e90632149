/**
 * `npm run bench -- project-page`: the project page's first load over a project of 5,000 and of 100,000 open
 * issues (BENCH_PAGE_SIZES=5000,100000 to change), in the workbench with 10 outcomes, epics linked to them,
 * story points and a share of zombies. Each project is scanned first (the scan stores the figures the page
 * reads) with the emulator's latency off, so the bench does not wait out a 100,000-issue scan; then the page's
 * calls run twice: against an instant Jira (what the workbench's own work costs on this machine), then with
 * the realistic latency model (workbench/jira/latency.ts, scale 1, real sleeping) and the rate limits on. A
 * resolver's modelled time is the critical path of the model's delays for its Jira calls: calls it makes side by
 * side (the lanes' searches) count as the longest of them, calls one after another add up
 * (test/support/modelled-latency.ts); their plain sum is printed beside it. Prints JSON per size: Jira calls and times per call (`load`,
 * `mapSummary`, `mapLanes`, `health`), the critical path of the map's load (load, then summary and lanes side
 * by side, as Forge runs the page's invocations), and the gzipped size of the page bundle.
 * Targets: Jira calls per load do not grow with the backlog; the critical path stays under 3 s.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { buildSurface } from '../../scripts/build-static';
import { BUNDLE_BUDGET_KB, measureBundle } from '../support/bundle-size';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { Answer } from '../../src/contract/answer';
import type { HealthData, MapSummaryData, OutcomeView } from '../../src/contract/project-page';
import { createWorkbenchApp } from '../../workbench/app';
import { criticalPathMs, sequentialMs, watchModelledLatency } from '../support/modelled-latency';
import type { IssueInput } from '../../workbench/jira/types';
import { DUE_DATE_AHEAD } from '../support/builders';

const SIZES = (process.env.BENCH_PAGE_SIZES ?? '5000,100000').split(',').map(Number);
const OUTCOMES = 10;
const MODULE = 'outcome-lens-project-page';
const P = 'BENCH';
const TARGET_MS = 3_000;

async function measure(openIssues: number) {
  const app = createWorkbenchApp({
    dataFile: ':memory:',
    contract: false,
    latency: 'off',
    rateLimits: 'off',
  });
  try {
    app.jira.store.createProject({ key: P, name: 'Bench' });
    app.grantDemoRoles(P);
    const as = { user: 'admin', projectKey: P };
    // The latency model's own delays for each resolver's Jira calls, with when each call was in flight.
    const watch = watchModelledLatency(app.jira);
    const invoke = async <T>(fn: string, payload: unknown) => {
      const mark = watch.mark();
      const before = app.jira.calls.length;
      const t0 = performance.now();
      const answer = (await app.invoke(MODULE, fn, payload, as)) as Answer<T>;
      const ms = performance.now() - t0;
      if (!answer.ok) throw new Error(`${fn}: ${answer.error.message}`);
      const calls = watch.since(mark);
      return {
        data: answer.data,
        ms,
        modelledMs: criticalPathMs(calls),
        modelledSumMs: sequentialMs(calls),
        jiraCalls: app.jira.calls.length - before,
        bytes: Buffer.byteLength(JSON.stringify(answer)),
      };
    };

    const outcomes: OutcomeView[] = [];
    for (let i = 0; i < OUTCOMES; i++) {
      const o = await invoke<OutcomeView>('createOutcome', {
        draft: {
          name: `Outcome ${i + 1}`,
          metric: `metric ${i + 1}`,
          baseline: 10,
          target: 20,
          direction: 'increase',
          dueDate: DUE_DATE_AHEAD,
        },
      });
      outcomes.push(o.data);
    }
    // Epics first (one per outcome), then stories: a third direct, a third through an epic, a third unlinked.
    const inputs: IssueInput[] = [];
    for (let i = 0; i < OUTCOMES; i++)
      inputs.push({ key: `${P}-${i + 1}`, projectKey: P, type: 'Epic', summary: `Epic ${i + 1}` });
    for (let n = OUTCOMES; n < openIssues; n++) {
      const k = n % 3;
      inputs.push({
        key: `${P}-${n + 1}`,
        projectKey: P,
        type: n % 5 === 0 ? 'Bug' : 'Story',
        summary:
          n % 4 === 0
            ? `Add a blue button top right number ${n}`
            : `Shoppers cannot find item ${n}, so they leave`,
        storyPoints: (n % 8) + 1,
        ...(k === 1 ? { parentKey: `${P}-${(n % OUTCOMES) + 1}` } : {}),
      });
    }
    app.jira.store.bulkCreateIssues(inputs);
    for (let i = 0; i < OUTCOMES; i++)
      app.jira.store.setIssueProperty(`${P}-${i + 1}`, ISSUE_PROPERTY_KEY, { outcomeId: outcomes[i]!.id });
    for (let n = OUTCOMES; n < openIssues; n += 3)
      app.jira.store.setIssueProperty(`${P}-${n + 1}`, ISSUE_PROPERTY_KEY, {
        outcomeId: outcomes[n % OUTCOMES]!.id,
      });

    // The scan that counts the backlog, at full speed (its own cost is `npm run bench -- scan`'s subject).
    const scanStarted = performance.now();
    await invoke('scanNow', {});
    app.registerConsumers();
    const ran = await app.queue.runDue({ until: 'idle', advanceClock: true });
    if (ran.failed > 0) throw new Error('the scan failed');
    const scanMs = performance.now() - scanStarted;

    // The page's calls, first against an instant Jira (what the workbench itself costs on this machine), then
    // against the realistic model with the rate limits on. The modelled time of a call is the difference.
    const pageLoad = async () => {
      const load = await invoke('load', {});
      // One after the other, so each call's Jira calls are its own; the critical path below counts summary and
      // lanes side by side, as Forge runs the page's two invocations.
      const summary = await invoke<MapSummaryData>('mapSummary', { filters: {} });
      const lanes = await invoke('mapLanes', { filters: {}, pageSize: 20 });
      const health = await invoke<HealthData>('health', {});
      const filtered = await invoke<MapSummaryData>('mapSummary', { filters: { issueType: 'Bug' } });
      return { load, summary, lanes, health, filtered };
    };
    const instant = await pageLoad();
    app.jira.latency.configure({ scale: 1 });
    app.jira.rateLimits.configure({ enabled: true });
    const real = await pageLoad();
    type Measured = {
      ms: number;
      jiraCalls: number;
      bytes: number;
      modelledMs: number;
      modelledSumMs: number;
    };
    const row = (name: keyof typeof real) => {
      const r: Measured = real[name];
      const i: Measured = instant[name];
      return {
        jiraCalls: r.jiraCalls,
        wallMs: Math.round(r.ms),
        workbenchMs: Math.round(i.ms),
        modelledMs: Math.round(r.modelledMs),
        modelledSequentialMs: Math.round(r.modelledSumMs),
        bytes: r.bytes,
      };
    };
    const { load, summary, lanes } = real;
    // Each resolver's critical path: its calls side by side count once, at the longest. (Wall time minus the
    // instant pass is no measure on a shared, busy machine.)
    const modelled = (name: keyof typeof real) => row(name).modelledMs;
    const mapPathMs = modelled('load') + Math.max(modelled('summary'), modelled('lanes'));
    return {
      openIssues,
      counted: summary.data.total,
      asOf: summary.data.asOf,
      scanSecondsWithLatencyOff: Math.round(scanMs / 100) / 10,
      mapLoad: {
        jiraCalls: load.jiraCalls + summary.jiraCalls + lanes.jiraCalls,
        criticalPathModelledMs: mapPathMs,
        criticalPathWallMs: Math.round(load.ms + Math.max(summary.ms, lanes.ms)),
        withinTarget: mapPathMs < TARGET_MS,
        calls: { load: row('load'), mapSummary: row('summary'), mapLanes: row('lanes') },
      },
      healthLoad: { ...row('health'), withinTarget: modelled('health') < TARGET_MS },
      filteredSummary: row('filtered'),
    };
  } finally {
    app.close();
  }
}

async function main(): Promise<void> {
  const sizes = [];
  for (const n of SIZES) sizes.push(await measure(n));
  await buildSurface('outcome-map');
  const js = fs.readFileSync(path.resolve(__dirname, '../../static/outcome-map/build/main.js'));
  const gzipBytes = zlib.gzipSync(js, { level: 9 }).length;
  const calls = sizes.map((s) => s.mapLoad.jiraCalls + s.healthLoad.jiraCalls);
  console.log(
    JSON.stringify(
      {
        bench: 'project-page',
        latency: 'realistic model (scale 1) for the page calls; off for the scans that precede them',
        outcomes: OUTCOMES,
        targetMs: TARGET_MS,
        sizes,
        callsGrowWithBacklog: calls.some((c) => c !== calls[0]),
        // The settings page's budget is printed here too, so this bench and the panel's show all three.
        settingsBundle: await measureBundle('settings'),
        bundle: {
          file: 'static/outcome-map/build/main.js',
          bytes: js.length,
          gzipBytes,
          // The page's budget (issue 15), the figure bundle-budget.test.ts holds it to.
          targetGzipBytes: BUNDLE_BUDGET_KB['outcome-map'] * 1024,
          withinTarget: gzipBytes <= BUNDLE_BUDGET_KB['outcome-map'] * 1024,
        },
      },
      null,
      2,
    ),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
