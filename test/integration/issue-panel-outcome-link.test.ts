/**
 * The issue panel's outcome link when its outcome changes or is no longer this project's: a link a save leaves as
 * it was stands (an issue moved to another project keeps saving); a new link must name an active outcome here.
 * The two tests after the first are guards: they held before the mend too.
 */
import type { Answer } from '../../src/contract/answer';
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

describe('the panel and its outcome', () => {
  it('keeps saving an issue moved to another project whose link names the old project’s outcome', async () => {
    const o = ok(await page<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
    const issue = app.jira.store.createIssue({
      projectKey: 'DEMO',
      summary: 'Bookmark cart',
      description: '',
    });
    const saved = ok(
      await callPanel<Saved>(
        app,
        'save',
        { issueKey: issue.key, version: 0, draft: aBetDraft({ outcomeId: o.id }) },
        'admin',
        issue.key,
      ),
    );
    const moved = app.jira.store.moveIssue(issue.key, 'OTHER');
    // The person edits only the persona; the link is left as it is.
    const draft = aBetDraft({
      outcomeId: o.id,
      hypothesis: {
        persona: 'returning shopper',
        intent: 'bookmark items in the cart',
        benefit: 'I can come back and finish',
      },
    });
    const again = await callPanel<Saved>(
      app,
      'save',
      { issueKey: moved, version: saved.lens.version, draft },
      'admin',
      moved,
    );
    expect(again.ok ? 'saved' : `${again.error.code}: ${again.error.message}`).toBe('saved');
    expect(ok(again).lens.draft.outcomeId).toBe(o.id);
  });

  it('keeps saving with the link to an outcome abandoned since (left unchanged)', async () => {
    const o = ok(await page<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
    const issue = app.jira.store.createIssue({
      projectKey: 'DEMO',
      summary: 'Bookmark cart',
      description: '',
    });
    const saved = ok(
      await callPanel<Saved>(
        app,
        'save',
        { issueKey: issue.key, version: 0, draft: aBetDraft({ outcomeId: o.id }) },
        'admin',
        issue.key,
      ),
    );
    ok(await page('archiveOutcome', { id: o.id, version: o.version, status: 'abandoned' }));
    const again = await callPanel<Saved>(
      app,
      'save',
      {
        issueKey: issue.key,
        version: saved.lens.version,
        draft: aBetDraft({ outcomeId: o.id, killCriteria: { maxIdleDays: 40 } }),
      },
      'admin',
      issue.key,
    );
    expect(again).toMatchObject({ ok: true });
  });

  it('refuses a new link to an outcome abandoned after the panel loaded, with a message', async () => {
    const o = ok(await page<OutcomeView>('createOutcome', { draft: anOutcomeDraft() }));
    const issue = app.jira.store.createIssue({
      projectKey: 'DEMO',
      summary: 'Bookmark cart',
      description: '',
    });
    ok(await page('archiveOutcome', { id: o.id, version: o.version, status: 'abandoned' }));
    const a = await callPanel<Saved>(
      app,
      'save',
      { issueKey: issue.key, version: 0, draft: aBetDraft({ outcomeId: o.id }) },
      'admin',
      issue.key,
    );
    expect(a).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (!a.ok) expect(a.error.message).toMatch(/abandoned/);
  });
});
