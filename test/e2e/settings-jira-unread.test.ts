/**
 * The settings page when Jira does not answer the search for the project's open work, in a real browser: the
 * settings still load, and the page says the issue types and workflow could not be read (and to reload), instead
 * of saying the project has no open issue.
 */
import type { BrowserWorkbench } from '../support/browser';
import { openSettings, startSettingsWorkbench } from '../support/settings-page';

jest.setTimeout(120_000);

let wb: BrowserWorkbench;

beforeAll(async () => {
  wb = await startSettingsWorkbench();
  wb.app.jira.store.createIssue({ projectKey: 'DEMO', summary: 'A bug', type: 'Bug' });
});
afterAll(async () => wb?.close());

describe('settings while Jira is rate limiting the search for open work', () => {
  it('loads the settings and says what could not be read and to reload, not that there is no open issue', async () => {
    const fault = wb.app.jira.faults.inject({
      kind: 'rate-limit',
      retryAfterSeconds: 5,
      match: { pathIncludes: '/rest/api/3/search/jql', bodyIncludes: 'statusCategory != Done' },
    });
    const { page, frame } = await openSettings(wb);
    const warning = frame.getByTestId('settings-hints-problem');
    await warning.waitFor();
    const said = await warning.innerText();
    expect(said).toContain('Not everything could be read from Jira');
    expect(said).toContain(
      "This project's issue types and workflow could not be read from Jira (Jira is busy",
    );
    expect(said).toContain('reload the page to try again');
    expect(
      await frame.getByText("This project's workflow could not be read from Jira just now").count(),
    ).toBe(1);
    expect(await frame.getByText(/No open issue to read this project's workflow from/).count()).toBe(0);
    // The settings themselves are there and editable.
    expect(await frame.getByLabel('Max idle days', { exact: true }).inputValue()).toBe('60');
    await page.close();

    wb.app.jira.faults.clear(fault);
    const again = await openSettings(wb);
    await again.frame.getByText(/as seen from DEMO-\d+/).waitFor();
    expect(await again.frame.getByTestId('settings-hints-problem').count()).toBe(0);
    await again.page.close();
  });
});
