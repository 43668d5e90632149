/**
 * The issue panel's outcome link when its outcome changes or is no longer this project's: a link a save leaves as
 * it was stands (an issue moved to another project keeps saving); a new link must name an active outcome here.
 * The two tests after the first are guards: they held before the mend too.
 */
import type { Answer } from '../../src/contract/answer';
import type { IssueLensDraft } from '../../src/domain/schemas';
import type { OutcomeView } from '../../src/contract/project-page';
import type { WorkbenchApp } from '../../workbench/app';
import { aProjectPageApp, callPage, dataOf } from '../support/project-page-app';
import { callPanel } from '../support/issue-panel-app';
import { anOutcomeDraft, aBetDraft } from '../support/builders';

let app: WorkbenchApp;
beforeEach(() => {
  app = aProjectPageApp();
  app.jira.store.createProject({ key: 'OTHER', name: 'Other' });
  app.grantDemoRoles('OTHER');
});
afterEach(() => app.close());
const page = <T>(fn: string, payload: unknown, user = 'admin') => callPage<T>(app, fn, payload, user);
const ok = <T>(a: Answer<T>) => dataOf(a);

interface Saved {
  lens: { version: number; draft: { outcomeId?: string } };
}

/** The panel's save of `issueKey` on `version`, as the admin. */
const save = (issueKey: string, version: number, draft: IssueLensDraft) =>
  callPanel<Saved>(app, 'save', { issueKey, version, draft }, 'admin', issueKey);

/** A new DEMO outcome and a new DEMO issue not saved yet. */
async function anOutcomeAndAnIssue(): Promise<{ o: OutcomeView; key: string }> {
  const o = ok(await page<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
  const { key } = app.jira.store.createIssue({
    projectKey: 'DEMO',
    summary: 'Bookmark cart',
    description: '',
  });
  return { o, key };
}

describe('the panel and its outcome', () => {
  it('keeps saving an issue moved to another project whose link names the old project’s outcome', async () => {
    const { o, key } = await anOutcomeAndAnIssue();
    const saved = ok(await save(key, 0, aBetDraft({ outcomeId: o.id })));
    const moved = app.jira.store.moveIssue(key, 'OTHER');
    // The person edits only the persona; the link is left as it is.
    const draft = aBetDraft({
      outcomeId: o.id,
      hypothesis: {
        persona: 'returning shopper',
        intent: 'bookmark items in the cart',
        benefit: 'I can come back and finish',
      },
    });
    const again = await save(moved, saved.lens.version, draft);
    expect(again.ok ? 'saved' : `${again.error.code}: ${again.error.message}`).toBe('saved');
    expect(ok(again).lens.draft.outcomeId).toBe(o.id);
  });

  it('keeps saving with the link to an outcome abandoned since (left unchanged)', async () => {
    const { o, key } = await anOutcomeAndAnIssue();
    const saved = ok(await save(key, 0, aBetDraft({ outcomeId: o.id })));
    ok(await page('archiveOutcome', { id: o.id, version: o.version, status: 'abandoned' }));
    const again = await save(
      key,
      saved.lens.version,
      aBetDraft({ outcomeId: o.id, killCriteria: { maxIdleDays: 40 } }),
    );
    expect(again).toMatchObject({ ok: true });
  });

  it('refuses a new link to an outcome abandoned after the panel loaded, with a message', async () => {
    const { o, key } = await anOutcomeAndAnIssue();
    ok(await page('archiveOutcome', { id: o.id, version: o.version, status: 'abandoned' }));
    const a = await save(key, 0, aBetDraft({ outcomeId: o.id }));
    expect(a).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (!a.ok) expect(a.error.message).toMatch(/abandoned/);
  });
});
