/**
 * Measurement tokens in the browser: an admin makes a token in settings, sees it once in a modal, a client
 * posts a measurement with it to the web trigger's URL (as curl would), the admin revokes it and the same
 * request is refused. The section is axe-clean with the modal open. Rotate, revoke and delete each ask first,
 * saying what stops working, and act once however often the confirmation is pressed.
 */
import { SETTINGS_RESOLVERS } from '../../src/contract/settings-keys';
import { eventually, loseNextAnswer, type BrowserWorkbench } from '../support/browser';
import { openSettings, startSettingsWorkbench } from '../support/settings-page';

jest.setTimeout(120_000);

let wb: BrowserWorkbench;

beforeAll(async () => {
  wb = await startSettingsWorkbench();
});
afterAll(async () => wb?.close());

function send(url: string, token: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: 'metric,value,at,id\nWeekly active carts,120,2026-01-05,e2e-1\n',
  });
}

describe('measurement tokens in settings', () => {
  it('are made and shown once, let measurements in, and stop them when revoked', async () => {
    const { frame } = await openSettings(wb);
    const section = frame.getByTestId('tokens');
    await section.getByRole('heading', { name: 'Measurement tokens' }).waitFor();
    const url = (await frame.getByTestId('webtrigger-url').innerText()).trim();
    expect(url).toBe(`${wb.server.url}/webtrigger/outcome-lens-measurements`);

    await frame.getByLabel("New token's name").fill('nightly CI');
    await frame.getByTestId('create-token').click();
    const shown = frame.getByTestId('new-token');
    await shown.waitFor();
    const token = (await shown.innerText()).trim();
    expect(token).toMatch(/^olm\.DEMO\./);
    const violations = await wb.runAxe(frame);
    expect(
      violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    ).toEqual([]);
    await frame.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    // Listed by name, never with its secret.
    await frame.getByRole('cell', { name: 'nightly CI' }).waitFor();
    expect(await section.innerText()).not.toContain(token.split('.')[3]);
    // The list is Atlaskit's DynamicTable, named as its heading says, and passes axe as the dialog did.
    const table = frame.getByRole('table', { name: 'Measurement tokens', exact: true });
    expect(await table.getAttribute('data-testid')).toBe('tokens-table--table');
    expect(await table.getByRole('columnheader').allInnerTexts()).toEqual([
      'Name',
      'Starts with',
      'Made',
      'State',
      'Actions',
    ]);
    const listed = await wb.runAxe(frame);
    expect(listed.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual(
      [],
    );

    const accepted = await send(url, token);
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ accepted: 1 });

    await frame.getByRole('button', { name: 'Revoke' }).click();
    await frame.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await frame.getByText(/^Revoked /).waitFor();
    const refused = await send(url, token);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).toMatch(/revoked/);
  });
});

describe('destructive token actions', () => {
  it('ask first, say what stops working, hand focus back on Cancel and act once on a double click', async () => {
    const { page, frame } = await openSettings(wb);
    const url = (await frame.getByTestId('webtrigger-url').innerText()).trim();
    await frame.getByLabel("New token's name").fill('deploy job');
    await frame.getByTestId('create-token').click();
    const shown = frame.getByTestId('new-token');
    const first = (await shown.innerText()).trim();
    await frame.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    const row = frame.getByRole('row').filter({ has: frame.getByRole('cell', { name: 'deploy job' }) });
    const focused = () => frame.evaluate(() => document.activeElement?.textContent ?? '');

    // From the keyboard: the confirmation takes the focus on its safe choice, and gives it back on Cancel.
    const rotate = row.getByRole('button', { name: 'Rotate' });
    await rotate.focus();
    await page.keyboard.press('Enter');
    const askRotate = frame.getByRole('dialog', { name: 'Rotate the token "deploy job"?' });
    await askRotate.waitFor();
    expect(await askRotate.innerText()).toMatch(/stops working at once/);
    await eventually(async () => expect(await focused()).toBe('Cancel'));
    await page.keyboard.press('Enter');
    await askRotate.waitFor({ state: 'hidden' });
    await eventually(async () => expect(await focused()).toBe('Rotate'));
    expect((await send(url, first)).status).toBe(200);

    // A slow answer and a double click on the confirmation: one rotation, whose token is the one that works.
    const rotations: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/__bridge/invoke') && r.postData()?.includes(SETTINGS_RESOLVERS.rotateToken))
        rotations.push(r.url());
    });
    await page.route('**/__bridge/invoke', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await route.continue();
    });
    await rotate.click();
    await askRotate.getByRole('button', { name: 'Rotate token' }).dblclick();
    await shown.waitFor();
    const second = (await shown.innerText()).trim();
    await page.unroute('**/__bridge/invoke');
    expect(rotations).toHaveLength(1);
    expect((await send(url, first)).status).toBe(401);
    expect((await send(url, second)).status).toBe(200);
    await frame.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    // Focus lands back on the row's Rotate, not on the page's start.
    await eventually(async () => expect(await focused()).toBe('Rotate'));

    const revoke = row.getByRole('button', { name: 'Revoke' });
    await revoke.click();
    const askRevoke = frame.getByRole('dialog', { name: 'Revoke the token "deploy job"?' });
    expect(await askRevoke.innerText()).toMatch(/refused from now on/);
    await askRevoke.getByRole('button', { name: 'Cancel' }).click();
    await askRevoke.waitFor({ state: 'hidden' });
    expect((await send(url, second)).status).toBe(200);
    await revoke.click();
    await askRevoke.getByRole('button', { name: 'Revoke token' }).click();
    await row.getByText(/^Revoked /).waitFor();
    expect((await send(url, second)).status).toBe(401);
    // Revoke is gone from the row: focus goes to what took its place.
    await eventually(async () => expect(await focused()).toBe('Delete'));

    await row.getByRole('button', { name: 'Delete' }).click();
    const askDelete = frame.getByRole('dialog', { name: 'Delete the token "deploy job"?' });
    expect(await askDelete.innerText()).toMatch(/removes it from this list for good/);
    await askDelete.getByRole('button', { name: 'Delete token' }).click();
    await row.waitFor({ state: 'detached' });
    await eventually(async () => expect(await focused()).toBe('Measurement tokens'));
    await page.close();
  });
});

describe('a token made again after its answer was lost', () => {
  // The app made the token, but its answer never reached the page: no token was shown. The person presses Create
  // again. The page said a token of that name exists, and the one made was a token whose secret nobody had.
  it('is made once, and the secret shown is the one that works', async () => {
    const { page, frame } = await openSettings(wb);
    await frame.getByRole('heading', { name: 'Measurement tokens' }).waitFor();
    const lost = await loseNextAnswer(page, SETTINGS_RESOLVERS.createToken);
    await frame.getByLabel("New token's name").fill('warehouse export');
    await frame.getByTestId('create-token').click();
    await frame.getByText(/did not answer/).waitFor({ timeout: 30_000 });
    await frame.getByTestId('create-token').click();
    const shown = frame.getByTestId('new-token');
    await shown.waitFor({ timeout: 30_000 });
    const token = (await shown.innerText()).trim();
    await frame.getByRole('button', { name: 'Done' }).click();
    expect(lost.dropped).toBe(1);
    await frame.getByRole('cell', { name: 'warehouse export' }).waitFor();
    expect(await frame.getByRole('cell', { name: 'warehouse export' }).count()).toBe(1);
    const url = (await frame.getByTestId('webtrigger-url').innerText()).trim();
    expect((await send(url, token)).status).toBe(200);
    await page.close();
  });
});

describe('a token rotated while the list cannot be read', () => {
  // The rotation is made and answered; the list read after it fails. The page replaced the whole section with the
  // list's error, so the new secret (shown only once) was never seen and the old one no longer worked.
  it('shows the new secret all the same, keeps the list under a warning, and reads it again on Try again', async () => {
    const { page, frame } = await openSettings(wb);
    const url = (await frame.getByTestId('webtrigger-url').innerText()).trim();
    await frame.getByLabel("New token's name").fill('metrics relay');
    await frame.getByTestId('create-token').click();
    const shown = frame.getByTestId('new-token');
    await shown.waitFor();
    await frame.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });

    const row = frame.getByRole('row').filter({ has: frame.getByRole('cell', { name: 'metrics relay' }) });
    const lost = await loseNextAnswer(page, SETTINGS_RESOLVERS.listTokens);
    await row.getByRole('button', { name: 'Rotate' }).click();
    await frame
      .getByRole('dialog', { name: 'Rotate the token "metrics relay"?' })
      .getByRole('button', { name: 'Rotate token' })
      .click();
    await shown.waitFor({ timeout: 30_000 });
    const rotated = (await shown.innerText()).trim();
    expect(lost.dropped).toBe(1);
    expect((await send(url, rotated)).status).toBe(200);
    await frame.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });

    const warning = frame.getByText('The list below may be out of date');
    await warning.waitFor();
    expect(await row.count()).toBe(1);
    await frame.getByRole('button', { name: 'Try again' }).click();
    await warning.waitFor({ state: 'detached', timeout: 30_000 });
    expect(await row.count()).toBe(1);
    await page.close();
  });
});

describe('a token rotated whose answer was lost', () => {
  // The rotation was made, but its answer never reached the page: the new secret was never shown, and the old one
  // no longer works. The page said "Token not rotated" and kept the list as it was, so the person went on trusting
  // a secret that was cut off.
  it('is said as not confirmed, the list shows the rotation, and rotating again gives a secret that works', async () => {
    const { page, frame } = await openSettings(wb);
    const url = (await frame.getByTestId('webtrigger-url').innerText()).trim();
    await frame.getByLabel("New token's name").fill('nightly sync');
    await frame.getByTestId('create-token').click();
    const shown = frame.getByTestId('new-token');
    await shown.waitFor();
    const first = (await shown.innerText()).trim();
    await frame.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });

    const row = frame.getByRole('row').filter({ has: frame.getByRole('cell', { name: 'nightly sync' }) });
    const rotate = async () => {
      await row.getByRole('button', { name: 'Rotate' }).click();
      await frame
        .getByRole('dialog', { name: 'Rotate the token "nightly sync"?' })
        .getByRole('button', { name: 'Rotate token' })
        .click();
    };
    const lost = await loseNextAnswer(page, SETTINGS_RESOLVERS.rotateToken);
    await rotate();
    const flags = page.locator('#wb-flags');
    await flags.getByText('Not confirmed: the token may have been rotated').waitFor({ timeout: 30_000 });
    expect(await flags.innerText()).toContain('rotate it once more to get one to copy');
    expect(lost.dropped).toBe(1);
    const today = new Date().toISOString().slice(0, 10);
    await row.getByText(`(rotated ${today})`).waitFor();
    expect((await send(url, first)).status).toBe(401);

    await rotate();
    await shown.waitFor({ timeout: 30_000 });
    const second = (await shown.innerText()).trim();
    expect((await send(url, second)).status).toBe(200);
    await frame.getByRole('button', { name: 'Done' }).click();
    await page.close();
  });
});
