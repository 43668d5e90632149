/**
 * Jira keeps at most 32,767 characters in a description, counted as it stores the text (formatting included),
 * and refuses a longer edit with a 400 (workbench/jira/text-limit.ts). Putting the hypothesis above a long
 * description must say so and change nothing: a description over the limit by the app's own count is refused
 * before Jira is asked; one only Jira's count finds over it is refused by Jira, and the panel says the same. Replace
 * still works. A long description the hypothesis fits above is a guard: it is written with or without the check.
 * The real @forge packages over the workbench, as in issue-panel.test.ts.
 */
import {
  ISSUE_PANEL_RESOLVERS,
  type PanelDescribeData,
  type PanelSaveData,
} from '../../src/contract/issue-panel';
import type { AdfNode } from '../../src/domain/plain-text';
import type { WorkbenchApp } from '../../workbench/app';
import type { AdfDocument } from '../../workbench/jira/types';
import { aBetDraft } from '../support/builders';
import {
  anIssuePanelApp,
  callPanel,
  dataOf as data,
  descriptionTextOf,
  errorOf as error,
} from '../support/issue-panel-app';

const KEY = 'DEMO-3';
const LEAD_KEY = 'outcome-lens-description-lead';
const LIMIT = 32_767;

let app: WorkbenchApp;

beforeEach(() => {
  app = anIssuePanelApp({
    key: KEY,
    summary: 'Shoppers lose the items they meant to buy later',
    description: '',
  });
});
afterEach(() => app.close());

const invoke = <T>(fn: string, payload: unknown) => callPanel<T>(app, fn, payload, 'member', KEY);
const saved = async () =>
  data(await invoke<PanelSaveData>(ISSUE_PANEL_RESOLVERS.save, { version: 0, draft: aBetDraft() })).lens
    .version;
const describe = (change: 'replace' | 'prefix', version: number) =>
  invoke<PanelDescribeData>(ISSUE_PANEL_RESOLVERS.describe, { change, version });
const setDescription = (doc: AdfDocument) =>
  app.jira.store.updateIssueFields(app.jira.store.getIssue(KEY)!.id, { description: doc });
const storedDescription = () => JSON.stringify(app.jira.store.getIssue(KEY)!.description);
const descriptionEdits = () =>
  app.jira.calls.filter((c) => c.method === 'PUT' && c.path.endsWith(`/issue/${KEY}`));

/** Paragraphs of one sentence each, `chars` characters of text in all; `bold` marks every paragraph's text strong. */
function paragraphs(chars: number, bold = false): AdfDocument {
  const line = 'Shoppers told support they lose the items they put aside for later.';
  const content: AdfNode[] = [];
  for (let left = chars; left > 0; left -= line.length) {
    const text = line.slice(0, Math.min(left, line.length));
    content.push({
      type: 'paragraph',
      content: [{ type: 'text', text, ...(bold ? { marks: [{ type: 'strong' }] } : {}) }],
    });
  }
  return { type: 'doc', version: 1, content };
}

it('a hypothesis put above a description it would take past the limit is refused before Jira is asked; nothing changes', async () => {
  const version = await saved();
  setDescription(paragraphs(LIMIT - 100));
  const [before, lead] = [storedDescription(), app.jira.store.getIssueProperty(KEY, LEAD_KEY)];
  const edits = descriptionEdits().length;

  const refused = error(await describe('prefix', version));
  expect(refused.code).toBe('VALIDATION');
  expect(refused.message).toMatch(
    /^The description would be 3\d,\d{3} characters, over the 32,767 Jira keeps, so it was not changed\. Replace the description with the hypothesis instead, or shorten the description in Jira first\.$/,
  );
  expect(storedDescription()).toBe(before);
  expect(app.jira.store.getIssueProperty(KEY, LEAD_KEY)).toEqual(lead);
  expect(descriptionEdits()).toHaveLength(edits);

  // Replace makes the description the hypothesis alone, well under the limit.
  data(await describe('replace', version));
  expect(descriptionTextOf(app, KEY)).toMatch(/^As a shopper, /);
  expect(descriptionTextOf(app, KEY).length).toBeLessThan(2000);
});

it('a description only Jira counts over the limit, with its formatting, is refused by Jira: the same words, nothing changed, the lead record as it was', async () => {
  const version = await saved();
  // Under the limit as text with the hypothesis above it; over it once every paragraph's bold marks are counted.
  setDescription(paragraphs(LIMIT - 1_000, true));
  const [before, lead] = [storedDescription(), app.jira.store.getIssueProperty(KEY, LEAD_KEY)];

  const refused = error(await describe('prefix', version));
  expect(refused.code).toBe('VALIDATION');
  expect(refused.message).toBe(
    'Jira refused the description as longer than the 32,767 characters it keeps (it counts the formatting too), so it was not changed. Replace the description with the hypothesis instead, or shorten the description in Jira first.',
  );
  // Jira was asked, and refused.
  expect(descriptionEdits().at(-1)?.status).toBe(400);
  expect(storedDescription()).toBe(before);
  expect(app.jira.store.getIssueProperty(KEY, LEAD_KEY)).toEqual(lead);
});

it('a long description the hypothesis still fits above is written, its text kept below', async () => {
  const version = await saved();
  setDescription(paragraphs(LIMIT - 2_000));
  data(await describe('prefix', version));
  const text = descriptionTextOf(app, KEY);
  expect(text).toMatch(/^As a shopper, [^]*\n+Shoppers told support/);
  expect(text.length).toBeGreaterThan(LIMIT - 2_000);
});

it('Jira itself refuses a description or a comment over 32,767 characters, and takes one at the limit', async () => {
  const send = (method: string, path: string, body: unknown) =>
    app.jira.handle({
      method,
      path: `/rest/api/3/issue/${KEY}${path}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      actor: { type: 'user', accountId: app.accountIdOf('member') },
    });
  const edit = (description: unknown) => send('PUT', '', { fields: { description } });
  const comment = (text: string) =>
    send('POST', '/comment', {
      body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] },
    });
  expect((await edit('x'.repeat(LIMIT))).status).toBe(204);
  const over = await edit('x'.repeat(LIMIT + 1));
  expect(over.status).toBe(400);
  expect(JSON.parse(over.body)).toEqual({ errorMessages: ['CONTENT_LIMIT_EXCEEDED'], errors: {} });
  // Under the limit as text, over it with the bold marks Jira stores.
  expect((await edit(paragraphs(LIMIT - 50, true))).status).toBe(400);
  expect((await edit(paragraphs(LIMIT - 1_000))).status).toBe(204);
  expect((await comment('y'.repeat(LIMIT))).status).toBe(201);
  expect((await comment('y'.repeat(LIMIT + 1))).status).toBe(400);
});
