/**
 * The project page's resolver over the workbench: outcomes, the map, kill review with its decision log, and
 * backlog health, including refusals for a viewer and an outsider and a kill repeated without effect.
 */
import { kvs as forgeKvs } from '@forge/kvs';
import Resolver from '@forge/resolver';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import type { Answer } from '../../src/contract/answer';
import type {
  DecideData,
  DecisionLogData,
  HealthData,
  HealthRecipesData,
  MapLanesData,
  MapPageData,
  MapSummaryData,
  OutcomeView,
  ProjectPageLoadData,
  ScanRunsData,
  ZombieQueueData,
} from '../../src/contract/project-page';
import { mapSummaryPayloadSchema } from '../../src/contract/project-page';
import { NO_OUTCOME } from '../../src/contract/project-page-keys';
import { keys } from '../../src/storage/keys';
import { STALLED_RUN } from '../../src/services/scan-runs';
import { saveRunSummary } from '../../src/storage/scan-state';
import { saveSettings } from '../../src/storage/settings';
import { createOutcome as createStoredOutcome } from '../../src/storage/outcomes';
import { defineEndpoint } from '../../src/resolvers/endpoint';
import { mapSummary } from '../../src/services/outcome-map';
import { runInInvocation } from '../../workbench/forge/context';
import { DEFAULT_CUSTOM_FIELDS } from '../../workbench/jira/types';
import { seedFlaggedIssue } from '../support/flagged-issue';
import { anOutcomeDraft, KILL_DATE_AHEAD } from '../support/builders';
import { setWallClock } from '../support/timing';

const P = 'DEMO';
/** The manifest's module: app.invoke finds its resolver and the handler export in src/index.ts. */
const PAGE = 'outcome-lens-project-page';

let app: WorkbenchApp;

beforeEach(() => {
  app = createWorkbenchApp({ dataFile: ':memory:', contract: true });
  app.jira.store.createProject({ key: P, name: 'Demo' });
  app.grantDemoRoles(P);
});
afterEach(() => {
  app.close();
  jest.useRealTimers();
});

async function call<T>(fn: string, payload: unknown, user = 'admin'): Promise<Answer<T>> {
  return (await app.invoke(PAGE, fn, payload, { user, projectKey: P })) as Answer<T>;
}
function ok<T>(a: Answer<T>): T {
  if (!a.ok) throw new Error(`expected ok, got ${JSON.stringify(a.error)}`);
  return a.data;
}

const aZombie = (summary?: string, lens?: Record<string, unknown>): string =>
  seedFlaggedIssue(app.jira.store, P, summary, lens);

describe('outcomes', () => {
  it('lets an admin create, edit, measure and archive an outcome, and shows its progress', async () => {
    const created = ok(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
    expect(created.version).toBe(1);
    expect(created).not.toHaveProperty('createdBy');
    const edited = ok(
      await call<OutcomeView>('updateOutcome', {
        id: created.id,
        version: 1,
        draft: anOutcomeDraft({ name: 'Cart drop-off down' }),
      }),
    );
    expect(edited.name).toBe('Cart drop-off down');
    const measured = ok(
      await call<OutcomeView>('addMeasurement', {
        id: created.id,
        version: 2,
        measurement: { at: '2026-05-01', value: 35 },
      }),
    );
    expect(measured.progress).toEqual({ current: 35, fraction: 0.5, measuredAt: '2026-05-01' });
    const archived = ok(
      await call<OutcomeView>('archiveOutcome', { id: created.id, version: 3, status: 'achieved' }),
    );
    expect(archived.status).toBe('achieved');
    const page = ok(await call<ProjectPageLoadData>('load', {}, 'viewer'));
    expect(page.outcomes.map((o) => o.status)).toEqual(['achieved']);
    expect(page.permissions.canEditOutcomes).toBe(false);
  });

  it('first loads the lanes looked at first, at most 25, and leaves a lane Jira rate-limits for later instead of failing', async () => {
    const active: string[] = [];
    const closed: string[] = [];
    for (let i = 0; i < 40; i++) {
      const o = ok(
        await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft({ name: `Outcome ${i}` }) }),
      );
      if (i % 2 === 1) active.push(o.id);
      else {
        ok(await call<OutcomeView>('archiveOutcome', { id: o.id, version: 1, status: 'abandoned' }));
        closed.push(o.id);
      }
    }
    // Jira answers every search of one lane with its rate limit, however often the app retries. Matched on
    // that lane's own clause (as the JSON body quotes it): "serves no outcome" names every outcome id too.
    app.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 0,
      match: { pathIncludes: '/search/jql', bodyIncludes: `outcomeId = \\"${active[3]}\\"` },
    });
    const first = ok(await call<MapLanesData>('mapLanes', { filters: {}, pageSize: 20 }));
    const limited = active[3]!;
    expect(first.lanes.map((l) => l.lane)).toEqual([
      NO_OUTCOME,
      ...active.filter((id) => id !== limited),
      ...closed.slice(0, 4),
    ]);
    // The searches ran a few at a time, not one per outcome at once.
    const searches = app.jira.calls.filter((c) => c.path.startsWith('/rest/api/3/search/jql')).length;
    expect(searches).toBeGreaterThanOrEqual(25);
    app.jira.faults.clear();
    // A lane left out loads on its own: the rate-limited one, and a closed outcome's past the first 25.
    for (const lane of [limited, closed[10]!])
      expect(ok(await call<MapPageData>('mapPage', { lane, filters: {}, pageSize: 20 })).lane).toBe(lane);
  });

  it('takes a measurement typed by mistake off, on the version the page showed, and only for outcome editors', async () => {
    const created = ok(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
    ok(
      await call('addMeasurement', {
        id: created.id,
        version: 1,
        measurement: { at: '2026-05-01', value: 35 },
      }),
    );
    const typo = ok(
      await call<OutcomeView>('addMeasurement', {
        id: created.id,
        version: 2,
        measurement: { at: '2026-05-02', value: 350 },
      }),
    );
    expect(typo.progress.current).toBe(350);
    const remove = { id: created.id, version: 3, measurement: { at: '2026-05-02', value: 350 } };
    expect(await call('removeMeasurement', remove, 'viewer')).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHORIZED' },
    });
    // On a version the page no longer shows, nothing is taken off.
    expect(await call('removeMeasurement', { ...remove, version: 2 })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    const fixed = ok(await call<OutcomeView>('removeMeasurement', remove));
    expect(fixed.measurements.map((m) => [m.at, m.value])).toEqual([['2026-05-01', 35]]);
    expect([fixed.version, fixed.progress.current]).toEqual([4, 35]);
    expect(await call('removeMeasurement', { ...remove, version: 4 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringContaining('no measurement of 350 on 2026-05-02') },
    });
  });

  it('takes a reading sent again under its id once, and refuses another reading under that id without losing either', async () => {
    const created = ok(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
    const first = { id: created.id, version: 1, measurement: { at: '2026-05-01', value: 38, id: 'p-1' } };
    ok(await call('addMeasurement', first));
    // The same call sent again (its answer lost) records nothing more.
    expect(ok(await call<OutcomeView>('addMeasurement', first)).measurements).toHaveLength(1);
    const corrected = {
      id: created.id,
      version: 2,
      measurement: { at: '2026-05-02', value: 12, id: 'p-1', note: 'corrected' },
    };
    expect(await call('addMeasurement', corrected)).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        fields: {
          'measurement.id': expect.stringMatching(/id "p-1" is already recorded \(38 on 2026-05-01\)/),
        },
      },
    });
    const page = ok(await call<ProjectPageLoadData>('load', {}));
    expect(page.outcomes[0]!.measurements).toEqual([
      expect.objectContaining({ at: '2026-05-01', value: 38 }),
    ]);
    expect(page.outcomes[0]!.version).toBe(2);
  });

  it('refuses a measurement of a day to come and numbers too large to be measured, at their fields', async () => {
    const created = ok(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
    const future = await call('addMeasurement', {
      id: created.id,
      version: 1,
      measurement: { at: '2062-11-30', value: 39 },
    });
    expect(future).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        fields: { at: expect.stringMatching(/^Measurement date 2062-11-30 is in the future/) },
      },
    });
    const huge = await call('addMeasurement', {
      id: created.id,
      version: 1,
      measurement: { at: '2026-05-01', value: 1e308 },
    });
    expect(huge).toMatchObject({
      ok: false,
      error: {
        fields: { 'measurement.value': 'Measured value is out of range: at most ±1,000,000,000,000.' },
      },
    });
    const outcome = await call('createOutcome', {
      draft: anOutcomeDraft({ baseline: 1e308, target: -1e308, direction: 'decrease' }),
    });
    expect(outcome.ok ? {} : outcome.error.fields).toEqual({
      'draft.baseline': 'Baseline is out of range: at most ±1,000,000,000,000.',
      'draft.target': 'Target is out of range: at most ±1,000,000,000,000.',
    });
    const [stored] = ok(await call<ProjectPageLoadData>('load', {})).outcomes;
    expect([stored?.version, stored?.progress]).toEqual([1, created.progress]);
  });

  it('refuses bad input with field errors and writes nothing', async () => {
    const answer = await call('createOutcome', { draft: anOutcomeDraft({ target: 40, name: '' }) });
    expect(answer).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (!answer.ok)
      expect(Object.keys(answer.error.fields ?? {})).toEqual(
        expect.arrayContaining(['draft.name', 'draft.target']),
      );
    expect(ok(await call<ProjectPageLoadData>('load', {})).outcomes).toHaveLength(0);
  });

  it('refuses the id "none", the map\'s lane for work serving no outcome, at its field, and writes nothing', async () => {
    const answer = await call('createOutcome', { draft: anOutcomeDraft(), id: NO_OUTCOME });
    expect(answer).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(answer.ok ? {} : answer.error.fields).toEqual({ id: expect.stringContaining('reserved') });
    expect(ok(await call<ProjectPageLoadData>('load', {})).outcomes).toHaveLength(0);
    // The lane itself is still asked for by that name.
    expect(ok(await call<MapPageData>('mapPage', { lane: NO_OUTCOME })).lane).toBe(NO_OUTCOME);
  });

  it('refuses a metric that names no number ("x", "TBD") at its field, by the panel\'s rule, and writes nothing', async () => {
    for (const metric of ['x', 'TBD']) {
      const answer = await call('createOutcome', { draft: anOutcomeDraft({ metric }) });
      expect(answer).toMatchObject({
        ok: false,
        error: {
          code: 'VALIDATION',
          fields: { 'draft.metric': `"${metric}" is not a metric: name the number that should move.` },
        },
      });
    }
    expect(ok(await call<ProjectPageLoadData>('load', {})).outcomes).toHaveLength(0);
    const o = ok(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
    expect(
      await call('updateOutcome', { id: o.id, version: 1, draft: anOutcomeDraft({ metric: 'x' }) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { 'draft.metric': expect.stringContaining('is not a metric') } },
    });
    const [stored] = ok(await call<ProjectPageLoadData>('load', {})).outcomes;
    expect(stored).toMatchObject({ version: 1, metric: 'cart drop-off %' });
  });

  it('refuses a metric set or changed to a stand-in ("KPI 1") at its field, and keeps one stored before', async () => {
    const refused = async (payload: unknown, fn = 'createOutcome') =>
      call(fn, payload).then((a) => (a.ok ? null : (a.error.fields ?? {})['draft.metric']));
    expect(await refused({ draft: anOutcomeDraft({ metric: 'KPI 1' }) })).toBe(
      '"KPI 1" names no metric in particular: say which number should move, e.g. "weekly orders".',
    );
    expect(await refused({ draft: anOutcomeDraft({ metric: 'Our north-star metric' }) })).toMatch(
      /names no metric in particular/,
    );
    // Both refusals at once, each at its field.
    const both = await call('createOutcome', {
      draft: anOutcomeDraft({ metric: 'KPI 1', dueDate: '2001-01-01' }),
    });
    expect(both.ok ? null : Object.keys(both.error.fields ?? {}).sort()).toEqual([
      'draft.dueDate',
      'draft.metric',
    ]);
    expect(ok(await call<ProjectPageLoadData>('load', {})).outcomes).toHaveLength(0);
    // Named metrics, numbered or not, are taken.
    ok(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft({ metric: 'KPI: weekly orders' }) }));
    const made = ok(
      await call<OutcomeView>('createOutcome', {
        draft: anOutcomeDraft({ name: 'Faster support', metric: 'Success rate' }),
      }),
    );
    // Changed to a stand-in on edit: refused, and the outcome is as it was.
    expect(
      await refused(
        { id: made.id, version: 1, draft: anOutcomeDraft({ name: 'Faster support', metric: 'Success' }) },
        'updateOutcome',
      ),
    ).toMatch(/^"Success" names no metric in particular/);

    // Stored under a stand-in before this rule (by the app): an edit that keeps it, in any case or spacing, is
    // taken, so its series stays whole.
    const stored = await runInInvocation(
      { accountId: null, moduleKey: PAGE, installContext: app.installContext },
      () => createStoredOutcome(P, anOutcomeDraft({ name: 'Old one', metric: 'KPI 2' }), 'admin', new Date()),
    );
    const renamed = ok(
      await call<OutcomeView>('updateOutcome', {
        id: stored.id,
        version: 1,
        draft: anOutcomeDraft({ name: 'Old one, renamed', metric: 'kpi  2' }),
      }),
    );
    expect(renamed).toMatchObject({ version: 2, name: 'Old one, renamed' });
    const outcomes = ok(await call<ProjectPageLoadData>('load', {})).outcomes;
    expect(outcomes.map((o) => o.metric).sort()).toEqual(['KPI: weekly orders', 'Success rate', 'kpi  2']);
  });

  it('refuses a due date set to a day already past or years too far, at its field, and keeps one come due since', async () => {
    // Judged against the earliest day it is anywhere now (UTC−12), the same as the check-by rule.
    const day = (fromToday: number) =>
      new Date(Date.now() + fromToday * 86_400_000).toISOString().slice(0, 10);
    const firstDay = new Date(Date.now() - 12 * 3_600_000).toISOString().slice(0, 10);
    // The latest day it is anywhere (UTC+14), ten years on: a person ahead of UTC may pick it.
    const latestToday = new Date(Date.now() + 14 * 3_600_000).toISOString().slice(0, 10);
    const lastDay = `${Number(latestToday.slice(0, 4)) + 10}${latestToday.slice(4)}`.replace(
      '-02-29',
      '-02-28',
    );
    const refused = async (payload: unknown, fn = 'createOutcome') =>
      call(fn, payload).then((a) => (a.ok ? null : (a.error.fields ?? {})['draft.dueDate']));

    expect(await refused({ draft: anOutcomeDraft({ dueDate: day(-2) }) })).toBe(
      `Due date ${day(-2)} has already passed: choose a day from ${firstDay} on.`,
    );
    expect(await refused({ draft: anOutcomeDraft({ dueDate: '0000-01-01' }) })).toContain(
      'has already passed',
    );
    expect(await refused({ draft: anOutcomeDraft({ dueDate: '2207-03-01' }) })).toBe(
      `Due date 2207-03-01 is more than 10 years away: choose a day up to ${lastDay} (check the year).`,
    );
    expect(ok(await call<ProjectPageLoadData>('load', {})).outcomes).toHaveLength(0);
    // The first and the last day taken.
    const dated = (dueDate: string) => anOutcomeDraft({ name: `Due ${dueDate}`, dueDate });
    ok(await call<OutcomeView>('createOutcome', { draft: dated(firstDay) }));
    ok(await call<OutcomeView>('createOutcome', { draft: dated(lastDay) }));

    // An outcome come due since (stored by the app): an edit that keeps its date is taken, moving it to another
    // past day is refused, and moving it ahead is taken.
    const stored = await runInInvocation(
      { accountId: null, moduleKey: PAGE, installContext: app.installContext },
      () =>
        createStoredOutcome(
          P,
          anOutcomeDraft({ dueDate: day(-30) }),
          'admin',
          new Date(Date.now() - 90 * 86_400_000),
        ),
    );
    const renamed = ok(
      await call<OutcomeView>('updateOutcome', {
        id: stored.id,
        version: 1,
        draft: anOutcomeDraft({ dueDate: day(-30), name: 'Carts kept' }),
      }),
    );
    expect(renamed).toMatchObject({ version: 2, name: 'Carts kept', dueDate: day(-30) });
    expect(
      await refused(
        { id: stored.id, version: 2, draft: anOutcomeDraft({ dueDate: day(-10) }) },
        'updateOutcome',
      ),
    ).toBe(`Due date ${day(-10)} has already passed: choose a day from ${firstDay} on.`);
    const moved = ok(
      await call<OutcomeView>('updateOutcome', {
        id: stored.id,
        version: 2,
        draft: anOutcomeDraft({ dueDate: day(90) }),
      }),
    );
    expect(moved).toMatchObject({ version: 3, dueDate: day(90) });
    // An edit from version 2, which still showed the old day, made after that move: a conflict with the move,
    // not a refusal of a day the person never changed.
    expect(
      await call('updateOutcome', {
        id: stored.id,
        version: 2,
        draft: anOutcomeDraft({ dueDate: day(-30), name: 'Late' }),
      }),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });

  it('makes an achieved or abandoned outcome active again, for those who may archive it, on the version shown', async () => {
    const o = ok(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
    const abandoned = ok(
      await call<OutcomeView>('archiveOutcome', { id: o.id, version: 1, status: 'abandoned' }),
    );
    expect([abandoned.status, abandoned.version]).toEqual(['abandoned', 2]);
    // Only outcome editors: a member (by default), a viewer and an outsider are refused, nothing written.
    for (const user of ['member', 'viewer', 'outsider'])
      expect(await call('reopenOutcome', { id: o.id, version: 2 }, user)).toMatchObject({
        ok: false,
        error: { code: 'NOT_AUTHORIZED' },
      });
    // A page that did not see the abandon cannot undo it by accident.
    expect(await call('reopenOutcome', { id: o.id, version: 1 })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    // The payload is checked like any other: no status to smuggle in, a version and a real id required.
    for (const payload of [
      { id: o.id, version: 2, status: 'achieved' },
      { id: o.id },
      { id: '../x', version: 2 },
    ])
      expect(await call('reopenOutcome', payload)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
    const reopened = ok(await call<OutcomeView>('reopenOutcome', { id: o.id, version: 2 }));
    expect([reopened.status, reopened.version]).toEqual(['active', 3]);
    // The same reopen sent again (its answer lost, a double click) is answered as made; sent from the newest
    // version, which the person saw active, it is refused as a no-op.
    expect(await call('reopenOutcome', { id: o.id, version: 2 })).toMatchObject({
      ok: true,
      data: { status: 'active', version: 3 },
    });
    expect(await call('reopenOutcome', { id: o.id, version: 3 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: 'This outcome is already active.' },
    });
    ok(await call('archiveOutcome', { id: o.id, version: 3, status: 'achieved' }));
    expect(ok(await call<OutcomeView>('reopenOutcome', { id: o.id, version: 4 })).status).toBe('active');
    const [stored] = ok(await call<ProjectPageLoadData>('load', {})).outcomes;
    expect([stored?.status, stored?.version]).toEqual(['active', 5]);
    // Another project's outcome is not reachable from here.
    app.jira.store.createProject({ key: 'OTHER', name: 'Other' });
    app.grantDemoRoles('OTHER');
    expect(
      await app.invoke(
        PAGE,
        'reopenOutcome',
        { id: o.id, version: 5 },
        { user: 'admin', projectKey: 'OTHER' },
      ),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('refuses a stale edit with a conflict', async () => {
    const o = ok(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
    ok(await call('updateOutcome', { id: o.id, version: 1, draft: anOutcomeDraft({ name: 'First' }) }));
    expect(
      await call('updateOutcome', { id: o.id, version: 1, draft: anOutcomeDraft({ name: 'Second' }) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
  });

  it('refuses outcome changes from a member (default: admins), a viewer and an outsider', async () => {
    for (const user of ['member', 'viewer', 'outsider'])
      expect(await call('createOutcome', { draft: anOutcomeDraft() }, user)).toMatchObject({
        ok: false,
        error: { code: 'NOT_AUTHORIZED' },
      });
    expect(await call('load', {}, 'outsider')).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHORIZED' },
    });
  });
});

describe('outcome map', () => {
  it('counts open work per outcome, directly and through the epic, by count and estimate, and pages a lane', async () => {
    const o = ok(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
    const s = app.jira.store;
    const epic = s.createIssue({ projectKey: P, summary: 'Checkout epic', type: 'Epic' });
    s.setIssueProperty(epic.key, ISSUE_PROPERTY_KEY, { outcomeId: o.id });
    const direct = s.createIssue({ projectKey: P, summary: 'Shoppers lose their cart', storyPoints: 5 });
    s.setIssueProperty(direct.key, ISSUE_PROPERTY_KEY, { outcomeId: o.id });
    const child = s.createIssue({
      projectKey: P,
      summary: 'Child story',
      parentKey: epic.key,
      storyPoints: 3,
    });
    s.createIssue({ projectKey: P, summary: 'Unlinked chore', storyPoints: 2 });
    s.createIssue({ projectKey: P, summary: 'Closed', statusCategory: 'done', status: 'Done' });

    const summary = ok(await call<MapSummaryData>('mapSummary', {}, 'viewer'));
    expect(summary.total).toBe(4);
    const lane = summary.lanes.find((l) => l.lane === o.id)!;
    expect(lane).toMatchObject({
      count: 3,
      direct: 2,
      inherited: 1,
      estimate: 8,
      countShare: 0.75,
      estimateShare: 0.8,
    });
    expect(summary.lanes.find((l) => l.lane === 'none')).toMatchObject({ count: 1, estimate: 2 });

    const first = ok(await call<MapPageData>('mapPage', { lane: o.id, pageSize: 2 }, 'viewer'));
    expect(first.issues).toHaveLength(2);
    expect(first.nextPageToken).toBeTruthy();
    const second = ok(
      await call<MapPageData>(
        'mapPage',
        { lane: o.id, pageSize: 2, pageToken: first.nextPageToken },
        'viewer',
      ),
    );
    const keys = [...first.issues, ...second.issues].map((i) => i.key);
    expect(keys.sort()).toEqual([epic.key, direct.key, child.key].sort());
    expect([...first.issues, ...second.issues].find((i) => i.key === child.key)).toMatchObject({
      link: 'inherited',
      via: epic.key,
    });
    const none = ok(await call<MapPageData>('mapPage', { lane: 'none' }, 'viewer'));
    expect(none.issues.map((i) => i.summary)).toEqual(['Unlinked chore']);
  });

  it('filters by type and assignee', async () => {
    const s = app.jira.store;
    s.createIssue({ projectKey: P, summary: 'A bug', type: 'Bug', assignee: app.accountIdOf('member') });
    s.createIssue({ projectKey: P, summary: 'A story', type: 'Story' });
    expect(ok(await call<MapSummaryData>('mapSummary', { filters: { issueType: 'Bug' } })).total).toBe(1);
    expect(ok(await call<MapSummaryData>('mapSummary', { filters: { assignee: 'unassigned' } })).total).toBe(
      1,
    );
    // Searched for as one type name, quoted: a quote in it cannot add a clause.
    expect(
      ok(await call<MapSummaryData>('mapSummary', { filters: { issueType: 'Bug" OR project = DEMO' } }))
        .total,
    ).toBe(0);
    expect(await call('mapSummary', { filters: { issueType: 'Bug\nStory' } })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    // A control character in an account id is refused at its field in the app's words, not by Jira's JQL parser.
    for (const fn of ['mapSummary', 'mapLanes'])
      expect(await call(fn, { filters: { assignee: 'x\u0000y' } })).toMatchObject({
        ok: false,
        error: {
          code: 'VALIDATION',
          fields: {
            'filters.assignee': expect.stringMatching(/^Assignee has characters an account id cannot have/),
          },
        },
      });
  });

  it('filters by a type name in another language or with digits, as the site names it', async () => {
    const s = app.jira.store;
    // The emulator's own types are English; a site's are whatever its admins named them.
    for (const type of ['Änderung', 'Bug 2', 'Fehler (Kunde) \\ "dringend"', 'x'.repeat(255)])
      s.createIssue({ projectKey: P, summary: `A ${type}`, type: type as unknown as 'Bug' });
    s.createIssue({ projectKey: P, summary: 'A bug', type: 'Bug' });
    const all = ok(await call<MapSummaryData>('mapSummary', { filters: {} }));
    for (const type of all.filterOptions.issueTypes) {
      const summary = ok(await call<MapSummaryData>('mapSummary', { filters: { issueType: type } }));
      expect([type, summary.total]).toEqual([type, 1]);
      const lanes = ok(await call<MapLanesData>('mapLanes', { filters: { issueType: type } }));
      expect(lanes.lanes.flatMap((l) => l.issues.map((i) => i.issueType))).toEqual([type]);
    }
    expect(all.filterOptions.issueTypes).toHaveLength(5);
    expect(await call('mapSummary', { filters: { issueType: 'x'.repeat(256) } })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('filters to recipes by the indexed recipe flag the panel and the scan write', async () => {
    const s = app.jira.store;
    const recipe = s.createIssue({
      projectKey: P,
      summary: 'Add a blue button top right',
      type: 'Story',
    }).key;
    const problem = s.createIssue({ projectKey: P, summary: 'Shoppers lose their cart', type: 'Story' }).key;
    s.setIssueProperty(recipe, ISSUE_PROPERTY_KEY, { recipe: 'true' });
    s.setIssueProperty(problem, ISSUE_PROPERTY_KEY, { recipe: 'false' });
    const only = ok(await call<MapSummaryData>('mapSummary', { filters: { recipe: true } }));
    expect(only.total).toBe(1);
    const lanes = ok(await call<MapLanesData>('mapLanes', { filters: { recipe: true } }));
    expect(lanes.lanes.flatMap((l) => l.issues.map((i) => i.key))).toEqual([recipe]);
    expect(ok(await call<MapSummaryData>('mapSummary', { filters: {} })).total).toBe(2);
    expect(await call('mapSummary', { filters: { recipe: 'yes' } })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('searches for an assignee exactly as sent, quotes and backslashes included', async () => {
    const member = app.accountIdOf('member');
    app.jira.store.createIssue({ projectKey: P, summary: 'Assigned', assignee: member });
    const exact = ok(await call<MapSummaryData>('mapSummary', { filters: { assignee: member } }));
    expect(exact.total).toBe(1);
    // Dropping the quote would turn this into the member's id and find their issue.
    const quoted = `${member.slice(0, 3)}"${member.slice(3)}`;
    expect(ok(await call<MapSummaryData>('mapSummary', { filters: { assignee: quoted } })).total).toBe(0);
    expect(ok(await call<MapSummaryData>('mapSummary', { filters: { assignee: `${member}\\` } })).total).toBe(
      0,
    );
  });

  it('reads estimates and sprints under the ids the site lists, asking for the field list once per request', async () => {
    app.jira.customFields = { sprint: 'customfield_10104', storyPoints: 'customfield_10208' };
    const o = ok(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
    const s = app.jira.store;
    const linked = s.createIssue({
      projectKey: P,
      summary: 'Shoppers lose their cart',
      storyPoints: 5,
      sprints: [{ id: 7, name: 'Sprint 7', state: 'active' }],
    });
    s.setIssueProperty(linked.key, ISSUE_PROPERTY_KEY, { outcomeId: o.id });
    s.createIssue({ projectKey: P, summary: 'Unlinked chore', storyPoints: 2 });
    const fieldCalls = () =>
      app.jira.calls.filter((c) => c.path.split('?')[0] === '/rest/api/3/field').length;

    let before = fieldCalls();
    const summary = ok(await call<MapSummaryData>('mapSummary', {}, 'viewer'));
    expect(fieldCalls() - before).toBe(1);
    expect(summary.totalEstimate).toBe(7);
    expect(summary.lanes.find((l) => l.lane === o.id)).toMatchObject({ count: 1, estimate: 5 });
    expect(summary.filterOptions.sprints).toEqual([{ id: 7, name: 'Sprint 7', state: 'active' }]);

    before = fieldCalls();
    const { lanes } = ok(await call<MapLanesData>('mapLanes', {}, 'viewer'));
    expect(fieldCalls() - before).toBe(1);
    expect(lanes.flatMap((l) => l.issues.map((i) => [i.summary, i.estimate])).sort()).toEqual([
      ['Shoppers lose their cart', 5],
      ['Unlinked chore', 2],
    ]);
  });

  it('falls back to the usual story-point id when the site lists no such field', async () => {
    app.jira.customFields = { ...DEFAULT_CUSTOM_FIELDS, hidden: ['storyPoints', 'sprint'] };
    app.jira.store.createIssue({ projectKey: P, summary: 'Unlinked chore', storyPoints: 2 });
    expect(ok(await call<MapSummaryData>('mapSummary', {}, 'viewer')).totalEstimate).toBe(2);
  });

  it('refuses an outsider', async () => {
    expect(await call('mapSummary', {}, 'outsider')).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHORIZED' },
    });
    expect(await call('mapPage', { lane: 'none' }, 'outsider')).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHORIZED' },
    });
  });
});

describe('kill review', () => {
  /** The member's Kill of `issueKey`, sent with `idempotencyKey`. */
  const memberKills = (issueKey: string, idempotencyKey: string, reason = 'Nobody needs it any more') =>
    call<DecideData>('decide', { issueKey, idempotencyKey, decision: { kind: 'kill', reason } }, 'member');

  it('lists zombies with the rules that fired and since when', async () => {
    const key = aZombie();
    const queue = ok(await call<ZombieQueueData>('zombieQueue', {}, 'viewer'));
    expect(queue.items).toEqual([
      expect.objectContaining({
        key,
        rules: [expect.objectContaining({ rule: 'idle', since: '2025-03-02' })],
      }),
    ]);
  });

  it('kills a zombie once: a repeated kill changes nothing (one transition, one comment, one log entry)', async () => {
    const key = aZombie();
    const payload = {
      issueKey: key,
      idempotencyKey: 'kill-0001-abcd',
      decision: { kind: 'kill', reason: 'Nobody needs it any more' },
    };
    const first = ok(await call<DecideData>('decide', payload, 'member'));
    expect(first).toMatchObject({
      replayed: false,
      statusName: 'Done',
      entry: { kind: 'kill', issueKey: key },
    });
    const again = ok(await call<DecideData>('decide', payload, 'member'));
    expect(again.replayed).toBe(true);
    expect(again.entry.id).toBe(first.entry.id);
    // A second kill under a new key finds it closed and refuses.
    expect(await call('decide', { ...payload, idempotencyKey: 'kill-0002-abcd' }, 'member')).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });

    const issue = app.jira.store.getIssue(key)!;
    expect(issue.statusCategory).toBe('done');
    expect(issue.resolution).toBe("Won't Do");
    expect(app.jira.store.listComments(issue.id)).toHaveLength(1);
    const transitions = app.jira.store
      .listChangelog(issue.id)
      .filter((c) => c.items.some((i) => i.field === 'status'));
    expect(transitions).toHaveLength(1);
    const log = ok(await call<DecisionLogData>('decisionLog', {}, 'viewer'));
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({
      kind: 'kill',
      reason: 'Nobody needs it any more',
      rules: [{ rule: 'idle', since: '2025-03-02' }],
      by: app.accountIdOf('member'),
      byName: 'Max Member',
      // What was decided, in its own fields: how the issue was closed.
      transition: expect.any(String),
      resolution: "Won't Do",
      relinkedTo: null,
      snoozeUntil: null,
      killCriteria: null,
    });
    // The name is kept with the decision, not inside its details.
    expect(log.entries[0]?.details).not.toHaveProperty('actorName');
    expect(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toMatchObject({
      zombie: 'false',
      flag: null,
    });
  });

  it('refuses at once a kill the person could not comment on, leaving the issue open and nothing logged', async () => {
    const key = aZombie();
    app.jira.store.revoke(P, app.accountIdOf('member'), ['ADD_COMMENTS']);
    const answer = await memberKills(key, 'kill-nocomment-1');
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'NOT_AUTHORIZED',
        message: expect.stringMatching(/you lack Add Comments on it: nothing was done/),
      },
    });
    const issue = app.jira.store.getIssue(key)!;
    expect(issue.statusCategory).not.toBe('done');
    expect(app.jira.store.listComments(issue.id)).toHaveLength(0);
    expect(ok(await call<DecisionLogData>('decisionLog', {}, 'viewer')).entries).toHaveLength(0);
    // With the permission back, the same request kills it.
    app.jira.store.grant(P, app.accountIdOf('member'), ['ADD_COMMENTS']);
    expect(ok(await memberKills(key, 'kill-nocomment-1'))).toMatchObject({
      replayed: false,
      statusName: 'Done',
    });
  });

  it('logs and comments the resolution Jira closed the issue with when its workflow refuses the kill’s own', async () => {
    const key = aZombie();
    // Killed through "Done", whose screen has no resolution field: Jira refuses the one the kill sends, and the
    // workflow closes it as "Done".
    await runInInvocation({ accountId: null, moduleKey: PAGE, installContext: app.installContext }, () =>
      saveSettings(P, { kill: { transitionName: 'Done' } }, 0),
    );
    app.jira.faults.inject({
      kind: 'refused',
      message: "Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown.",
      times: 1,
      match: { method: 'POST', pathIncludes: '/transitions', bodyIncludes: 'resolution' },
    });
    const decided = ok(await memberKills(key, 'kill-noresolution-1', 'Not wanted'));
    const issue = app.jira.store.getIssue(key)!;
    expect(issue.statusCategory).toBe('done');
    const closedWith = issue.resolution ?? null;
    expect(closedWith).toBe('Done');
    expect(decided.entry).toMatchObject({ kind: 'kill', resolution: closedWith });
    const [comment] = app.jira.store.listComments(issue.id);
    const said = JSON.stringify(comment);
    expect(said).not.toContain("Won't Do");
    expect(said).toContain(closedWith ? `closed as \\"${closedWith}\\"` : 'closed without a resolution');
  });

  it('closes through a transition without a screen as the workflow sets it, sending no resolution Jira would refuse', async () => {
    const key = aZombie();
    // "Won't Do" has no screen and sets its own resolution; Jira would refuse the kill's "Obsolete" with it.
    await runInInvocation({ accountId: null, moduleKey: PAGE, installContext: app.installContext }, () =>
      saveSettings(P, { kill: { transitionName: "Won't Do", resolutionName: 'Obsolete' } }, 0),
    );
    const decided = ok(await memberKills(key, 'kill-noscreen-1', 'Not wanted'));
    const issue = app.jira.store.getIssue(key)!;
    expect(issue).toMatchObject({ statusCategory: 'done', resolution: "Won't Do" });
    // The transition's screen, as Jira describes it, has no resolution: none is sent, so nothing is refused.
    const sent = app.jira.calls.filter(
      (c) => c.method === 'POST' && c.path.endsWith(`/issue/${key}/transitions`),
    );
    expect(sent.map((c) => c.status)).toEqual([204]);
    expect(decided.entry).toMatchObject({ kind: 'kill', resolution: "Won't Do" });
    const [comment] = app.jira.store.listComments(issue.id);
    expect(JSON.stringify(comment)).toContain('closed as \\"Won\'t Do\\"');
    expect(JSON.stringify(comment)).not.toContain('Obsolete');
  });

  it('survives a double click: two concurrent kills with one key transition and comment once', async () => {
    const key = aZombie();
    const payload = {
      issueKey: key,
      idempotencyKey: 'kill-double-1234',
      decision: { kind: 'kill', reason: 'Superseded by search' },
    };
    const [a, b] = await Promise.all([
      call<DecideData>('decide', payload, 'member'),
      call<DecideData>('decide', payload, 'member'),
    ]);
    expect(ok(a).entry.id).toBe(ok(b).entry.id);
    const issue = app.jira.store.getIssue(key)!;
    expect(app.jira.store.listComments(issue.id)).toHaveLength(1);
  });

  it('comments once when a second try takes a kill over while the first is about to send its comment', async () => {
    const key = aZombie();
    const payload = {
      issueKey: key,
      idempotencyKey: 'kill-race-1234',
      decision: { kind: 'kill', reason: 'Superseded by search' },
    };
    // The first try has passed its last check and is recording that it sends the comment: that write is held
    // (up to 1.5 s) while a second try of the same request takes the decision over and reaches the comment.
    const intentKey = keys.decisionIntent(P, payload.idempotencyKey);
    const answer = app.kvs.handle.bind(app.kvs);
    let reached!: () => void;
    const firstSending = new Promise<void>((resolve) => (reached = resolve));
    let held = false;
    jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
      const body =
        typeof init?.body === 'string'
          ? (JSON.parse(init.body) as { key?: string; value?: { comment?: string } })
          : {};
      if (!held && path === '/api/v1/set' && body.key === intentKey && body.value?.comment === 'sending') {
        held = true;
        reached();
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
      return answer(path, init);
    });
    const first = call<DecideData>('decide', payload, 'member');
    await firstSending;
    const second = call<DecideData>('decide', payload, 'member');
    const [a, b] = await Promise.all([first, second]);
    jest.restoreAllMocks();
    expect(ok(a).entry.id).toBe(ok(b).entry.id);
    expect(app.jira.store.listComments(app.jira.store.getIssue(key)!.id)).toHaveLength(1);
  });

  it('keeps a zombie only with new criteria or a snooze date and a reason, and clears the flag', async () => {
    const key = aZombie();
    const bare = await call(
      'decide',
      { issueKey: key, idempotencyKey: 'keep-0001-abcd', decision: { kind: 'keep', reason: 'Still wanted' } },
      'member',
    );
    expect(bare).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const kept = ok(
      await call<DecideData>(
        'decide',
        {
          issueKey: key,
          idempotencyKey: 'keep-0002-abcd',
          decision: {
            kind: 'keep',
            reason: 'Launch depends on it',
            killCriteria: { deadline: '2035-01-31' },
            snoozeUntil: '2034-12-31',
          },
        },
        'member',
      ),
    );
    expect(kept.entry).toMatchObject({ kind: 'keep', details: { snoozeUntil: '2034-12-31' } });
    // The log says the new dates themselves, not inside a blob.
    const logged = ok(await call<DecisionLogData>('decisionLog', {}, 'viewer')).entries[0];
    expect(logged).toMatchObject({
      issueKey: key,
      kind: 'keep',
      snoozeUntil: '2034-12-31',
      killCriteria: { deadline: '2035-01-31' },
      relinkedTo: null,
      transition: null,
    });
    expect(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toMatchObject({
      zombie: 'false',
      flag: null,
      snoozedUntil: '2034-12-31',
      killCriteria: { deadline: '2035-01-31' },
      killDate: '2035-01-31',
    });
    expect(app.jira.store.getIssue(key)!.statusCategory).not.toBe('done');
  });

  it('relinks a zombie to an active outcome', async () => {
    const o = ok(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
    const key = aZombie();
    const relinked = ok(
      await call<DecideData>(
        'decide',
        {
          issueKey: key,
          idempotencyKey: 'relink-0001-ab',
          decision: { kind: 'relink', outcomeId: o.id, reason: 'It serves checkout' },
        },
        'member',
      ),
    );
    expect(relinked.entry.details).toMatchObject({ outcomeId: o.id });
    // The log names the outcome the item moved to, and the one it served before (none here).
    const logged = ok(await call<DecisionLogData>('decisionLog', {}, 'viewer')).entries[0];
    expect(logged).toMatchObject({
      issueKey: key,
      kind: 'relink',
      relinkedTo: { id: o.id, name: o.name },
      previousOutcome: null,
      snoozeUntil: null,
      killCriteria: null,
    });
    expect(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toMatchObject({
      outcomeId: o.id,
      zombie: 'false',
    });
  });

  it('refuses decisions from a viewer and an outsider, and on another project', async () => {
    const key = aZombie();
    const payload = {
      issueKey: key,
      idempotencyKey: 'kill-refused-1',
      decision: { kind: 'kill', reason: 'No' },
    };
    expect(
      await call('decide', { ...payload, decision: { kind: 'kill', reason: 'Not wanted' } }, 'viewer'),
    ).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED' } });
    expect(
      await call('decide', { ...payload, decision: { kind: 'kill', reason: 'Not wanted' } }, 'outsider'),
    ).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED' } });
    expect(
      await call(
        'decide',
        { ...payload, issueKey: 'OTHER-1', decision: { kind: 'kill', reason: 'Not wanted' } },
        'admin',
      ),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(app.jira.store.getIssue(key)!.statusCategory).not.toBe('done');
    expect(ok(await call<DecisionLogData>('decisionLog', {})).entries).toHaveLength(0);
  });

  it('refuses a decision on an item a colleague decided meanwhile, naming who and when, and replays a retry', async () => {
    const key = aZombie();
    const kept = {
      issueKey: key,
      idempotencyKey: 'keep-colleague-1',
      decision: { kind: 'keep', reason: 'Launch depends on it', snoozeUntil: '2034-12-31' },
    };
    const first = ok(await call<DecideData>('decide', kept, 'admin'));
    const lensAfterFirst = app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY);
    // A tab that did not reload: it still lists the item, and its person keeps (or relinks) it too.
    const stale = await call(
      'decide',
      {
        issueKey: key,
        idempotencyKey: 'keep-stale-tab-1',
        decision: { kind: 'keep', reason: 'Still wanted', snoozeUntil: '2033-06-30' },
      },
      'member',
    );
    expect(stale).toMatchObject({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: expect.stringMatching(
          new RegExp(`${key} was decided meanwhile by Ada Admin .*kept.*reload`),
        ),
      },
    });
    expect(JSON.stringify(stale)).toContain(first.entry.at.slice(0, 10));
    const o = ok(await call<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
    expect(
      await call(
        'decide',
        {
          issueKey: key,
          idempotencyKey: 'relink-stale-tab-1',
          decision: { kind: 'relink', outcomeId: o.id, reason: 'It serves checkout' },
        },
        'member',
      ),
    ).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // Nothing of the stale decisions was written: the first decision's snooze stands, with one log row.
    expect(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toEqual(lensAfterFirst);
    expect(ok(await call<DecisionLogData>('decisionLog', {}, 'viewer')).entries).toHaveLength(1);
    // The first request sent again is still answered with what it recorded.
    const again = ok(await call<DecideData>('decide', kept, 'admin'));
    expect(again).toMatchObject({ replayed: true, entry: { id: first.entry.id } });
  });

  it('refuses a decision on an item whose flag a scan cleared since the queue was listed', async () => {
    const key = aZombie();
    const queue = ok(await call<ZombieQueueData>('zombieQueue', {}));
    expect(queue.items.map((i) => i.key)).toEqual([key]);
    // A scan finds the item meets no rule any more (it moved): its lens loses the flag, as the scan writes it.
    const lens = app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY) as Record<string, unknown>;
    app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, { ...lens, zombie: 'false', flag: null });
    const cleared = app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY);
    for (const decision of [
      { kind: 'kill', reason: 'Not wanted' },
      { kind: 'keep', reason: 'Still wanted', snoozeUntil: '2034-12-31' },
    ])
      expect(
        await call('decide', { issueKey: key, idempotencyKey: `stale-${decision.kind}-1`, decision }),
      ).toMatchObject({
        ok: false,
        error: {
          code: 'CONFLICT',
          message: expect.stringMatching(new RegExp(`${key} is not flagged as a zombie.*reload`)),
        },
      });
    // Nothing was done: not closed, no log row, the lens as the scan left it.
    expect(app.jira.store.getIssue(key)!.statusCategory).not.toBe('done');
    expect(ok(await call<DecisionLogData>('decisionLog', {})).entries).toHaveLength(0);
    expect(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toEqual(cleared);
  });

  it('refuses another kind of decision sent with the request id of an unfinished one', async () => {
    const key = aZombie();
    const idempotencyKey = 'kill-then-keep-1';
    // The kill records its intent, then Jira refuses its transition: it is unfinished.
    const fault = app.jira.faults.inject({
      kind: 'server-error',
      status: 503,
      match: { method: 'POST', pathIncludes: '/transitions' },
    });
    const kill = await call(
      'decide',
      { issueKey: key, idempotencyKey, decision: { kind: 'kill', reason: 'Nobody needs it' } },
      'member',
    );
    app.jira.faults.clear(fault);
    expect(kill).toMatchObject({ ok: false });
    const before = app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY);
    const keep = await call(
      'decide',
      {
        issueKey: key,
        idempotencyKey,
        decision: { kind: 'keep', reason: 'Wanted after all', snoozeUntil: '2034-12-31' },
      },
      'member',
    );
    expect(keep).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { requestId: 'Already used for a different change.' } },
    });
    expect(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toEqual(before);
    expect(ok(await call<DecisionLogData>('decisionLog', {}, 'viewer')).entries).toEqual([]);
  });

  it('refuses a Keep snoozed, or given a kill date, more than ten years ahead (a year typed wrong), naming both', async () => {
    const key = aZombie();
    const before = app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY);
    const answer = await call(
      'decide',
      {
        issueKey: key,
        idempotencyKey: 'keep-far-1',
        decision: {
          kind: 'keep',
          reason: 'Wanted after all',
          snoozeUntil: '9999-12-31',
          killCriteria: { deadline: '2999-01-01' },
        },
      },
      'member',
    );
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        message: 'Snooze until 9999-12-31 is more than 10 years away. One more date cannot be used.',
        fields: {
          'decision.snoozeUntil': expect.stringMatching(/\(check the year\)\.$/),
          'decision.killCriteria.deadline': expect.stringMatching(
            /^Kill date 2999-01-01 is more than 10 years/,
          ),
        },
      },
    });
    expect(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toEqual(before);
    expect(ok(await call<DecisionLogData>('decisionLog', {}, 'viewer')).entries).toEqual([]);
  });

  it('takes a Keep snoozed until the UTC day before (a person west of UTC in their evening), not a day earlier', async () => {
    // Five in the morning UTC: five in the afternoon of UTC's yesterday at UTC−12. From noon UTC on, that day has
    // passed everywhere, so the test must not depend on the hour it runs at.
    setWallClock(new Date(`${new Date().toISOString().slice(0, 10)}T05:00:00.000Z`));
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const keep = (key: string, snoozeUntil: string, idempotencyKey: string) =>
      call<DecideData>(
        'decide',
        {
          issueKey: key,
          idempotencyKey,
          decision: { kind: 'keep', reason: 'Wanted after all', snoozeUntil },
        },
        'member',
      );
    const tooEarly = await keep(aZombie(), day(2), 'keep-early-1');
    expect(tooEarly).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        fields: { 'decision.snoozeUntil': expect.stringContaining('has passed') },
      },
    });
    ok(await keep(aZombie(), day(1), 'keep-their-today-1'));
  });

  it('refuses the same kind of decision with other dates sent with the request id of an unfinished one', async () => {
    const key = aZombie();
    const idempotencyKey = 'keep-then-keep-1';
    const keep = (snoozeUntil: string) =>
      call<DecideData>(
        'decide',
        {
          issueKey: key,
          idempotencyKey,
          decision: { kind: 'keep', reason: 'Wanted after all', snoozeUntil },
        },
        'member',
      );
    // The keep records its intent, then Jira refuses its lens write: it is unfinished.
    const fault = app.jira.faults.inject({
      kind: 'server-error',
      status: 503,
      match: { method: 'PUT', pathIncludes: '/properties/' },
    });
    expect(await keep('2034-12-31')).toMatchObject({ ok: false });
    app.jira.faults.clear(fault);
    // Another snooze date under that id is another request: it must not finish the first with its own dates.
    expect(await keep('2034-06-30')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { requestId: 'Already used for a different change.' } },
    });
    // The first, sent again as it was, is finished with its own date.
    ok(await keep('2034-12-31'));
    expect(readLens(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).snoozedUntil).toBe(
      '2034-12-31',
    );
  });

  it('asks Jira for the caller’s rights before replaying a decision, so an outsider learns nothing', async () => {
    const key = aZombie();
    const payload = {
      issueKey: key,
      idempotencyKey: 'kill-replayed-1',
      decision: { kind: 'kill', reason: 'Nobody needs it any more' },
    };
    ok(await call<DecideData>('decide', payload, 'member'));
    const replay = await call<DecideData>('decide', payload, 'outsider');
    expect(replay).toMatchObject({ ok: false, error: { code: 'NOT_AUTHORIZED' } });
    expect(JSON.stringify(replay)).not.toContain('Nobody needs it');
  });
});

describe('backlog health', () => {
  it('answers the retrospective questions from the open backlog, with movement since the last scan', async () => {
    const s = app.jira.store;
    s.createIssue({
      projectKey: P,
      summary: 'Add a blue Save for Later button top right',
      reporter: app.accountIdOf('member'),
    });
    s.createIssue({
      projectKey: P,
      summary: 'Shoppers lose their cart when they leave',
      reporter: app.accountIdOf('admin'),
    });
    s.createIssue({
      projectKey: P,
      summary: 'Change the header colour to green',
      reporter: app.accountIdOf('member'),
    });
    aZombie('Old unlinked chore');
    await runInInvocation({ accountId: null, moduleKey: PAGE, installContext: app.installContext }, () =>
      saveRunSummary(P, {
        runId: 'run-1',
        startedAt: '2026-06-01T00:00:00.000Z',
        finishedAt: '2026-06-01T00:05:00.000Z',
        dryRun: false,
        health: { total: 2, recipes: 2, linked: 0, zombies: 0, meanScore: 5 },
      }),
    );
    const health = ok(await call<HealthData>('health', {}, 'viewer'));
    expect(health.current.total).toBe(4);
    expect(health.current.reporters[0]).toMatchObject({ count: 2 });
    expect(health.current.recipes.count).toBeGreaterThanOrEqual(1);
    expect(health.current.recipes.examples[0]?.phrases.length).toBeGreaterThan(0);
    expect(health.current.zombies.byRule.idle).toBe(1);
    expect(health.lastScan).toMatchObject({ total: 2, at: '2026-06-01T00:05:00.000Z' });
    expect(health.movement).toMatchObject({ total: 2, zombies: 1 });
    expect(await call('health', {}, 'outsider')).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHORIZED' },
    });
  });

  // A daily incremental run reads only what changed and carries the figures of the full rescan before it. Taken
  // as "the last scan", it showed no movement on every day between two weekly rescans.
  it('measures movement against the last full rescan, not an incremental run that carried its figures', async () => {
    const s = app.jira.store;
    for (let i = 0; i < 4; i++) s.createIssue({ projectKey: P, summary: `Shoppers lose their cart (${i})` });
    const run = (runId: string, day: string, total: number, mode: 'full' | 'incremental') => ({
      runId,
      startedAt: `2026-06-${day}T00:00:00.000Z`,
      finishedAt: `2026-06-${day}T00:05:00.000Z`,
      dryRun: false,
      mode,
      health: { total, recipes: 0, linked: 0, zombies: 0, meanScore: 5 },
    });
    await storeRuns(run('full-1', '01', 1, 'full'), run('incremental-2', '02', 4, 'incremental'));
    const health = ok(await call<HealthData>('health', {}, 'viewer'));
    expect(health.current.total).toBe(4);
    expect(health.lastScan).toMatchObject({ total: 1, at: '2026-06-01T00:05:00.000Z' });
    expect(health.movement).toMatchObject({ total: 3 });
  });

  it('lists every recipe a page at a time, as many as it counts, not five examples', async () => {
    const s = app.jira.store;
    const recipes = new Set<string>();
    for (let i = 0; i < 130; i++) {
      recipes.add(s.createIssue({ projectKey: P, summary: `Add a blue button number ${i} top right` }).key);
      if (i % 5 === 0)
        s.createIssue({ projectKey: P, summary: `Shoppers lose their cart when they leave (${i})` });
    }
    const health = ok(await call<HealthData>('health', {}, 'viewer'));
    expect(health.current.recipes.count).toBe(130);
    const listed: string[] = [];
    let token: string | null = null;
    let calls = 0;
    do {
      const step: HealthRecipesData = ok(
        await call<HealthRecipesData>('healthRecipes', { pageToken: token }, 'viewer'),
      );
      listed.push(...step.recipes.map((r) => r.key));
      expect(step.recipes.every((r) => r.phrases.length > 0)).toBe(true);
      token = step.nextPageToken;
      calls += 1;
    } while (token && calls < 10);
    expect(calls).toBeGreaterThan(1);
    expect(new Set(listed)).toEqual(recipes);
    expect(listed).toHaveLength(130);
    expect(await call('healthRecipes', { pageToken: 'not-a-token' }, 'viewer')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(await call('healthRecipes', {}, 'outsider')).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHORIZED' },
    });
  });

  it('lets only administrators start a scan', async () => {
    expect(await call('scanNow', {}, 'member')).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHORIZED' },
    });
  });
});

describe('decision log names', () => {
  it('refuses to snooze a zombie into the past, at the field, and changes nothing', async () => {
    const key = aZombie();
    const before = app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY);
    const answer = await call(
      'decide',
      {
        issueKey: key,
        idempotencyKey: 'keep-past-abcd',
        decision: { kind: 'keep', reason: 'Still wanted', snoozeUntil: '2020-01-01' },
      },
      'member',
    );
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        fields: { 'decision.snoozeUntil': expect.stringMatching(/2020-01-01 has passed/) },
      },
    });
    expect(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toEqual(before);
    expect(ok(await call<DecisionLogData>('decisionLog', {}, 'viewer')).entries).toEqual([]);
  });

  it('names the person who decided on every entry, from the one call made when deciding', async () => {
    const key = aZombie();
    ok(
      await call<DecideData>(
        'decide',
        {
          issueKey: key,
          idempotencyKey: 'keep-0001-abcd',
          decision: { kind: 'keep', reason: 'Still wanted', snoozeUntil: KILL_DATE_AHEAD },
        },
        'admin',
      ),
    );
    const log = ok(await call<DecisionLogData>('decisionLog', {}, 'viewer'));
    expect(log.entries.map((e) => [e.by, e.byName])).toEqual([[app.accountIdOf('admin'), 'Ada Admin']]);
  });
});

const aRun = (overrides: Record<string, unknown> = {}) => ({
  runId: 'run-1',
  projectKey: P,
  origin: 'schedule',
  requestedBy: null,
  dryRun: false,
  status: 'finished',
  startedAt: '2026-06-01T00:00:00.000Z',
  finishedAt: '2026-06-01T00:01:30.000Z',
  counters: {
    pages: 2,
    issues: 150,
    flagged: 3,
    cleared: 1,
    changed: 4,
    errors: 1,
    edits: 0,
    invocations: 1,
    rateLimited: 0,
  },
  errorSamples: [{ issueKey: 'DEMO-7', message: 'Unreadable story points.', at: '2026-06-01T00:01:00.000Z' }],
  wouldChange: [],
  health: null,
  failure: null,
  secured: { count: 0, keys: [] },
  ...overrides,
});

/** `runId` holds the project's scan lease, as a live run does, until `minutes` from now. */
async function holdLease(runId: string, minutes = 10) {
  await runInInvocation({ accountId: null, moduleKey: PAGE, installContext: app.installContext }, () =>
    forgeKvs.set(keys.scanLease(P), { runId, expiresAt: Date.now() + minutes * 60_000 }),
  );
}

async function storeRuns(...runs: Array<Record<string, unknown>>) {
  await runInInvocation(
    { accountId: null, moduleKey: PAGE, installContext: app.installContext },
    async () => {
      for (const r of runs) await saveRunSummary(P, r as { runId: string; startedAt: string });
    },
  );
}

describe('map summary of a huge project', () => {
  it('says when it counted only the first part of the open work, and says nothing when it read all of it', async () => {
    // The real cap is 200 pages of 100; the same pass with pages of 2, at most 2 of them.
    const resolver = new Resolver();
    defineEndpoint(resolver, 'mapSummary', mapSummaryPayloadSchema, (p, c) =>
      mapSummary(c, p.filters, { pageSize: 2, maxPages: 2 }),
    );
    app.registerTestModule({
      key: 'test-capped-map',
      type: 'jira:projectPage',
      handler: resolver.getDefinitions(),
    });
    const capped = async () =>
      (await app.invoke(
        'test-capped-map',
        'mapSummary',
        {},
        { user: 'viewer', projectKey: P },
      )) as Answer<MapSummaryData>;

    for (let i = 0; i < 4; i++) app.jira.store.createIssue({ projectKey: P, summary: `Chore ${i}` });
    expect(ok(await capped())).toMatchObject({ total: 4, truncated: false });
    expect(ok(await call<MapSummaryData>('mapSummary', {}, 'viewer'))).toMatchObject({
      total: 4,
      truncated: false,
    });

    app.jira.store.createIssue({ projectKey: P, summary: 'One too many' });
    const cut = ok(await capped());
    expect(cut).toMatchObject({ total: 4, truncated: true });
    expect(cut.lanes.find((l) => l.lane === 'none')).toMatchObject({ count: 4, countShare: 1 });
    expect(ok(await call<MapSummaryData>('mapSummary', {}, 'viewer'))).toMatchObject({
      total: 5,
      truncated: false,
    });
  });
});

describe('scan runs', () => {
  it('lists the latest runs newest first, with counters, duration, errors and dry-run samples', async () => {
    await storeRuns(
      aRun(),
      aRun({
        runId: 'run-2',
        origin: 'manual',
        requestedBy: app.accountIdOf('admin'),
        dryRun: true,
        startedAt: '2026-06-02T00:00:00.000Z',
        finishedAt: '2026-06-02T00:00:05.000Z',
        errorSamples: [],
        wouldChange: [{ issueKey: 'DEMO-3', change: 'flag' }],
      }),
      aRun({ runId: 'run-3', status: 'running', startedAt: '2026-06-03T00:00:00.000Z', finishedAt: null }),
    );
    await holdLease('run-3');
    const data = ok(await call<ScanRunsData>('scanRuns', {}, 'viewer'));
    expect(data.running).toBe(true);
    expect(data.runs.map((r) => [r.runId, r.status, r.origin, r.dryRun, r.durationMs])).toEqual([
      ['run-3', 'running', 'schedule', false, null],
      ['run-2', 'finished', 'manual', true, 5000],
      ['run-1', 'finished', 'schedule', false, 90000],
    ]);
    expect(data.runs[2]).toMatchObject({
      counters: { pages: 2, issues: 150, flagged: 3, cleared: 1, changed: 4, errors: 1 },
      errors: [{ issueKey: 'DEMO-7', message: 'Unreadable story points.' }],
      wouldChange: [],
    });
    expect(data.runs[1]?.wouldChange).toEqual([{ issueKey: 'DEMO-3', change: 'flag' }]);
    // A run stored before skips were told apart from errors reads as having skipped none.
    expect(data.runs[2]).toMatchObject({ counters: { skipped: 0 }, skipped: [] });
  });

  it('says a running run whose invocations stopped has stalled, and stops the page waiting for it', async () => {
    const running = (runId: string, day: string) =>
      aRun({ runId, status: 'running', startedAt: `2026-06-${day}T00:00:00.000Z`, finishedAt: null });
    await storeRuns(running('run-dead', '01'), running('run-live', '02'));
    // The live run holds the project's scan lease; the dead one's ran out (or was never renewed).
    await holdLease('run-live');
    const data = ok(await call<ScanRunsData>('scanRuns', {}, 'viewer'));
    expect(data.runs.map((r) => [r.runId, r.status])).toEqual([
      ['run-live', 'running'],
      ['run-dead', 'stalled'],
    ]);
    expect(data.runs[1]?.failure).toBe(STALLED_RUN);
    expect(data.runs[0]?.failure).toBeNull();
    expect(data.running).toBe(true);

    // Once the live run's lease runs out too, nothing is going: the page stops polling.
    await holdLease('run-live', -1);
    const later = ok(await call<ScanRunsData>('scanRuns', {}, 'viewer'));
    expect(later.runs.map((r) => r.status)).toEqual(['stalled', 'stalled']);
    expect(later.running).toBe(false);
  });

  it('does not call a run stalled that finished as the page read its runs', async () => {
    await storeRuns(aRun({ runId: 'run-ending', status: 'running', finishedAt: null }));
    // The run saves its last summary, then releases the lease: the page read the summary before the first and
    // the lease after the second.
    const answer = app.kvs.handle.bind(app.kvs);
    let ended = false;
    jest.spyOn(app.kvs, 'handle').mockImplementation(async (path, init) => {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { key?: string }) : {};
      if (!ended && path === '/api/v1/get' && body.key === keys.scanLease(P)) {
        ended = true;
        await storeRuns(aRun({ runId: 'run-ending' }));
      }
      return answer(path, init);
    });
    const data = ok(await call<ScanRunsData>('scanRuns', {}, 'viewer'));
    jest.restoreAllMocks();
    expect(ended).toBe(true);
    expect(data.runs.map((r) => [r.runId, r.status, r.failure])).toEqual([['run-ending', 'finished', null]]);
  });

  it('lists the issues a run skipped apart from its errors', async () => {
    const moved = {
      issueKey: 'DEMO-9',
      message: 'DEMO-9 is no longer in DEMO',
      at: '2026-06-01T00:01:10.000Z',
    };
    await storeRuns(
      aRun({
        counters: { ...aRun().counters, errors: 0, skipped: 1 },
        errorSamples: [],
        skippedSamples: [{ ...moved, secured: false }],
      }),
    );
    const [run] = ok(await call<ScanRunsData>('scanRuns', {}, 'viewer')).runs;
    expect(run).toMatchObject({ counters: { errors: 0, skipped: 1 }, errors: [], skipped: [moved] });
  });

  it('passes on what a run had to assume, and reads a run stored before notes existed as having none', async () => {
    const note = 'Jira lists no Sprint field: carry-overs were read from customfield_10020.';
    await storeRuns(
      aRun({ runId: 'run-old' }), // no notes field, as runs stored before notes existed
      aRun({ runId: 'run-noted', startedAt: '2026-06-02T00:00:00.000Z', notes: [note, 42] }),
    );
    const data = ok(await call<ScanRunsData>('scanRuns', {}, 'viewer'));
    expect(data.runs.map((r) => [r.runId, r.notes])).toEqual([
      ['run-noted', [note]],
      ['run-old', []],
    ]);
  });

  it('bounds the list and refuses a limit past the bound', async () => {
    await storeRuns(
      ...Array.from({ length: 5 }, (_, i) =>
        aRun({ runId: `run-${i}`, startedAt: `2026-06-0${i + 1}T00:00:00.000Z` }),
      ),
    );
    const two = ok(await call<ScanRunsData>('scanRuns', { limit: 2 }, 'viewer'));
    expect(two.runs.map((r) => r.runId)).toEqual(['run-4', 'run-3']);
    expect(await call('scanRuns', { limit: 31 }, 'viewer')).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
  });

  it('refuses an outsider', async () => {
    await storeRuns(aRun());
    expect(await call('scanRuns', {}, 'outsider')).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHORIZED' },
    });
  });

  it('shows a run started with "Scan now" once the queue has run it', async () => {
    expect(ok(await call<ScanRunsData>('scanRuns', {}, 'admin')).runs).toEqual([]);
    aZombie();
    ok(await call('scanNow', { dryRun: true }, 'admin'));
    app.registerConsumers();
    await app.queue.runDue({ until: 'idle', advanceClock: true });
    const data = ok(await call<ScanRunsData>('scanRuns', {}, 'admin'));
    expect(data.runs).toHaveLength(1);
    expect(data.runs[0]).toMatchObject({ origin: 'manual', dryRun: true, status: 'finished' });
    expect(data.running).toBe(false);
  });
});

describe('the first day', () => {
  // Reads sent as POST (a search, a count, a bulk fetch, a permission check) are not writes.
  const writesToJira = (from: number) =>
    app.jira.calls
      .slice(from)
      .filter(
        (c) =>
          c.method !== 'GET' &&
          !/search\/jql|search\/approximate-count|bulkfetch|mypermissions/i.test(c.path),
      );

  it('says a project was never scanned until a live scan finishes; a dry run shows what it would flag and writes nothing', async () => {
    // Untouched for most of a year, and never judged: no lens on it yet.
    const zombie = app.jira.store.createIssue({
      projectKey: P,
      summary: 'Tidy the old checkout styles',
      type: 'Story',
      created: '2025-01-01T00:00:00.000Z',
      updated: '2025-01-02T00:00:00.000Z',
    }).key;
    expect(ok(await call<ProjectPageLoadData>('load', {}, 'viewer')).lastScanAt).toBeNull();

    const mark = app.jira.calls.length;
    ok(await call('scanNow', { dryRun: true }, 'admin'));
    app.registerConsumers();
    await app.queue.runDue({ until: 'idle', advanceClock: true });
    expect(writesToJira(mark)).toEqual([]);
    const [dry] = ok(await call<ScanRunsData>('scanRuns', {}, 'admin')).runs;
    expect(dry).toMatchObject({ dryRun: true, wouldChange: [{ issueKey: zombie, change: 'flag' }] });
    // A dry run judged nothing on the record: the project is still unscanned.
    expect(ok(await call<ProjectPageLoadData>('load', {}, 'viewer')).lastScanAt).toBeNull();

    ok(await call('scanNow', {}, 'admin'));
    await app.queue.runDue({ until: 'idle', advanceClock: true });
    const after = ok(await call<ProjectPageLoadData>('load', {}, 'viewer')).lastScanAt;
    expect(after).not.toBeNull();
    expect(Number.isNaN(Date.parse(after!))).toBe(false);
  });

  it('scans the projects in use when the app is installed, through the manifest trigger on Forge’s lifecycle event', async () => {
    // A lens someone wrote (a hypothesis): the project is in use; NEW is not.
    aZombie('Add a blue Save for Later button', { hasHypothesis: 'true' });
    app.jira.store.createProject({ key: 'NEW', name: 'Never used' });
    const fired = await app.fireProductEvent('avi:forge:installed:app');
    expect(fired).toEqual([
      { triggerKey: 'outcome-lens-install-scan', result: { statusCode: 204, body: '' } },
    ]);
    const runs = ok(await call<ScanRunsData>('scanRuns', {}, 'admin')).runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ origin: 'install', dryRun: false, status: 'finished' });
    expect(ok(await call<ProjectPageLoadData>('load', {}, 'viewer')).lastScanAt).not.toBeNull();
    // Another product event reaches no trigger of this app.
    expect(await app.fireProductEvent('avi:jira:created:issue')).toEqual([]);
  });

  it('starts the projects it knows at install without waiting out a 429 past its 25 s', async () => {
    aZombie('Add a blue Save for Later button', { hasHypothesis: 'true' });
    await runInInvocation({ accountId: null, moduleKey: PAGE, installContext: app.installContext }, () =>
      saveSettings(P, { kill: { transitionName: 'Done' } }, 0),
    );
    // Jira asks for 40 s: a trigger that waited would be stopped at its 25 s and start nothing.
    app.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 40,
      times: 1,
      match: { pathIncludes: '/project/search' },
    });
    const fired = await app.fireProductEvent('avi:forge:installed:app');
    expect(fired).toEqual([
      { triggerKey: 'outcome-lens-install-scan', result: { statusCode: 204, body: '' } },
    ]);
    const runs = ok(await call<ScanRunsData>('scanRuns', {}, 'admin')).runs;
    expect(runs).toEqual([expect.objectContaining({ origin: 'install', status: 'finished' })]);
  });
});
