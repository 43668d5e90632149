/**
 * Measurement tokens in the browser: an admin makes a token in settings, sees it once in a modal, a client
 * posts a measurement with it to the web trigger's URL (as curl would), the admin revokes it and the same
 * request is refused. The section is axe-clean with the modal open.
 */
import type { Frame } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import { startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';

jest.setTimeout(120_000);

const SETTINGS_FRAME = 'iframe[data-wb-module="outcome-lens-settings"]';
let wb: BrowserWorkbench;

beforeAll(async () => {
  await buildSurface('settings');
  wb = await startBrowserWorkbench({
    seed: (app) => {
      app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
      app.grantDemoRoles('DEMO');
    },
  });
});
afterAll(async () => wb?.close());

async function openSettings(user = 'admin'): Promise<Frame> {
  const page = await wb.openAs(user, '/projects/DEMO/settings');
  const frame = await wb.panelFrame(page, SETTINGS_FRAME);
  await frame.getByRole('form', { name: 'Outcome Lens settings' }).waitFor({ timeout: 30_000 });
  return frame;
}

function send(url: string, token: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: 'metric,value,at,id\nWeekly active carts,120,2026-01-05,e2e-1\n',
  });
}

describe('measurement tokens in settings', () => {
  it('are made and shown once, let measurements in, and stop them when revoked', async () => {
    const frame = await openSettings();
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
    await frame.getByText(/^Revoked /).waitFor();
    const refused = await send(url, token);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).toMatch(/revoked/);
  });
});
