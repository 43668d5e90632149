/**
 * The edges of every resolver, through the same path the bridge uses: function keys that are not the app's own,
 * list positions (decision log cursor, Jira page tokens) the app never gave out.
 */
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import type { Answer } from '../../src/contract/answer';
import type { DecisionLogData, MapPageData, ZombieQueueData } from '../../src/contract/project-page';
import { NO_OUTCOME } from '../../src/contract/project-page';
import { DUE_DATE_AHEAD } from '../support/builders';

const P = 'DEMO';
const MODULES = {
  'outcome-lens-issue-panel': { issueKey: `${P}-1` },
  'outcome-lens-project-page': { projectKey: P },
  'outcome-lens-settings': { projectKey: P },
} as const;

let app: WorkbenchApp;

beforeEach(() => {
  app = createWorkbenchApp({ dataFile: ':memory:', contract: true });
  app.jira.store.createProject({ key: P, name: 'Demo' });
  app.grantDemoRoles(P);
  app.jira.store.createIssue({ projectKey: P, summary: 'Checkout fails on Safari', type: 'Bug' });
});
afterEach(() => app.close());

function call<T>(functionKey: string, payload: unknown): Promise<Answer<T>> {
  return app.invoke('outcome-lens-project-page', functionKey, payload, {
    user: 'admin',
    projectKey: P,
  }) as Promise<Answer<T>>;
}

describe('function keys', () => {
  const foreign = [
    'constructor',
    '__proto__',
    'valueOf',
    'toString',
    'hasOwnProperty',
    'isPrototypeOf',
    'nope',
  ];

  it.each(Object.entries(MODULES))(
    '%s answers NOT_FOUND for keys it did not define',
    async (module, where) => {
      for (const key of foreign) {
        const answer = (await app.invoke(
          module,
          key,
          { probe: 'echo me' },
          { user: 'admin', ...where },
        )) as Answer<unknown>;
        expect({ key, answer }).toEqual({
          key,
          answer: {
            ok: false,
            error: { code: 'NOT_FOUND', message: expect.stringMatching(/no such action/) },
          },
        });
      }
    },
  );

  it('still answers its own keys', async () => {
    const answer = await call<DecisionLogData>('decisionLog', {});
    expect(answer).toEqual({ ok: true, data: { entries: [], nextCursor: null } });
  });
});

describe('list positions the app never gave out', () => {
  it.each(['garbage', 'eyJub3QiOiJhIGN1cnNvciJ9', 'W10', '%%%'])(
    'decision log cursor %p answers VALIDATION naming the cursor',
    async (cursor) => {
      const answer = await call<DecisionLogData>('decisionLog', { cursor });
      expect(answer).toEqual({
        ok: false,
        error: { code: 'VALIDATION', message: expect.any(String), fields: { cursor: expect.any(String) } },
      });
    },
  );

  it.each([
    ['offset', { offset: -1 }],
    ['sort', { sort: 'random' }],
    ['limit', { limit: 1000 }],
  ])('a zombie queue page with a bad %s answers VALIDATION naming it', async (field, payload) => {
    const answer = await call<ZombieQueueData>('zombieQueue', payload);
    expect(answer).toEqual({
      ok: false,
      error: { code: 'VALIDATION', message: expect.any(String), fields: { [field]: expect.any(String) } },
    });
    // A surface that shows only the message still says what is wrong, not only that something is.
    const { message, fields } = (answer as { error: { message: string; fields: Record<string, string> } })
      .error;
    expect(message).toBe(fields[field]);
  });

  it('a refusal of several fields says what is wrong with the first, and that there is more', async () => {
    const answer = await call<ZombieQueueData>('zombieQueue', { offset: -1, sort: 'random' });
    const { message, fields } = (answer as { error: { message: string; fields: Record<string, string> } })
      .error;
    expect(Object.keys(fields)).toHaveLength(2);
    expect(message).toBe(`${Object.values(fields)[0]} One more field needs attention.`);
  });

  it('a bulk decision of more items than Jira bulk-transitions at once answers VALIDATION', async () => {
    const keys = Array.from({ length: 1001 }, (_, i) => `OL-${i + 1}`);
    const answer = await call('bulkDecide', {
      idempotencyKey: 'bulk-too-many',
      decision: { kind: 'keep', reason: 'Still wanted', snoozeUntil: '2035-01-01' },
      selection: { keys },
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('a forged Jira page token on a map lane answers VALIDATION naming the token', async () => {
    const answer = await call<MapPageData>('mapPage', { lane: NO_OUTCOME, pageToken: 'bm90IGEgdG9rZW4' });
    expect(answer).toEqual({
      ok: false,
      error: { code: 'VALIDATION', message: expect.any(String), fields: { pageToken: expect.any(String) } },
    });
  });
});

describe('versions the page could not have sent', () => {
  it.each([2 ** 60, 1.5, -1, '1', true])(
    'version %p is told as unreadable, not as missing',
    async (version) => {
      const answer = await call('updateOutcome', {
        id: 'a-outcome',
        version,
        draft: {
          name: 'Fewer abandoned carts',
          metric: 'Cart drop-off',
          baseline: 40,
          target: 30,
          direction: 'decrease',
          dueDate: DUE_DATE_AHEAD,
        },
      });
      expect(answer).toMatchObject({
        ok: false,
        error: {
          code: 'VALIDATION',
          fields: { version: 'The page sent an unreadable version: reload it and try again.' },
        },
      });
    },
  );
});

describe('payloads no page sends: a broken client, an older tab, a script', () => {
  it('a payload that is not an object of fields is told so in a sentence, not in zod words', async () => {
    const answer = await call<ZombieQueueData>('zombieQueue', 'sort=idle');
    const said = 'The request must be an object of fields; it was text.';
    expect(answer).toEqual({ ok: false, error: { code: 'VALIDATION', message: said, fields: { _: said } } });
  });

  it('fields missing or of the wrong shape are named by their labels, at their fields', async () => {
    const answer = await call('bulkDecide', {
      decision: { kind: 'kill', reason: 'No longer wanted' },
      selection: {},
    });
    expect(answer).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION',
        message: 'Request id must be given. One more field needs attention.',
        fields: {
          idempotencyKey: 'Request id must be given.',
          selection: 'Selection must hold "keys" or "filter".',
        },
      },
    });
    const filtered = await call('mapSummary', { filters: { assignee: 42, recipe: 'yes' } });
    expect(filtered).toEqual({
      ok: false,
      error: {
        code: 'VALIDATION',
        message: expect.stringMatching(/^Assignee must be text or "unassigned"; it was a number\./),
        fields: {
          'filters.assignee': 'Assignee must be text or "unassigned"; it was a number.',
          // The app's own sentence for a field stays as it was.
          'filters.recipe': 'The recipe filter is on (true) or left out.',
        },
      },
    });
  });

  it('a relink or a link to "none" is told to choose an outcome, not an id', async () => {
    const said =
      'Choose one of the project’s outcomes: work that serves none is left unlinked, not linked to "none".';
    const relink = await call('decide', {
      issueKey: `${P}-1`,
      idempotencyKey: 'relink-none-1',
      decision: { kind: 'relink', outcomeId: NO_OUTCOME, reason: 'serves none' },
    });
    expect(relink).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { 'decision.outcomeId': said } },
    });
    const link = await app.invoke(
      'outcome-lens-issue-panel',
      'save',
      { version: 0, draft: { outcomeId: NO_OUTCOME } },
      { user: 'admin', issueKey: `${P}-1` },
    );
    expect(link).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { 'draft.outcomeId': said } },
    });
  });

  it('counts a name by its characters, not UTF-16 units: a token named with 40 emoji is 40 characters long', async () => {
    const settings = (fn: string, payload: unknown) =>
      app.invoke('outcome-lens-settings', fn, payload, { user: 'admin', projectKey: P }) as Promise<
        Answer<{ summary: { name: string } }>
      >;
    const name = '😀'.repeat(40);
    const made = await settings('createToken', { name });
    expect(made).toMatchObject({ ok: true, data: { summary: { name } } });
    expect(await settings('createToken', { name: '😀'.repeat(61) })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', fields: { name: expect.any(String) } },
    });
  });

  it('a resolution name of control or only invisible characters is refused at its place in the list', async () => {
    const answer = await app.invoke(
      'outcome-lens-settings',
      'saveResolutionMapping',
      { delivered: ['Done', 'Do\u0000ne', '\u200b'], abandoned: [] },
      { user: 'admin', projectKey: P },
    );
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        fields: {
          'delivered.1': expect.stringMatching(/^A resolution name holds a control character/),
          'delivered.2': expect.stringMatching(/^A resolution name holds only invisible characters/),
        },
      },
    });
  });
});
