/**
 * `npm run bench -- gadget`: the Shipped versus moved dashboard gadget's load for a project of 5,000 delivered
 * items (BENCH_GADGET_ITEMS to change) over 18 months, with sprints, story points, bets and verdicts, and two
 * measured outcomes. The scans that keep the summary run first with the emulator's latency off (a first read
 * of 5,000 deliveries takes a few runs at 2,000 a run; how many is printed), then a day's upkeep (items
 * delivered, one reopened) with the realistic model on. The gadget's load then runs against an instant Jira and
 * with the workbench's latency model (workbench/jira/latency.ts, scale 1, real sleeping) and the rate limits
 * on. Prints JSON: Jira calls of a load (by endpoint), wall and modelled time, the answer's size, the upkeep's
 * searches, and the gadget bundle's gzipped size against its budget.
 * Targets: a load's Jira calls do not grow with the project (one call, the viewer's project search); under 1 s.
 */
import type { Answer } from '../../src/contract/answer';
import type { GadgetViewData } from '../../src/contract/shipped';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { ShippedSummary } from '../../src/domain/shipped';
import { keys } from '../../src/storage/keys';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import type { IssueInput } from '../../workbench/jira/types';
import { BUNDLE_BUDGET_KB, measureBundle } from '../support/bundle-size';

const ITEMS = Number(process.env.BENCH_GADGET_ITEMS ?? 5000);
const P = 'SHIP';
const GADGET = 'outcome-lens-shipped-gadget';
const PAGE = 'outcome-lens-project-page';
const TARGET_MS = 1_000;
const DAY = 86_400_000;

function ok<T>(a: unknown, what: string): T {
  const answer = a as Answer<T>;
  if (!answer.ok) throw new Error(`${what}: ${answer.error.message}`);
  return answer.data;
}

function summaryOf(app: WorkbenchApp): ShippedSummary | undefined {
  return app.kvs.dump().find((e) => e.key === keys.shippedSummary(P))?.value as ShippedSummary | undefined;
}

async function scan(app: WorkbenchApp): Promise<void> {
  ok(await app.invoke(PAGE, 'scanNow', {}, { user: 'admin', projectKey: P }), 'scanNow');
  app.registerConsumers();
  const ran = await app.queue.runDue({ until: 'idle', advanceClock: true, maxEvents: 10_000 });
  if (ran.failed > 0) throw new Error('the scan failed');
}

async function main(): Promise<void> {
  const app = createWorkbenchApp({
    dataFile: ':memory:',
    contract: false,
    latency: 'off',
    rateLimits: 'off',
  });
  try {
    app.jira.store.createProject({ key: P, name: 'Shop' });
    app.grantDemoRoles(P);
    const now = Date.now();
    const as = { user: 'admin', projectKey: P };
    for (const [i, name] of ['Mobile shoppers buy', 'Fewer order questions'].entries()) {
      ok(
        await app.invoke(
          PAGE,
          'createOutcome',
          {
            draft: {
              name,
              metric: i === 0 ? 'mobile conversion rate' : 'order-status tickets',
              baseline: i === 0 ? 1.8 : 14,
              target: i === 0 ? 2.4 : 9,
              direction: i === 0 ? 'increase' : 'decrease',
              dueDate: new Date(now + 90 * DAY).toISOString().slice(0, 10),
            },
          },
          as,
        ),
        'createOutcome',
      );
    }
    // 5,000 delivered items over 18 months, in two-week sprints; every third carried a bet, some with verdicts.
    const inputs: IssueInput[] = [];
    for (let n = 0; n < ITEMS; n++) {
      const daysAgo = Math.floor((n / ITEMS) * 540);
      const sprint = Math.floor((540 - daysAgo) / 14) + 1;
      inputs.push({
        projectKey: P,
        type: 'Story',
        summary: `Delivered item ${n}`,
        status: 'Done',
        statusCategory: 'done',
        resolution: n % 23 === 0 ? "Won't Do" : 'Done',
        created: new Date(now - (daysAgo + 30) * DAY).toISOString(),
        updated: new Date(now - daysAgo * DAY).toISOString(),
        storyPoints: (n % 5) + 1,
        sprints: [{ id: sprint, name: `Sprint ${sprint}`, state: 'closed' }],
      });
    }
    const open = app.jira.store.createIssue({ projectKey: P, summary: 'Open work' });
    app.jira.store.setIssueProperty(open.key, ISSUE_PROPERTY_KEY, { version: 1, hasHypothesis: 'false' });
    const created = app.jira.store.bulkCreateIssues(inputs);
    created.forEach((key, n) => {
      if (n % 3 !== 0) return;
      const verdict = n % 9 === 0 ? 'validated' : n % 9 === 3 ? 'invalidated' : null;
      app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, {
        version: 1,
        expected: { metric: 'mobile conversion rate', direction: 'increase', checkBy: '2026-01-01' },
        hasHypothesis: 'true',
        ...(verdict ? { result: { verdict, evidence: 'Bench.' } } : {}),
      });
    });

    // The first read of the history: runs until the scan has caught up.
    const started = performance.now();
    let runs = 0;
    do {
      await scan(app);
      runs++;
    } while (summaryOf(app)?.catchingUp && runs < 20);
    const firstReadSeconds = Math.round((performance.now() - started) / 100) / 10;

    // A day later: 40 delivered, one reopened; the upkeep reads only what changed, with the latency model on.
    const fresh = app.jira.store.bulkCreateIssues(
      Array.from({ length: 40 }, (_, i) => ({
        projectKey: P,
        summary: `Delivered today ${i}`,
        status: 'Done',
        statusCategory: 'done' as const,
        resolution: 'Done',
        updated: new Date().toISOString(),
        storyPoints: 2,
      })),
    );
    const reopened = app.jira.store.getIssue(created[1]!)!;
    app.jira.store.updateIssueFields(reopened.id, {
      statusName: 'In Progress',
      statusCategory: 'indeterminate',
      resolution: null,
      updated: new Date().toISOString(),
    });
    app.jira.latency.configure({ scale: 1 });
    app.jira.rateLimits.configure({ enabled: true });
    const searchesBefore = app.jira.calls.filter((c) => c.path.startsWith('/rest/api/3/search/jql')).length;
    await scan(app);
    const dailyScanSearches =
      app.jira.calls.filter((c) => c.path.startsWith('/rest/api/3/search/jql')).length - searchesBefore;

    // The modelled time of a load: the latency model's delays for its Jira calls, summed.
    let modelled = 0;
    const model = app.jira.latency;
    const before = model.before.bind(model);
    const after = model.after.bind(model);
    model.before = (endpoint, write) => {
      const ms = before(endpoint, write);
      modelled += ms;
      return ms;
    };
    model.after = (endpoint, write, objects) => {
      const ms = after(endpoint, write, objects);
      modelled += ms;
      return ms;
    };
    const load = async (user: string) => {
      modelled = 0;
      const mark = app.jira.calls.length;
      const t0 = performance.now();
      const answer = await app.invoke(GADGET, 'gadgetView', { projectKeys: [P], months: 12 }, { user });
      const ms = performance.now() - t0;
      const data = ok<GadgetViewData>(answer, 'gadgetView');
      const calls = app.jira.calls.slice(mark);
      const byEndpoint: Record<string, number> = {};
      for (const c of calls) {
        const k = `${c.method} ${c.path.split('?')[0]}`;
        byEndpoint[k] = (byEndpoint[k] ?? 0) + 1;
      }
      return {
        jiraCalls: calls.length,
        byEndpoint,
        wallMs: Math.round(ms),
        modelledMs: Math.round(modelled),
        bytes: Buffer.byteLength(JSON.stringify(answer)),
        counted: data.projects[0]?.view.totals ?? null,
      };
    };
    const realistic = await load('viewer');
    app.jira.latency.configure({ scale: 0 });
    app.jira.rateLimits.configure({ enabled: false });
    const instant = await load('viewer');
    const summary = summaryOf(app);
    const bundle = await measureBundle('gadget');
    console.log(
      JSON.stringify(
        {
          bench: 'gadget',
          deliveredItems: ITEMS,
          ledger: { items: summary?.items, months: Object.keys(summary?.months ?? {}).length },
          firstRead: { scans: runs, secondsWithLatencyOff: firstReadSeconds },
          dailyUpkeep: { deliveredToday: fresh.length, reopened: 1, scanSearches: dailyScanSearches },
          load: {
            latency: 'realistic model (scale 1) and rate limits on',
            ...realistic,
            withinTarget: realistic.modelledMs < TARGET_MS && realistic.wallMs < TARGET_MS,
          },
          loadInstantJira: { jiraCalls: instant.jiraCalls, wallMs: instant.wallMs },
          targetMs: TARGET_MS,
          bundle: { ...bundle, budgetKB: BUNDLE_BUDGET_KB.gadget },
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
