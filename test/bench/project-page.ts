/**
 * Outcome map at scale: a 5,000-open-issue project in the workbench (10 outcomes, epics linked to them, story
 * points, a share of zombies), then the map's first load as the page makes it: `load`, `mapSummary`, and the
 * first page of every lane. Prints JSON: time and response bytes per call and in total, and the gzipped size
 * of the built page bundle. Targets: < 1.5 s and ≤ 250 KB gzipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { buildSurface } from '../../scripts/build-static';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { Answer } from '../../src/contract/answer';
import type { MapSummaryData, OutcomeView, ProjectPageLoadData } from '../../src/contract/project-page';
import { createWorkbenchApp } from '../../workbench/app';
import type { IssueInput } from '../../workbench/jira/types';

const OPEN_ISSUES = 5_000;
const OUTCOMES = 10;
const MODULE = 'outcome-lens-project-page';
const P = 'BENCH';

async function main(): Promise<void> {
  const app = createWorkbenchApp({ dataFile: ':memory:', contract: false });
  try {
    app.jira.store.createProject({ key: P, name: 'Bench' });
    app.grantDemoRoles(P);
    const as = { user: 'admin', projectKey: P };
    const invoke = async <T>(
      fn: string,
      payload: unknown,
    ): Promise<{ data: T; ms: number; bytes: number }> => {
      const t0 = performance.now();
      const answer = (await app.invoke(MODULE, fn, payload, as)) as Answer<T>;
      const ms = performance.now() - t0;
      if (!answer.ok) throw new Error(`${fn}: ${answer.error.message}`);
      return { data: answer.data, ms, bytes: Buffer.byteLength(JSON.stringify(answer)) };
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
          dueDate: '2027-06-30',
        },
      });
      outcomes.push(o.data);
    }
    // Epics first (one per outcome), then stories: a third direct, a third through an epic, a third unlinked.
    const inputs: IssueInput[] = [];
    for (let i = 0; i < OUTCOMES; i++)
      inputs.push({ key: `${P}-${i + 1}`, projectKey: P, type: 'Epic', summary: `Epic ${i + 1}` });
    for (let n = OUTCOMES; n < OPEN_ISSUES; n++) {
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
    for (let n = OUTCOMES; n < OPEN_ISSUES; n++) {
      const lens: Record<string, unknown> = {};
      if (n % 3 === 0) lens.outcomeId = outcomes[n % OUTCOMES]!.id;
      if (n % 17 === 0) lens.zombie = 'true';
      if (Object.keys(lens).length)
        app.jira.store.setIssueProperty(`${P}-${n + 1}`, ISSUE_PROPERTY_KEY, lens);
    }

    const t0 = performance.now();
    const load = await invoke<ProjectPageLoadData>('load', {});
    const summary = await invoke<MapSummaryData>('mapSummary', { filters: {} });
    const lanes = [await invoke('mapLanes', { filters: {}, pageSize: 20 })];
    const totalMs = performance.now() - t0;
    // In Forge the page's calls are separate invocations run side by side: load, then summary and lanes at once.
    const criticalPathMs = load.ms + Math.max(summary.ms, ...lanes.map((l) => l.ms));
    const responseBytes = load.bytes + summary.bytes + lanes.reduce((a, l) => a + l.bytes, 0);

    await buildSurface('outcome-map');
    const js = fs.readFileSync(path.resolve(__dirname, '../../static/outcome-map/build/main.js'));
    const gzipBytes = zlib.gzipSync(js, { level: 9 }).length;

    console.log(
      JSON.stringify(
        {
          bench: 'project-page',
          openIssues: summary.data.total,
          outcomes: OUTCOMES,
          outcomeMapLoad: {
            sequentialMs: Math.round(totalMs),
            criticalPathMs: Math.round(criticalPathMs),
            targetMs: 1500,
            withinTarget: criticalPathMs < 1500,
            responseBytes,
            largestResponseBytes: Math.max(load.bytes, summary.bytes, ...lanes.map((l) => l.bytes)),
            calls: {
              load: { ms: Math.round(load.ms), bytes: load.bytes },
              mapSummary: { ms: Math.round(summary.ms), bytes: summary.bytes },
              mapLanes: {
                ms: Math.round(Math.max(...lanes.map((l) => l.ms))),
                bytes: Math.max(...lanes.map((l) => l.bytes)),
              },
            },
          },
          bundle: {
            file: 'static/outcome-map/build/main.js',
            bytes: js.length,
            gzipBytes,
            targetGzipBytes: 250 * 1024,
            withinTarget: gzipBytes <= 250 * 1024,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    app.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
