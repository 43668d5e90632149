/**
 * The settings page in browser tests: a workbench with an empty project DEMO and the demo roles, and a way to
 * open the page as a user and reach its frame once the form is drawn.
 *
 *   const wb = await startSettingsWorkbench();
 *   const { page, frame } = await openSettings(wb, 'admin', '?locale=de-DE');
 */
import type { Frame, Page } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import { startBrowserWorkbench, type BrowserWorkbench } from './browser';

export const SETTINGS_FRAME = 'iframe[data-wb-module="outcome-lens-settings"]';

/** Builds the settings surface and starts a workbench with an empty project DEMO and the demo roles. */
export async function startSettingsWorkbench(): Promise<BrowserWorkbench> {
  await buildSurface('settings');
  return startBrowserWorkbench({
    seed: (app) => {
      app.jira.store.createProject({ key: 'DEMO', name: 'Demo' });
      app.grantDemoRoles('DEMO');
    },
  });
}

/** Opens DEMO's settings as `user`, with `query` (e.g. '?locale=de-DE') on the address, once the form shows. */
export async function openSettings(
  wb: BrowserWorkbench,
  user = 'admin',
  query = '',
  options: Parameters<BrowserWorkbench['openAs']>[2] = {},
): Promise<{ page: Page; frame: Frame }> {
  const page = await wb.openAs(user, `/projects/DEMO/settings${query}`, options);
  const frame = await wb.panelFrame(page, SETTINGS_FRAME);
  await frame.getByRole('form', { name: 'Outcome Lens settings' }).waitFor({ timeout: 30_000 });
  return { page, frame };
}
