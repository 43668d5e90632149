/**
 * Making a measurement token from the keyboard: Enter in the name field makes it. Enter pressed twice while the
 * first create is under way sent the same request twice; the app gave the token made by the first a new secret
 * for the second, and the dialog first showed the first answer's secret, which no longer worked.
 */
import { SETTINGS_RESOLVERS } from '../../src/contract/settings-keys';
import { delayAnswers, type BrowserWorkbench } from '../support/browser';
import { openSettings, startSettingsWorkbench } from '../support/settings-page';

jest.setTimeout(120_000);

let wb: BrowserWorkbench;

beforeAll(async () => {
  wb = await startSettingsWorkbench();
});
afterAll(async () => wb?.close());

describe('Enter pressed twice in the new token name field', () => {
  it('sends one create, and the secret shown works', async () => {
    const { page, frame } = await openSettings(wb);
    await frame.getByRole('heading', { name: 'Measurement tokens' }).waitFor();
    const url = (await frame.getByTestId('webtrigger-url').innerText()).trim();
    const creates: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/__bridge/invoke') && r.postData()?.includes(SETTINGS_RESOLVERS.createToken))
        creates.push(r.postData() ?? '');
    });
    // The answer takes a while to come back: the second Enter falls while the first create is under way.
    await delayAnswers(page, SETTINGS_RESOLVERS.createToken, 600);
    const field = frame.getByLabel("New token's name");
    await field.fill('keyboard job');
    await field.press('Enter');
    await field.press('Enter');
    const shown = frame.getByTestId('new-token');
    await shown.waitFor({ timeout: 30_000 });
    // Long enough for a second answer to arrive and replace the first in the dialog.
    await page.waitForTimeout(1_500);
    const token = (await shown.innerText()).trim();
    expect(creates).toHaveLength(1);
    const answer = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: 'metric,value,at,id\nWeekly active carts,120,2026-01-05,enter-1\n',
    });
    expect(answer.status).toBe(200);
    await frame.getByRole('button', { name: 'Done' }).click();
    await frame.getByRole('cell', { name: 'keyboard job' }).waitFor();
    expect(await frame.getByRole('cell', { name: 'keyboard job' }).count()).toBe(1);
    await page.close();
  });
});
