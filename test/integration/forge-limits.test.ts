/**
 * Forge's invocation limits on the workbench: a UI resolver is stopped at 25 s, a trigger or consumer at its
 * manifest timeoutSeconds (55 s when absent), payloads and answers over the size limit are refused. Tests shrink
 * time with the app's timeScale (0.001: 25 s pass in 25 ms) instead of waiting; the limits stay Forge's.
 */
import { kvs } from '@forge/kvs';
import Resolver from '@forge/resolver';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { bridgeToken, handleBridgeInvoke } from '../../workbench/bridge/host';
import {
  DEFAULT_LIMITS,
  FORGE_LIMITS,
  FunctionTimeoutError,
  PayloadTooLargeError,
} from '../../workbench/forge/context';

const PANEL = 'test-limits-panel';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RuntimeGlobal {
  __forge_runtime__: { lambdaContext: { getRemainingTimeInMillis(): number } };
}

/** The sleeps whose write after waking has been answered (stored or refused), by their `ms`. */
const triedToWrite: number[] = [];

/** Resolvers that sleep for `payload.ms` milliseconds, then write to storage; or answer `payload.bytes` bytes. */
function slowResolver() {
  const resolver = new Resolver();
  resolver.define('sleep', async ({ payload }) => {
    const { ms } = payload as { ms: number };
    await sleep(ms);
    try {
      await kvs.set(`written-after-sleep-${ms}`, true);
    } finally {
      triedToWrite.push(ms);
    }
    return { slept: true };
  });
  resolver.define('remaining', () => ({
    ms: (globalThis as unknown as RuntimeGlobal).__forge_runtime__.lambdaContext.getRemainingTimeInMillis(),
  }));
  resolver.define('big', ({ payload }) => ({ blob: 'x'.repeat((payload as { bytes: number }).bytes) }));
  resolver.define('size', ({ payload }) => ({ length: JSON.stringify(payload).length }));
  return resolver.getDefinitions();
}

function anApp(timeScale?: number): WorkbenchApp {
  const app = createWorkbenchApp({
    dataFile: ':memory:',
    ...(timeScale !== undefined ? { limits: { timeScale } } : {}),
  });
  app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
  app.grantDemoRoles('DEMO');
  app.jira.store.createIssue({ key: 'DEMO-1', summary: 'Export to CSV' });
  app.registerTestModule({ key: PANEL, type: 'jira:issuePanel', handler: slowResolver() });
  return app;
}

let app: WorkbenchApp;
afterEach(() => app?.close());

const asMember = { user: 'member', issueKey: 'DEMO-1' };

describe('the UI resolver limit', () => {
  it("is Forge's 25 s by default, and a trigger's default is 55 s", async () => {
    app = anApp();
    expect(DEFAULT_LIMITS).toMatchObject({
      uiTimeoutSeconds: 25,
      defaultFunctionTimeoutSeconds: 55,
      timeScale: 1,
    });
    const { ms } = (await app.invoke(PANEL, 'remaining', {}, asMember)) as { ms: number };
    expect(ms).toBeGreaterThan(24_000);
    expect(ms).toBeLessThanOrEqual(25_000);
  });

  it('cuts off a resolver that sleeps past 25 s with FUNCTION_TIME_OUT, and stops what it does afterwards', async () => {
    app = anApp(0.001);
    const started = Date.now();
    // Cut off at 25 ms (25 s at this time scale), long before the sleep's 2 s: the bound leaves room for a busy CI.
    const error = await app.invoke(PANEL, 'sleep', { ms: 2_000 }, asMember).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error).toBeInstanceOf(FunctionTimeoutError);
    expect(error).toMatchObject({
      code: 'FUNCTION_TIME_OUT',
      message: 'FUNCTION_TIME_OUT: the function did not finish within 25 seconds and was stopped',
    });
    // The resolver wakes after the limit and tries to write: Forge had stopped it, so nothing lands.
    while (!triedToWrite.includes(2_000)) await sleep(50);
    expect(app.kvs.dump()).toEqual([]);
    // Well within the limit the same resolver answers and writes.
    expect(await app.invoke(PANEL, 'sleep', { ms: 1 }, asMember)).toEqual({ slept: true });
    expect(app.kvs.dump()).toEqual([{ key: 'written-after-sleep-1', value: true }]);
  });

  it('answers the surface with the timeout as a bridge error', async () => {
    app = anApp(0.001);
    const accountId = app.accountIdOf('member');
    const { status, answer } = await handleBridgeInvoke(app, {
      moduleKey: PANEL,
      functionKey: 'sleep',
      payload: { ms: 300 },
      ...asMember,
      token: bridgeToken(app, { accountId, moduleKey: PANEL, issueKey: 'DEMO-1' }),
    });
    expect(status).toBe(500);
    expect(answer).toEqual({ ok: false, error: expect.stringContaining('FUNCTION_TIME_OUT') as unknown });
  });

  it('refuses a payload or an answer over the size limit', async () => {
    app = anApp();
    const limit = FORGE_LIMITS.maxPayloadBytes;
    await expect(app.invoke(PANEL, 'big', { bytes: limit + 1 }, asMember)).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    );
    await expect(app.invoke(PANEL, 'size', { blob: 'x'.repeat(limit) }, asMember)).rejects.toThrow(
      /invocation payload is \d+ bytes, over Forge's limit of 5242880 bytes/,
    );
    expect(await app.invoke(PANEL, 'big', { bytes: 1000 }, asMember)).toEqual({ blob: 'x'.repeat(1000) });
  });
});

describe('trigger limits and firings', () => {
  it('reads timeoutSeconds from the manifest: the daily scan and its consumer may run 900 s', () => {
    app = anApp();
    expect(app.timeoutSecondsOf(app.module('outcome-lens-daily-scan'))).toBe(900);
    expect(app.timeoutSecondsOf(app.module('outcome-lens-scan-consumer'))).toBe(900);
  });

  it("gives the install trigger, the entry gate and the web trigger Forge's defaults: 25 s, 25 s and 55 s", () => {
    app = anApp();
    expect(app.timeoutSecondsOf(app.module('outcome-lens-install-scan'))).toBe(25);
    expect(app.timeoutSecondsOf(app.module('outcome-lens-entry-gate'))).toBe(25);
    // Undefined: the 55 s Forge gives background work and web triggers that declare no timeout.
    expect(app.timeoutSecondsOf(app.module('outcome-lens-measurements'))).toBeUndefined();
  });

  it('stops a trigger at its timeoutSeconds, and at 55 s when it declares none', async () => {
    app = anApp(0.001);
    const sleeper = (ms: number) => async () => {
      await sleep(ms);
      return 'done';
    };
    app.registerTestModule({
      key: 't-declared',
      type: 'scheduledTrigger',
      handler: sleeper(30),
      timeoutSeconds: 10,
    });
    app.registerTestModule({ key: 't-default-ok', type: 'scheduledTrigger', handler: sleeper(10) });
    app.registerTestModule({ key: 't-default-late', type: 'scheduledTrigger', handler: sleeper(200) });
    await expect(app.runScheduledTrigger('t-declared')).rejects.toThrow(/within 10 seconds/);
    expect((await app.runScheduledTrigger('t-default-ok')).result).toBe('done');
    await expect(app.runScheduledTrigger('t-default-late')).rejects.toThrow(/within 55 seconds/);
  });

  it('fires a trigger twice at once when asked, as an at-least-once schedule can', async () => {
    app = anApp();
    let running = 0;
    let overlapped = false;
    let firings = 0;
    app.registerTestModule({
      key: 't-twice',
      type: 'scheduledTrigger',
      handler: async () => {
        running++;
        firings++;
        await sleep(5);
        overlapped ||= running > 1;
        running--;
        return { firing: firings };
      },
    });
    const summary = await app.runScheduledTrigger('t-twice', { firings: 2 });
    expect(firings).toBe(2);
    expect(overlapped).toBe(true);
    expect(summary.results).toHaveLength(2);
    expect((await app.runScheduledTrigger('t-twice')).results).toHaveLength(1);
  });
});
