/**
 * Text a broken or hostile client sends: a control character or half of a surrogate pair would reach Jira's
 * comments and issue properties as it is, and a text of nothing but zero-width spaces passes "required" while
 * saying nothing. Each is refused at its field with a message that names it, and nothing is written.
 */
import { ISSUE_PANEL_RESOLVERS } from '../../src/contract/issue-panel';
import type { DecideData } from '../../src/contract/project-page';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import type { WorkbenchApp } from '../../workbench/app';
import { aBetDraft, anOutcomeDraft } from '../support/builders';
import { seedFlaggedIssue } from '../support/flagged-issue';
import { callPanel, errorOf } from '../support/issue-panel-app';
import { PAGE_PROJECT as P, aProjectPageApp, callPage, dataOf } from '../support/project-page-app';

let app: WorkbenchApp;
beforeEach(() => {
  app = aProjectPageApp();
});
afterEach(() => app.close());

const page = <T>(fn: string, payload: unknown, user = 'admin') => callPage<T>(app, fn, payload, user);
const fieldsOf = (answer: Parameters<typeof errorOf>[0]) => {
  const error = errorOf(answer);
  expect(error.code).toBe('VALIDATION');
  return Object.values(error.fields ?? {}).join(' ');
};

describe('the kill review', () => {
  it.each([
    ['a NUL character', 'abc\u0000def', /Reason holds a control character \(U\+0000\)/],
    ['three zero-width spaces', '\u200b\u200b\u200b', /Reason holds only invisible characters/],
    ['three Hangul fillers', '\u3164\u3164\u3164', /Reason holds only invisible characters/],
    ['half of a surrogate pair', 'gone \ud800 now', /Reason holds a broken character \(U\+D800\)/],
  ])(
    'refuses a kill whose reason is %s, and leaves the issue open and unlogged',
    async (_case, reason, why) => {
      const key = seedFlaggedIssue(app.jira.store, P);
      const answer = await page<DecideData>('decide', {
        issueKey: key,
        idempotencyKey: `kill-text-${reason.length}`,
        decision: { kind: 'kill', reason },
      });
      expect(fieldsOf(answer)).toMatch(why);
      expect(app.jira.store.getIssue(key)!.statusName).not.toBe('Done');
      expect(app.jira.store.listComments(app.jira.store.getIssue(key)!.id)).toEqual([]);
    },
  );
});

describe('the issue panel', () => {
  it('refuses a hypothesis with a control character or only invisible characters, and stores nothing', async () => {
    const key = app.jira.store.createIssue({ projectKey: P, summary: 'Shoppers save carts' }).key;
    const save = (hypothesis: Record<string, string>) =>
      callPanel(
        app,
        ISSUE_PANEL_RESOLVERS.save,
        { version: 0, draft: aBetDraft({ hypothesis: { ...aBetDraft().hypothesis, ...hypothesis } }) },
        'member',
        key,
      );
    expect(fieldsOf(await save({ intent: 'bookmark\u0000 items' }))).toMatch(
      /Intent holds a control character \(U\+0000\)/,
    );
    expect(fieldsOf(await save({ persona: '\u200b\u200d' }))).toMatch(
      /Persona holds only invisible characters/,
    );
    expect(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toBeUndefined();
    // Line breaks and tabs are typed into a long text; a zero-width joiner inside a word (an emoji) is text.
    const fine = await save({ intent: 'bookmark items\n\tin the cart 👩‍💻' });
    expect(fine.ok).toBe(true);
  });
});

describe('the project page and its settings', () => {
  it('refuses an outcome name of invisible characters and a token name with a control character', async () => {
    expect(
      fieldsOf(await page('createOutcome', { draft: anOutcomeDraft({ name: '\u200b\u200b' }) })),
    ).toMatch(/Name holds only invisible characters/);
    expect(dataOf(await page<{ outcomes: unknown[] }>('load', {})).outcomes).toEqual([]);
    const token = await app.invoke(
      'outcome-lens-settings',
      'createToken',
      { name: 'a\u0000b' },
      {
        user: 'admin',
        projectKey: P,
      },
    );
    expect(fieldsOf(token as Parameters<typeof errorOf>[0])).toMatch(/The name holds a control character/);
  });
});
