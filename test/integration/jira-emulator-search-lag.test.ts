/**
 * Jira's enhanced search is eventually consistent: the platform spec's searchAndReconsileIssuesUsingJql(Post) says
 * "Recent updates might not be immediately visible in the returned search results" and offers `reconcileIssues`
 * ("Accepts max 50 ids") for read-after-write. The emulator's index lags behind REST writes by its delay; a
 * reconciled issue is matched as it is now; reads of one issue are never behind.
 */
import { openDatabase } from '../../workbench/db';
import { JiraEmulator } from '../../workbench/jira/emulator';
import { ContractChecker } from '../../workbench/jira/openapi';
import { REALISTIC_INDEX_DELAY_MS, SearchIndex } from '../../workbench/jira/search-index';
import type { JiraActor, JiraPermission, StoredIssue } from '../../workbench/jira/types';

const ALL: JiraPermission[] = [
  'BROWSE_PROJECTS',
  'EDIT_ISSUES',
  'ADMINISTER_PROJECTS',
  'TRANSITION_ISSUES',
  'ADD_COMMENTS',
];
const member: JiraActor = { type: 'user', accountId: 'acc-member' };
/** 1/20 of the realistic model: a call takes a few ms. */
const SCALE = 0.05;
/**
 * A lag of 5 s on the wall clock at that scale: long enough that a busy machine does not let it pass in the middle
 * of a test; `index.catchUp()` ends it (a unit of SearchIndex below checks the delay itself on a test clock).
 */
const LONG_LAG_MS = 100_000;

function aWorld(options: { searchIndexDelayMs?: number; contract?: false } = {}) {
  const contract = ContractChecker.fromSpecFile();
  const jira = new JiraEmulator(openDatabase(':memory:'), {
    contract: options.contract === false ? null : contract,
    latency: { scale: SCALE },
    searchIndexDelayMs: options.searchIndexDelayMs ?? LONG_LAG_MS,
  });
  const s = jira.store;
  s.upsertUser({ accountId: 'acc-member', displayName: 'Max Member' });
  s.createProject({ key: 'OL', name: 'Outcome Lens', leadAccountId: 'acc-member' });
  s.grant('OL', 'acc-member', ALL);
  const a = s.createIssue({ key: 'OL-1', summary: 'Bookmark items in the cart' });
  const b = s.createIssue({ key: 'OL-2', summary: 'Show shipping costs early' });
  return { jira, contract, a, b };
}

async function call(jira: JiraEmulator, method: string, path: string, body?: unknown) {
  const res = await jira.handle({
    method,
    path: `/rest/api/3${path}`,
    actor: member,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : null };
}

async function keysOf(jira: JiraEmulator, jql: string, reconcileIssues?: number[]): Promise<string[]> {
  const res = await call(jira, 'POST', '/search/jql', {
    jql,
    fields: ['summary'],
    ...(reconcileIssues ? { reconcileIssues } : {}),
  });
  expect(res.status).toBe(200);
  return (res.json!.issues as Array<{ key: string }>).map((i) => i.key);
}

/** What the delay passing does: the index takes every write in. */
const waitForIndex = (jira: JiraEmulator) => jira.index.catchUp();

describe('the emulator’s search index lags behind REST writes', () => {
  it('hides a property write from JQL until the delay has passed; reconcileIssues shows it at once', async () => {
    const { jira, contract, a } = aWorld();
    const before = contract.violations.length;
    expect(jira.index.wallDelayMs()).toBe(LONG_LAG_MS * SCALE);
    const jql = 'project = OL AND outcomeId = "out-1"';

    expect(
      (await call(jira, 'PUT', '/issue/OL-1/properties/outcome-lens', { outcomeId: 'out-1' })).status,
    ).toBe(201);

    // A read of the issue or of its property sees the write at once; search does not.
    const property = await call(jira, 'GET', '/issue/OL-1/properties/outcome-lens');
    expect(property.json!.value).toEqual({ outcomeId: 'out-1' });
    expect(await keysOf(jira, jql)).toEqual([]);
    expect((await call(jira, 'POST', '/search/approximate-count', { jql })).json).toEqual({ count: 0 });
    // Reconciled: matched as it is now.
    expect(await keysOf(jira, jql, [a.id])).toEqual(['OL-1']);
    const viaGet = await call(
      jira,
      'GET',
      `/search/jql?jql=${encodeURIComponent(jql)}&reconcileIssues=${a.id}&reconcileIssues=99999`,
    );
    expect((viaGet.json!.issues as Array<{ key: string }>).map((i) => i.key)).toEqual(['OL-1']);

    waitForIndex(jira);
    expect(await keysOf(jira, jql)).toEqual(['OL-1']);
    expect((await call(jira, 'POST', '/search/approximate-count', { jql })).json).toEqual({ count: 1 });
    expect(contract.violations.slice(before)).toEqual([]);
  });

  it('keeps a closed issue in an open-work search, as it was, until the index has it; reconciled it is gone', async () => {
    const { jira, a } = aWorld();
    const transitions = await call(jira, 'GET', '/issue/OL-1/transitions');
    const done = (
      transitions.json!.transitions as Array<{
        id: string;
        to: { name: string; statusCategory: { key: string } };
      }>
    ).find((t) => t.to.statusCategory.key === 'done')!;
    expect(
      (await call(jira, 'POST', '/issue/OL-1/transitions', { transition: { id: done.id } })).status,
    ).toBe(204);
    const open = 'project = OL AND statusCategory != Done ORDER BY key';

    const stale = await call(jira, 'POST', '/search/jql', { jql: open, fields: ['status'] });
    const listed = stale.json!.issues as Array<{ key: string; fields: { status: { name: string } } }>;
    expect(listed.map((i) => i.key)).toEqual(['OL-1', 'OL-2']);
    // What is returned of a matched issue is read as it is now.
    expect(listed[0]!.fields.status.name).toBe(done.to.name);
    expect(await keysOf(jira, open, [a.id])).toEqual(['OL-2']);

    waitForIndex(jira);
    expect(await keysOf(jira, open)).toEqual(['OL-2']);
  });

  it('counts a deleted issue until the index has the deletion, but returns nothing of it, sorted or not', async () => {
    const { jira, contract, a } = aWorld();
    const before = contract.violations.length;
    jira.store.grant('OL', 'acc-member', ['DELETE_ISSUES']);
    expect((await call(jira, 'DELETE', '/issue/OL-1')).status).toBe(204);
    expect((await call(jira, 'GET', '/issue/OL-1')).status).toBe(404);

    const jql = 'project = OL';
    // The index still holds it: it is matched and counted, yet there is nothing left to return of it.
    expect((await call(jira, 'POST', '/search/approximate-count', { jql })).json).toEqual({ count: 2 });
    expect(await keysOf(jira, jql)).toEqual(['OL-2']);
    expect(await keysOf(jira, `${jql} ORDER BY key DESC`)).toEqual(['OL-2']);
    expect(await keysOf(jira, jql, [a.id])).toEqual(['OL-2']);

    waitForIndex(jira);
    expect((await call(jira, 'POST', '/search/approximate-count', { jql })).json).toEqual({ count: 1 });
    expect(contract.violations.slice(before)).toEqual([]);
  });

  it('indexes what a test writes into the store at once, and catches up or drops the lag when told', async () => {
    const { jira, a, b } = aWorld();
    jira.store.setIssueProperty('OL-2', 'outcome-lens', { outcomeId: 'out-2' });
    expect(await keysOf(jira, 'project = OL AND outcomeId = "out-2"')).toEqual(['OL-2']);

    await call(jira, 'PUT', '/issue/OL-1/properties/outcome-lens', { outcomeId: 'out-2' });
    expect(await keysOf(jira, 'project = OL AND outcomeId = "out-2"')).toEqual(['OL-2']);
    jira.index.catchUp();
    expect(await keysOf(jira, 'project = OL AND outcomeId = "out-2"')).toEqual(['OL-1', 'OL-2']);

    const fresh = aWorld({ searchIndexDelayMs: 0 }).jira;
    await call(fresh, 'PUT', '/issue/OL-1/properties/outcome-lens', { outcomeId: 'out-3' });
    expect(await keysOf(fresh, 'project = OL AND outcomeId = "out-3"')).toEqual(['OL-1']);
    expect([a.id, b.id]).toHaveLength(2);
  });

  it('refuses more than 50 ids to reconcile, and ids that are not numbers', async () => {
    // Without the contract check, which would itself refuse an id that is not an integer.
    const { jira, a } = aWorld({ contract: false });
    const ids = Array.from({ length: 51 }, (_, i) => a.id + i);
    const tooMany = await call(jira, 'POST', '/search/jql', { jql: 'project = OL', reconcileIssues: ids });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json!.errors).toEqual({ reconcileIssues: expect.stringContaining('50') });
    expect(
      (await call(jira, 'POST', '/search/jql', { jql: 'project = OL', reconcileIssues: ids.slice(0, 50) }))
        .status,
    ).toBe(200);
    const viaGet = await call(
      jira,
      'GET',
      `/search/jql?jql=project%20%3D%20OL&${ids.map((id) => `reconcileIssues=${id}`).join('&')}`,
    );
    expect(viaGet.status).toBe(400);
    expect((await call(jira, 'GET', '/search/jql?jql=project%20%3D%20OL&reconcileIssues=OL-1')).status).toBe(
      400,
    );
    expect(
      (await call(jira, 'POST', '/search/jql', { jql: 'project = OL', reconcileIssues: [String(a.id)] }))
        .status,
    ).toBe(400);
  });
});

describe('the search index’s delay', () => {
  it('is 2 s of the site’s time by default, scaled like the latency, and lands each write in order', () => {
    let now = 1_000;
    let scale = 0.02;
    const index = new SearchIndex(
      REALISTIC_INDEX_DELAY_MS,
      () => scale,
      () => now,
    );
    expect(index.wallDelayMs()).toBe(40);
    const v1 = { issue: { id: 1, summary: 'v1' } as unknown as StoredIssue, properties: {} };
    const v2 = { issue: { id: 1, summary: 'v2' } as unknown as StoredIssue, properties: {} };
    index.recordWrite(1, () => v1);
    now += 20;
    index.recordWrite(1, () => v2);
    expect(index.staleIssues().get(1)).toBe(v1);
    now += 20; // the first write is indexed, the second not yet
    expect(index.staleIssues().get(1)).toBe(v2);
    now += 20;
    expect(index.staleIssues().has(1)).toBe(false);
    expect(index.behind).toBe(false);
    // Latency off: no lag at all.
    scale = 0;
    index.recordWrite(1, () => v1);
    expect(index.behind).toBe(false);
  });
});
