/**
 * The measurements web trigger's throughput: a workbench server on a free port, a project with one outcome and
 * tokens made through the settings resolver, then POSTs over HTTP (as curl or a CI job sends them) of 1, 100 and
 * 1,000 measurements each, one request at a time and four at once. Prints accepted measurements per second per
 * case as JSON. Each token is used for at most TOKEN_RATE_LIMIT requests, so the per-token rate limit (a
 * safeguard, not the subject here) never answers 429.
 */
import { createWorkbenchApp } from '../../workbench/app';
import { startWorkbenchServer } from '../../workbench/server';
import { TOKEN_RATE_LIMIT } from '../../src/storage/ingest-tokens';
import { DUE_DATE_AHEAD } from '../support/builders';

const P = 'BENCH';
const CASES = [
  { batch: 1, requests: 200, concurrency: 1 },
  { batch: 100, requests: 40, concurrency: 1 },
  { batch: 1000, requests: 10, concurrency: 1 },
  { batch: 100, requests: 40, concurrency: 4 },
];

async function main(): Promise<void> {
  const app = createWorkbenchApp({ dataFile: ':memory:', contract: false, latency: 'off' });
  app.jira.store.createProject({ key: P, name: 'Bench' });
  app.grantDemoRoles(P);
  const created = (await app.invoke(
    'outcome-lens-project-page',
    'createOutcome',
    {
      draft: {
        name: 'Faster checkout',
        metric: 'Checkout seconds',
        baseline: 90,
        target: 60,
        direction: 'decrease',
        dueDate: DUE_DATE_AHEAD,
      },
    },
    { user: 'admin', projectKey: P },
  )) as { ok: boolean; data: { id: string } };
  const outcomeId = created.data.id;
  const server = await startWorkbenchServer(app, { port: 0, dispatchQueue: false });
  const url = `${server.url}/webtrigger/outcome-lens-measurements`;

  let tokenUses = TOKEN_RATE_LIMIT;
  let token = '';
  let tokenCount = 0;
  const nextToken = async (): Promise<string> => {
    if (tokenUses >= TOKEN_RATE_LIMIT) {
      const made = (await app.invoke(
        'outcome-lens-settings',
        'createToken',
        { name: `bench ${++tokenCount}` },
        { user: 'admin', projectKey: P },
      )) as { data: { token: string } };
      token = made.data.token;
      tokenUses = 0;
    }
    tokenUses++;
    return token;
  };

  let seq = 0;
  const results = [];
  try {
    for (const c of CASES) {
      const bodies = Array.from({ length: c.requests }, () =>
        JSON.stringify(
          Array.from({ length: c.batch }, () => ({
            outcome: outcomeId,
            value: 60 + (seq % 30),
            at: '2026-11-01',
            id: `bench-${++seq}`,
          })),
        ),
      );
      const tokens: string[] = [];
      for (let i = 0; i < c.requests; i++) tokens.push(await nextToken());
      let accepted = 0;
      let refused = 0;
      const started = performance.now();
      let next = 0;
      const worker = async () => {
        while (next < bodies.length) {
          const i = next++;
          const res = await fetch(url, {
            method: 'POST',
            headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json' },
            body: bodies[i],
          });
          const answer = (await res.json()) as { accepted?: number };
          if (res.status === 200) accepted += answer.accepted ?? 0;
          else refused++;
        }
      };
      await Promise.all(Array.from({ length: c.concurrency }, worker));
      const seconds = (performance.now() - started) / 1000;
      results.push({
        measurementsPerRequest: c.batch,
        requests: c.requests,
        concurrency: c.concurrency,
        accepted,
        refused,
        seconds: Math.round(seconds * 1000) / 1000,
        acceptedPerSecond: Math.round(accepted / seconds),
        requestsPerSecond: Math.round((c.requests / seconds) * 10) / 10,
      });
    }
  } finally {
    await server.close();
    app.close();
  }
  console.log(JSON.stringify({ bench: 'webtrigger', cases: results }, null, 2));
  if (results.some((r) => r.refused > 0)) process.exitCode = 1;
}

void main();
