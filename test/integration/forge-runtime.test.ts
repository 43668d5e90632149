/**
 * The runtime globals with the real @forge/api and @forge/resolver: who Jira sees as the caller, what a
 * resolver receives, and that concurrent invocations keep their own context.
 */
import api, { asApp, asUser, route, getAppContext, NeedsAuthenticationError } from '@forge/api';
import Resolver from '@forge/resolver';
import { kvs } from '@forge/kvs';
import type { JiraRequest, JiraResponse } from '../../workbench/jira/types';
import { openDatabase } from '../../workbench/db';
import { KvsStore } from '../../workbench/forge/kvs-store';
import { QueueHost } from '../../workbench/forge/queue';
import { installForgeRuntime, runInInvocation, type ForgeHost } from '../../workbench/forge/runtime';
import { invokeFunction, invokeResolver, type ForgeContextInput } from '../../workbench/forge/invoke';

/** A fake of our own Jira seam: records requests and answers with who asked. */
function fakeJira() {
  const requests: JiraRequest[] = [];
  return {
    requests,
    handle(req: JiraRequest): Promise<JiraResponse> {
      requests.push(req);
      const accountId = req.actor.type === 'user' ? req.actor.accountId : 'app-account';
      return Promise.resolve({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ accountId, path: req.path }),
      });
    },
  };
}

const anIssuePanelContext = (overrides: Partial<ForgeContextInput> = {}): ForgeContextInput => ({
  accountId: 'alice',
  moduleKey: 'outcome-panel',
  extension: {
    type: 'jira:issuePanel',
    issue: { key: 'OL-7', id: '10007', type: 'Story' },
    project: { key: 'OL', id: '10000', type: 'software' },
  },
  ...overrides,
});

const jira = fakeJira();
const host: ForgeHost = {
  jira,
  kvs: new KvsStore(openDatabase(':memory:')),
  queue: new QueueHost(openDatabase(':memory:')),
  appAccountId: 'app-account',
  installContext: 'ari:cloud:jira::site/workbench',
};
let uninstall: () => void;

beforeAll(() => {
  uninstall = installForgeRuntime(host);
});
afterAll(() => uninstall());
beforeEach(() => (jira.requests.length = 0));

describe('the Forge runtime globals', () => {
  it('sends asUser().requestJira to Jira as the invoking user', async () => {
    const res = await runInInvocation({ accountId: 'alice', moduleKey: 'panel' }, () =>
      asUser().requestJira(route`/rest/api/3/myself`),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accountId: 'alice', path: '/rest/api/3/myself' });
    expect(jira.requests[0]).toMatchObject({
      method: 'GET',
      path: '/rest/api/3/myself',
      actor: { type: 'user', accountId: 'alice' },
    });
  });

  it('sends asApp().requestJira as the app, with method, headers and body', async () => {
    const res = await asApp().requestJira(route`/rest/api/3/issue/${'OL-7'}/properties/outcome`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ score: 80 }),
    });
    expect(res.ok).toBe(true);
    expect(jira.requests[0]).toEqual({
      method: 'PUT',
      path: '/rest/api/3/issue/OL-7/properties/outcome',
      headers: { 'content-type': 'application/json' },
      body: '{"score":80}',
      actor: { type: 'app' },
    });
  });

  it('accepts asUser(accountId) naming the invocation user', async () => {
    await runInInvocation({ accountId: 'alice', moduleKey: 'panel' }, () =>
      api.asUser('alice').requestJira(route`/rest/api/3/myself`),
    );
    expect(jira.requests[0]?.actor).toEqual({ type: 'user', accountId: 'alice' });
  });

  it('refuses asUser(accountId) for another account, with or without a user in the invocation', async () => {
    // Impersonation: Forge marks the allowImpersonation scope property "not yet supported".
    await expect(
      runInInvocation({ accountId: 'alice', moduleKey: 'panel' }, () =>
        api.asUser('bob').requestJira(route`/rest/api/3/myself`),
      ),
    ).rejects.toBeInstanceOf(NeedsAuthenticationError);
    await expect(
      runInInvocation({ accountId: null, moduleKey: 'bulk-consumer' }, () =>
        api.asUser('bob').requestJira(route`/rest/api/3/myself`),
      ),
    ).rejects.toBeInstanceOf(NeedsAuthenticationError);
    expect(jira.requests).toHaveLength(0);
  });

  it('refuses asUser() where there is no user, as in a trigger', async () => {
    await expect(
      runInInvocation({ accountId: null, moduleKey: 'scan' }, () =>
        asUser().requestJira(route`/rest/api/3/myself`),
      ),
    ).rejects.toBeInstanceOf(NeedsAuthenticationError);
    expect(jira.requests).toHaveLength(0);
  });

  it('keeps concurrent invocations apart', async () => {
    const users = ['alice', 'bob', 'carol', 'dave'];
    const answers = await Promise.all(
      users.map((accountId, i) =>
        runInInvocation({ accountId, moduleKey: `m-${accountId}` }, async () => {
          await new Promise((resolve) => setTimeout(resolve, (users.length - i) * 3));
          const res = await asUser().requestJira(route`/rest/api/3/myself`);
          const body = (await res.json()) as { accountId: string };
          return { accountId: body.accountId, moduleKey: getAppContext().moduleKey };
        }),
      ),
    );
    expect(answers).toEqual(users.map((accountId) => ({ accountId, moduleKey: `m-${accountId}` })));
  });

  it('reports the remaining time of the invocation', async () => {
    const remaining = await runInInvocation({ accountId: null, moduleKey: 'scan', timeoutMs: 55_000 }, () =>
      Promise.resolve(getAppContext().invocationRemainingTimeInMillis()),
    );
    expect(remaining).toBeGreaterThan(50_000);
    expect(remaining).toBeLessThanOrEqual(55_000);
  });

  it('refuses a second install in the same process', () => {
    expect(() => installForgeRuntime(host)).toThrow(/already installed/);
  });
});

describe('invokeResolver through the real @forge/resolver', () => {
  const resolver = new Resolver();
  resolver.define('getPanel', async ({ payload, context }) => {
    const me = await asUser().requestJira(route`/rest/api/3/myself`);
    await kvs.set(`viewed:${String((context.extension as { issue: { key: string } }).issue.key)}`, true);
    return { payload, context, me: (await me.json()) as unknown };
  });
  resolver.define('whoami', ({ context }) => ({
    accountId: (context.accountId as string | undefined) ?? null,
  }));
  resolver.define('explode', () => {
    throw new Error('resolver failed');
  });
  const handler = resolver.getDefinitions();

  it('hands the resolver its payload and a Forge-shaped context', async () => {
    const result = (await invokeResolver(
      handler,
      'getPanel',
      { issueKey: 'OL-7' },
      anIssuePanelContext(),
    )) as {
      payload: unknown;
      context: Record<string, unknown>;
      me: unknown;
    };
    expect(result.payload).toEqual({ issueKey: 'OL-7' });
    expect(result.context).toMatchObject({
      accountId: 'alice',
      accountType: 'licensed',
      cloudId: 'workbench',
      moduleKey: 'outcome-panel',
      installContext: 'ari:cloud:jira::site/workbench',
      extension: { type: 'jira:issuePanel', issue: { key: 'OL-7' }, project: { key: 'OL' } },
    });
    expect(typeof result.context.localId).toBe('string');
    expect(typeof result.context.siteUrl).toBe('string');
    expect(result.me).toEqual({ accountId: 'alice', path: '/rest/api/3/myself' });
    expect(host.kvs.dump()).toContainEqual({ key: 'viewed:OL-7', value: true });
  });

  it('gives an anonymous caller no accountId, and asUser() inside fails as in Forge', async () => {
    expect(await invokeResolver(handler, 'whoami', {}, anIssuePanelContext({ accountId: null }))).toEqual({
      accountId: null,
    });
    const result = (await invokeResolver(
      handler,
      'getPanel',
      {},
      anIssuePanelContext({ accountId: null }),
    ).catch((e: unknown) => e)) as Error;
    expect(result).toBeInstanceOf(NeedsAuthenticationError);
  });

  it('rejects with the error a resolver throws, and with Forge’s error for an unknown key', async () => {
    await expect(invokeResolver(handler, 'explode', {}, anIssuePanelContext())).rejects.toThrow(
      'resolver failed',
    );
    await expect(invokeResolver(handler, 'nope', {}, anIssuePanelContext())).rejects.toThrow(
      "Resolver has no definition for 'nope'.",
    );
  });

  it('invokes a trigger function with its event and the runtime context, without a user', async () => {
    const seen: unknown[] = [];
    const trigger = async (event: unknown, context: unknown) => {
      seen.push(event, context, getAppContext().moduleKey);
      return Promise.resolve({ ok: true });
    };
    const result = await invokeFunction(
      trigger,
      { context: { cloudId: 'workbench' } },
      {
        accountId: null,
        moduleKey: 'zombie-scan-trigger',
        extension: {},
      },
    );
    expect(result).toEqual({ ok: true });
    expect(seen[0]).toEqual({ context: { cloudId: 'workbench' } });
    expect(seen[1]).toMatchObject({ installContext: 'ari:cloud:jira::site/workbench', principal: undefined });
    expect(seen[2]).toBe('zombie-scan-trigger');
  });
});
