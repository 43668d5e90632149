/**
 * The settings page's resolver over the workbench: defaults, validated and versioned saves by administrators
 * only, and reset. Nothing is mirrored into Jira: the entry gate reads the settings from app storage.
 */
import { demoUser } from '../../workbench/users';
import { kvs } from '@forge/kvs';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import { runInInvocation } from '../../workbench/forge/runtime';
import { keys } from '../../src/storage/keys';
import type { Answer } from '../../src/contract/answer';
import type { SettingsData } from '../../src/contract/settings';
import { DEFAULT_SETTINGS, type Settings } from '../../src/domain/settings';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { MapPageData } from '../../src/contract/project-page';
import { withChanges } from '../support/settings-app';

const P = 'DEMO';
// The manifest's modules: app.invoke finds their resolvers and the handler exports in src/index.ts.
const SETTINGS = 'outcome-lens-settings';
const PAGE = 'outcome-lens-project-page';
let app: WorkbenchApp;

beforeEach(() => {
  app = createWorkbenchApp({ dataFile: ':memory:', contract: true });
  app.jira.store.createProject({ key: P, name: 'Demo' });
  app.grantDemoRoles(P);
});
afterEach(() => app.close());

/** What the app wrote into the project's Jira properties. */
function projectPropertyKeys(): string[] {
  return app.jira.store.projectPropertyKeys(app.jira.store.getProject(P)!.id);
}

async function call<T>(fn: string, payload: unknown, user = 'admin'): Promise<Answer<T>> {
  return (await app.invoke(SETTINGS, fn, payload, { user, projectKey: P })) as Answer<T>;
}
function ok<T>(a: Answer<T>): T {
  if (!a.ok) throw new Error(`expected ok, got ${JSON.stringify(a.error)}`);
  return a.data;
}

describe('project settings', () => {
  it('shows the defaults at version 0, editable for an admin and read-only for a viewer', async () => {
    const admin = ok(await call<SettingsData>('load', {}));
    expect(admin).toMatchObject({ version: 0, canEdit: true, settings: DEFAULT_SETTINGS });
    // The page's link to the flagged items searches this project's only.
    expect(admin.flaggedJql).toBe(`project = "${P}" AND zombie = "true"`);
    const viewer = ok(await call<SettingsData>('load', {}, 'viewer'));
    expect(viewer.canEdit).toBe(false);
    expect(viewer.readOnlyReason).toMatch(/administrators/);
    expect(await call('load', {}, 'outsider')).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHORIZED' },
    });
  });

  it('saves valid settings as a new version and writes nothing into Jira', async () => {
    const settings = withChanges((s) => {
      s.entryGate.threshold = 65;
      s.weights.outcomeLink = 40;
      s.weights.hypothesis = 5;
    });
    const saved = ok(await call<SettingsData>('save', { version: 0, settings }));
    expect(saved.version).toBe(1);
    expect(saved.settings.entryGate.threshold).toBe(65);
    // Project properties are writable by whoever administers the project: the gate must not read one.
    expect(projectPropertyKeys()).toEqual([]);
  });

  it('refuses invalid settings with field errors and writes nothing', async () => {
    const bad = withChanges((s) => {
      s.entryGate.threshold = 140;
      s.flagActions.label = 'has space';
    });
    const answer = await call('save', { version: 0, settings: bad });
    expect(answer).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (!answer.ok)
      expect(Object.keys(answer.error.fields ?? {})).toEqual(
        expect.arrayContaining(['settings.entryGate.threshold', 'settings.flagActions.label']),
      );
    expect(ok(await call<SettingsData>('load', {})).version).toBe(0);
    expect(projectPropertyKeys()).toEqual([]);
  });

  it('refuses a misspelt or unknown field at its name, at any depth, instead of dropping it unseen', async () => {
    const settings = {
      ...withChanges((s) => {
        s.zombie.perIssueType = { Bug: { maxIdleDays: 20 } };
      }),
      bogus: 1,
    } as Settings & { bogus: number };
    (settings.zombie.perIssueType.Bug as Record<string, number>).maxIdleDay = 5;
    (settings.entryGate as unknown as Record<string, number>).treshold = 90;
    const answer = await call('save', { version: 0, settings });
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        fields: {
          'settings.bogus': expect.stringMatching(/^"bogus" is not a field this app knows/),
          'settings.zombie.perIssueType.Bug.maxIdleDay': expect.stringMatching(
            /^"maxIdleDay" is not a field/,
          ),
          'settings.entryGate.treshold': expect.stringMatching(/^"treshold" is not a field/),
        },
      },
    });
    expect(ok(await call<SettingsData>('load', {})).version).toBe(0);
  });

  it('loads settings stored with a field this version does not know, without it, and every other setting', async () => {
    await runInInvocation(
      { accountId: null, moduleKey: 'settings-test', installContext: app.installContext },
      () =>
        kvs.set(keys.settings(P), {
          stored: {
            entryGate: { threshold: 70, retired: true },
            zombie: { perIssueType: { Bug: { maxIdleDays: 9, oldLimit: 3 } } },
          },
          version: 2,
          updatedAt: '2026-01-05T10:00:00.000Z',
          updatedBy: null,
        }),
    );
    const loaded = ok(await call<SettingsData>('load', {}));
    expect(loaded.version).toBe(2);
    expect(loaded.settings.entryGate).toEqual({ ...DEFAULT_SETTINGS.entryGate, threshold: 70 });
    expect(loaded.settings.zombie.perIssueType).toEqual({ Bug: { maxIdleDays: 9 } });
    // Saved back as loaded, it saves.
    expect(ok(await call<SettingsData>('save', { version: 2, settings: loaded.settings })).version).toBe(3);
  });

  it('takes a kill resolution the site has, spelled as the site spells it, and refuses one it does not have', async () => {
    const resolutionSaved = async () => ok(await call<SettingsData>('load', {})).settings.kill.resolutionName;
    const refused = await call('save', {
      version: 0,
      settings: withChanges((s) => (s.kill.resolutionName = 'Obsolete')),
    });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        fields: {
          'settings.kill.resolutionName':
            '"Obsolete" is not a resolution on this site, so Jira would refuse it when a kill closes an item. ' +
            'Choose one it has ("Done", "Won\'t Do", "Duplicate", "Cannot Reproduce"), or ask a Jira admin to add it first.',
        },
      },
    });
    expect(await resolutionSaved()).toBe("Won't Do");
    // Typed in another case, it is saved as the site has it: Jira matches a resolution's name as written. So is
    // the saved one typed in another case: it is not the name saved.
    ok(
      await call('save', { version: 0, settings: withChanges((s) => (s.kill.resolutionName = "won't do")) }),
    );
    expect(await resolutionSaved()).toBe("Won't Do");
    ok(
      await call('save', { version: 1, settings: withChanges((s) => (s.kill.resolutionName = 'duplicate')) }),
    );
    expect(await resolutionSaved()).toBe('Duplicate');
    // Once the site has it (an admin added it; an issue holds it), it is taken.
    app.jira.store.createIssue({
      projectKey: P,
      summary: 'Old',
      type: 'Task',
      status: 'Done',
      statusCategory: 'done',
      resolution: 'Obsolete',
    });
    ok(
      await call('save', { version: 2, settings: withChanges((s) => (s.kill.resolutionName = 'Obsolete')) }),
    );
    expect(await resolutionSaved()).toBe('Obsolete');
  });

  it("finds a kill resolution on a later page of the site's resolutions", async () => {
    app.jira.store.bulkCreateIssues(
      Array.from({ length: 120 }, (_, i) => ({
        projectKey: P,
        summary: `Closed long ago ${i}`,
        type: 'Task',
        status: 'Done',
        statusCategory: 'done' as const,
        resolution: `Z-${String(i).padStart(3, '0')}`,
      })),
    );
    // Jira Cloud's four, then 120 more: the last is on the second page of 100.
    ok(await call('save', { version: 0, settings: withChanges((s) => (s.kill.resolutionName = 'Z-119')) }));
    expect(ok(await call<SettingsData>('load', {})).settings.kill.resolutionName).toBe('Z-119');
  });

  it('saves a new kill resolution unchecked when Jira does not list the resolutions, and keeps a stored one unasked', async () => {
    const fault = app.jira.faults.inject({
      kind: 'server-error',
      status: 503,
      match: { pathIncludes: '/rest/api/3/resolution/search' },
    });
    ok(
      await call('save', { version: 0, settings: withChanges((s) => (s.kill.resolutionName = 'Obsolete')) }),
    );
    expect(ok(await call<SettingsData>('load', {})).settings.kill.resolutionName).toBe('Obsolete');
    app.jira.faults.clear(fault);
    // A save that keeps it as it is does not ask again, nor is it refused.
    const asked = app.jira.calls.length;
    ok(
      await call('save', {
        version: 1,
        settings: withChanges((s) => {
          s.kill.resolutionName = 'Obsolete';
          s.dryRun = true;
        }),
      }),
    );
    expect(app.jira.calls.slice(asked).some((c) => c.path.includes('/resolution/search'))).toBe(false);
  });

  it('refuses weights that do not add up to 100, at the weights, instead of rescaling them', async () => {
    const answer = await call('save', {
      version: 0,
      settings: withChanges((s) => (s.weights.killCriteria = 50)),
    });
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        fields: { 'settings.weights': 'The weights add up to 135: they must add up to 100.' },
      },
    });
    expect(ok(await call<SettingsData>('load', {})).version).toBe(0);
  });

  it('refuses a stale save with a conflict and keeps the newer settings', async () => {
    ok(await call('save', { version: 0, settings: withChanges((s) => (s.dryRun = true)) }));
    expect(
      await call('save', { version: 0, settings: withChanges((s) => (s.entryGate.threshold = 10)) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    const now = ok(await call<SettingsData>('load', {}));
    expect(now).toMatchObject({ version: 1, settings: { dryRun: true, entryGate: { threshold: 40 } } });
  });

  it('names the write a stale save or reset missed, and tells the person who made it that it was theirs', async () => {
    app.jira.store.grant(P, demoUser('member')!.accountId, ['ADMINISTER_PROJECTS']);
    const saved = ok(
      await call<SettingsData>('save', { version: 0, settings: withChanges((s) => (s.dryRun = true)) }),
    );
    const stale = { version: 0, settings: withChanges((s) => (s.entryGate.threshold = 10)) };
    const newer = { accountId: demoUser('admin')!.accountId, at: saved.updatedAt };
    for (const fn of ['save', 'reset'] as const) {
      const payload = fn === 'save' ? stale : { version: 0 };
      // The same administrator, in another tab.
      expect(await call(fn, payload)).toEqual({
        ok: false,
        error: {
          code: 'CONFLICT',
          message:
            'You saved these settings in another tab or window meanwhile. Reload them, then apply your change again.',
          lastWrite: { ...newer, name: null, byYou: true },
        },
      });
      // Another administrator.
      expect(await call(fn, payload, 'member')).toEqual({
        ok: false,
        error: {
          code: 'CONFLICT',
          message: 'Someone else saved these settings meanwhile. Reload them, then apply your change again.',
          lastWrite: { ...newer, name: null },
        },
      });
    }
    expect(ok(await call<SettingsData>('load', {})).version).toBe(1);
  });

  // An administrator's page shows version 0. Another administrator saves version 1, then the first one's other tab
  // saves version 2. Before the mend only the newest write was read: the page said all the changes were their own
  // tab's, and loaded someone else's as theirs.
  it('says someone else saved when another administrator saved between, though the newest save was the person’s own', async () => {
    app.jira.store.grant(P, demoUser('member')!.accountId, ['ADMINISTER_PROJECTS']);
    ok(await call('save', { version: 0, settings: withChanges((s) => (s.dryRun = true)) }, 'member'));
    ok(await call('save', { version: 1, settings: withChanges((s) => (s.entryGate.threshold = 20)) }));
    const stale = { version: 0, settings: withChanges((s) => (s.entryGate.threshold = 10)) };
    const refused = await call('save', stale);
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: 'Someone else saved these settings meanwhile. Reload them, then apply your change again.',
      },
    });
    expect(
      (refused as { error: { lastWrite?: { byYou?: boolean } } }).error.lastWrite?.byYou,
    ).toBeUndefined();
    // From version 1 on, every save since was the person's own.
    expect(await call('reset', { version: 1 })).toMatchObject({
      ok: false,
      error: { lastWrite: { byYou: true } },
    });
  });

  it('says the stored settings went back, not that someone saved, when a page sends a version ahead of them', async () => {
    ok(await call('save', { version: 0, settings: withChanges((s) => (s.dryRun = true)) }));
    for (const fn of ['save', 'reset'] as const)
      expect(
        await call(fn, { version: 5, ...(fn === 'save' ? { settings: withChanges(() => undefined) } : {}) }),
      ).toMatchObject({
        ok: false,
        error: {
          code: 'CONFLICT',
          message: expect.stringMatching(
            /^This page shows version 5 of the settings, but version 1 is stored now/,
          ),
        },
      });
    expect(ok(await call<SettingsData>('load', {}))).toMatchObject({
      version: 1,
      settings: { dryRun: true },
    });
  });

  it('answers a save sent again after its answer was lost as saved, once; other values are stale', async () => {
    const save = { version: 0, settings: withChanges((s) => (s.entryGate.threshold = 65)) };
    const first = ok(await call<SettingsData>('save', save));
    // The answer never reached the page; the person presses Save again with the version they had.
    const again = ok(await call<SettingsData>('save', save));
    expect([again.version, again.settings.entryGate.threshold]).toEqual([1, 65]);
    expect(again.version).toBe(first.version);
    // Other values from version 0 are still told the settings changed.
    const other = { version: 0, settings: withChanges((s) => (s.entryGate.threshold = 70)) };
    expect(await call('save', other)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(ok(await call<SettingsData>('load', {})).settings.entryGate.threshold).toBe(65);
  });

  it('answers the same save sent twice at once as saved, both times, and stores it once', async () => {
    // An instant Jira: both copies pass the permission check together and race for the claim.
    app.close();
    app = createWorkbenchApp({ dataFile: ':memory:', contract: true, latency: 'off' });
    app.jira.store.createProject({ key: P, name: 'Demo' });
    app.grantDemoRoles(P);
    for (let round = 0; round < 5; round++) {
      const { version } = ok(await call<SettingsData>('load', {}));
      const save = { version, settings: withChanges((s) => (s.entryGate.threshold = 50 + round)) };
      // A double click: both copies read the same version and race for the next one.
      const answers = await Promise.all([call<SettingsData>('save', save), call<SettingsData>('save', save)]);
      expect(answers.map((a) => (a.ok ? a.data.version : a.error.code))).toEqual([version + 1, version + 1]);
    }
    expect(ok(await call<SettingsData>('load', {})).version).toBe(5);
  });

  it('still tells one of two different saves sent at once that the other saved first', async () => {
    const a = { version: 0, settings: withChanges((s) => (s.entryGate.threshold = 50)) };
    const b = { version: 0, settings: withChanges((s) => (s.entryGate.threshold = 60)) };
    const answers = await Promise.all([call<SettingsData>('save', a), call<SettingsData>('save', b)]);
    expect(answers.map((x) => (x.ok ? 'ok' : x.error.code)).sort()).toEqual(['CONFLICT', 'ok']);
  });

  it('resets to the defaults as a new version', async () => {
    ok(await call('save', { version: 0, settings: withChanges((s) => (s.entryGate.enabled = false)) }));
    const reset = ok(await call<SettingsData>('reset', { version: 1 }));
    expect(reset).toMatchObject({ version: 2, settings: DEFAULT_SETTINGS });
  });

  it('refuses changes from a member, a viewer and an outsider', async () => {
    for (const user of ['member', 'viewer', 'outsider']) {
      expect(await call('save', { version: 0, settings: DEFAULT_SETTINGS }, user)).toMatchObject({
        ok: false,
        error: { code: 'NOT_AUTHORIZED' },
      });
      expect(await call('reset', { version: 0 }, user)).toMatchObject({
        ok: false,
        error: { code: 'NOT_AUTHORIZED' },
      });
    }
    expect(projectPropertyKeys()).toEqual([]);
  });

  it('changes the scores the map shows when the weights change', async () => {
    const issue = app.jira.store.createIssue({ projectKey: P, summary: 'Shoppers lose their cart' });
    app.jira.store.setIssueProperty(issue.key, ISSUE_PROPERTY_KEY, {
      hypothesis: { persona: 'shopper', intent: 'keep my cart', benefit: 'finish later' },
    });
    const scoreNow = async () => {
      const page = (await app.invoke(
        PAGE,
        'mapPage',
        { lane: 'none' },
        { user: 'admin', projectKey: P },
      )) as Answer<MapPageData>;
      return ok(page).issues[0]!.score;
    };
    const before = await scoreNow();
    ok(
      await call('save', {
        version: 0,
        settings: withChanges((s) => {
          s.weights = {
            ...s.weights,
            hypothesis: 70,
            measurable: 10,
            outcomeLink: 5,
            killCriteria: 5,
            problemFraming: 5,
            evidence: 5,
          };
        }),
      }),
    );
    expect(await scoreNow()).toBeGreaterThan(before);
  });
});

describe('per-type thresholds and the choices the page offers', () => {
  it('saves thresholds per issue type and names a bad cell by its path', async () => {
    const saved = ok(
      await call<SettingsData>('save', {
        version: 0,
        settings: withChanges((s) => {
          s.zombie.perIssueType = { Bug: { maxIdleDays: 14 }, Epic: { maxSprintsCarried: 6 } };
        }),
      }),
    );
    expect(saved.settings.zombie.perIssueType).toEqual({
      Bug: { maxIdleDays: 14 },
      Epic: { maxSprintsCarried: 6 },
    });
    const refused = await call('save', {
      version: saved.version,
      settings: withChanges((s) => {
        s.zombie.perIssueType = { Bug: { maxIdleDays: -3 } };
      }),
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const fields = (refused as { error: { fields?: Record<string, string> } }).error.fields ?? {};
    expect(Object.keys(fields)).toEqual(['settings.zombie.perIssueType.Bug.maxIdleDays']);
  });

  it('trims issue type names, and refuses a blank one or two that differ only in case or spaces, at the row', async () => {
    const saved = ok(
      await call<SettingsData>('save', {
        version: 0,
        settings: withChanges((s) => (s.zombie.perIssueType = { ' Bug ': { maxIdleDays: 14 } })),
      }),
    );
    expect(saved.settings.zombie.perIssueType).toEqual({ Bug: { maxIdleDays: 14 } });
    const twice = await call('save', {
      version: saved.version,
      settings: withChanges(
        (s) => (s.zombie.perIssueType = { Bug: { maxIdleDays: 14 }, 'bug ': { maxIdleDays: 30 } }),
      ),
    });
    expect(twice).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        fields: {
          'settings.zombie.perIssueType.bug ':
            '"bug " and "Bug" are the same issue type (spaces around a name and case do not count): keep one row.',
        },
      },
    });
    const blank = await call('save', {
      version: saved.version,
      settings: withChanges((s) => (s.zombie.perIssueType = { '   ': { maxIdleDays: 30 } })),
    });
    expect(blank).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        fields: {
          'settings.zombie.perIssueType.   ':
            'Name the issue type these thresholds are for, or remove the row.',
        },
      },
    });
    expect(ok(await call<SettingsData>('load', {}))).toMatchObject({
      version: 1,
      settings: { zombie: { perIssueType: { Bug: { maxIdleDays: 14 } } } },
    });
  });

  it('offers the issue types in use and says which issue the kill transitions were read from', async () => {
    app.jira.store.createIssue({ projectKey: P, summary: 'A bug', type: 'Bug' });
    app.jira.store.createIssue({ projectKey: P, summary: 'A story', type: 'Story' });
    const data = ok(await call<SettingsData>('load', {}));
    expect(data.issueTypes).toEqual(['Bug', 'Story']);
    expect(data.killTransitionsFrom).toMatch(/^DEMO-\d+$/);
    expect(data.killTransitions.length).toBeGreaterThan(0);
  });

  it('offers nothing to choose from in a project without open work', async () => {
    const data = ok(await call<SettingsData>('load', {}));
    expect(data).toMatchObject({
      issueTypes: [],
      killTransitions: [],
      killTransitionsFrom: null,
      hintsProblem: null,
    });
  });

  it.each([
    ['rate limited', { kind: 'rate-limit', retryAfterSeconds: 5 } as const, /Jira is busy/],
    ['answering 503', { kind: 'server-error', status: 503 } as const, /HTTP 503/],
  ])(
    'still loads the settings when Jira is %s on the search, and says the lists are unknown, not empty',
    async (_, fault, cause) => {
      app.jira.store.createIssue({ projectKey: P, summary: 'A bug', type: 'Bug' });
      ok(await call('save', { version: 0, settings: withChanges((s) => (s.entryGate.threshold = 55)) }));
      app.jira.faults.inject({ ...fault, match: { pathIncludes: '/rest/api/3/search/jql' } });
      const data = ok(await call<SettingsData>('load', {}));
      expect(data).toMatchObject({
        version: 1,
        settings: { entryGate: { threshold: 55 } },
        issueTypes: [],
        killTransitions: [],
        killTransitionsFrom: null,
      });
      expect(data.hintsProblem).toMatch(/issue types and workflow could not be read from Jira/);
      expect(data.hintsProblem).toMatch(cause);
      expect(data.hintsProblem).toMatch(/reload the page to try again/);
      // Jira answers again: the lists are back and nothing is said.
      app.jira.faults.clear();
      expect(ok(await call<SettingsData>('load', {}))).toMatchObject({
        issueTypes: ['Bug'],
        hintsProblem: null,
      });
    },
  );

  it('keeps the issue types it read when only the workflow cannot be read, and says so', async () => {
    app.jira.store.createIssue({ projectKey: P, summary: 'A bug', type: 'Bug' });
    app.jira.faults.inject({ kind: 'server-error', status: 502, match: { pathIncludes: '/transitions' } });
    const data = ok(await call<SettingsData>('load', {}));
    expect(data).toMatchObject({ issueTypes: ['Bug'], killTransitions: [], killTransitionsFrom: null });
    expect(data.hintsProblem).toMatch(
      /workflow could not be read from Jira \(Jira answered with an error, HTTP 502\)/,
    );
  });
});

describe('exempt labels Jira cannot hold', () => {
  const withLabels = (labels: string[]) =>
    withChanges((s) => {
      s.exemptions.labels = labels;
      s.entryGate.threshold = 70;
    });

  it('refuses a label with a space, a comma, a blank one or one too long, at the field, and saves nothing', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['keep-alive', "won't fix"],
        /^Exempt label "won't fix" has a space: Jira labels cannot hold spaces.*"won't-fix"/,
      ],
      [
        ['later,maybe'],
        /^Exempt label "later,maybe" has a comma: Jira labels cannot hold commas.*"later-maybe"/,
      ],
      [['keep-alive', ' '], /^Exempt labels hold an empty entry: remove it\.$/],
      [['y'.repeat(300)], /^Exempt label "y{40}…" is 300 characters long, over the limit of 255/],
    ];
    for (const [labels, message] of cases) {
      const answer = await call('save', { version: 0, settings: withLabels(labels) });
      expect(answer).toMatchObject({
        ok: false,
        error: {
          code: 'VALIDATION',
          fields: { 'settings.exemptions.labels': expect.stringMatching(message) },
        },
      });
      // The settings page shows the field's message under the list it edits; nothing else is refused.
      if (!answer.ok) expect(Object.keys(answer.error.fields ?? {})).toEqual(['settings.exemptions.labels']);
    }
    expect(ok(await call<SettingsData>('load', {})).version).toBe(0);
  });

  it('loads such a label stored before as it is, with every other setting, says it at the field, and takes the mend', async () => {
    // Stored before such labels were refused: the label and another setting that must not fall back.
    await runInInvocation(
      { accountId: null, moduleKey: 'settings-test', installContext: app.installContext },
      () =>
        kvs.set(keys.settings(P), {
          stored: { exemptions: { labels: ['keep-alive', "won't fix"] }, entryGate: { threshold: 70 } },
          version: 3,
          updatedAt: '2026-01-05T10:00:00.000Z',
          updatedBy: null,
        }),
    );
    const loaded = ok(await call<SettingsData>('load', {}));
    expect(loaded).toMatchObject({
      version: 3,
      settings: { exemptions: { labels: ['keep-alive', "won't fix"] }, entryGate: { threshold: 70 } },
      storedProblems: {
        'settings.exemptions.labels': expect.stringMatching(/^Exempt label "won't fix" has a space/),
      },
    });
    // Saved back unmended, it is refused at the field; mended, it saves, and nothing is left to mend.
    expect(await call('save', { version: 3, settings: loaded.settings })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { 'settings.exemptions.labels': expect.any(String) } },
    });
    const mended = withLabels(['keep-alive', "won't-fix"]);
    const saved = ok(await call<SettingsData>('save', { version: 3, settings: mended }));
    expect(saved).toMatchObject({
      version: 4,
      settings: { exemptions: { labels: ['keep-alive', "won't-fix"] }, entryGate: { threshold: 70 } },
      storedProblems: {},
    });
  });

  it('has nothing to mend in the defaults', async () => {
    expect(ok(await call<SettingsData>('load', {})).storedProblems).toEqual({});
  });
});

describe('per-type thresholds for an issue type named like a member of every object', () => {
  it('saves a row named __proto__, constructor or prototype and loads it back, as its own row', async () => {
    const perIssueType = JSON.parse(
      '{"__proto__":{"maxIdleDays":12},"constructor":{"maxIdleDays":20},"prototype":{"maxSprintsCarried":5}}',
    ) as Settings['zombie']['perIssueType'];
    const saved = ok(
      await call<SettingsData>('save', {
        version: 0,
        settings: withChanges((s) => (s.zombie.perIssueType = perIssueType)),
      }),
    );
    const loaded = ok(await call<SettingsData>('load', {}));
    for (const data of [saved, loaded]) {
      expect(data.version).toBe(1);
      expect(Object.keys(data.settings.zombie.perIssueType)).toEqual([
        '__proto__',
        'constructor',
        'prototype',
      ]);
      expect(Object.getOwnPropertyDescriptor(data.settings.zombie.perIssueType, '__proto__')?.value).toEqual({
        maxIdleDays: 12,
      });
    }
  });
});
