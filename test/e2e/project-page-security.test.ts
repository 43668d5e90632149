/**
 * The project page in a real browser for someone a security level keeps an issue from: the scan counted it as
 * the app, so the map and backlog health count what this person can see, now, and say so; a member of the level
 * reads the scan's figures.
 */
import { buildSurface } from '../../scripts/build-static';
import { startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';

jest.setTimeout(120_000);

const P = 'SEC';
const PAGE_FRAME = 'iframe[data-wb-module="outcome-lens-project-page"]';
const DAY = 86_400_000;
let wb: BrowserWorkbench;

beforeAll(async () => {
  await buildSurface('outcome-map');
  wb = await startBrowserWorkbench({
    seed: async (app) => {
      app.jira.store.createProject({ key: P, name: 'Secured' });
      app.grantDemoRoles(P);
      const level = app.jira.store.createSecurityLevel({
        name: 'Leads only',
        accountIds: [app.accountIdOf('admin')],
        projectRoles: ['atlassian-addons-project-access'],
      }).name;
      const idle = (summary: string, securityLevel?: string) =>
        app.jira.store.createIssue({
          projectKey: P,
          type: 'Story',
          summary,
          created: new Date(Date.now() - 80 * DAY).toISOString(),
          updated: new Date(Date.now() - 70 * DAY).toISOString(),
          ...(securityLevel ? { securityLevel } : {}),
        });
      idle('Shoppers lose their cart when they leave');
      idle('Add a blue Save for later button top right');
      idle('Close the Leipzig office quietly', level);
      const started = (await app.invoke(
        'outcome-lens-project-page',
        'scanNow',
        {},
        { user: 'admin', projectKey: P },
      )) as { ok: boolean };
      if (!started.ok) throw new Error('the scan did not start');
      app.registerConsumers();
      await app.queue.runDue({ until: 'idle', advanceClock: true });
      app.jira.index.catchUp();
    },
  });
});
afterAll(async () => wb?.close());

async function figuresAs(user: string): Promise<{ map: string; health: string }> {
  const page = await wb.openAs(user, `/projects/${P}/outcomes`);
  const frame = await wb.panelFrame(page, PAGE_FRAME);
  const total = frame.getByTestId('map-total');
  await total.waitFor({ timeout: 30_000 });
  const map = await total.innerText();
  await frame.getByRole('tab', { name: 'Backlog health' }).click();
  const asOf = frame.getByTestId('health-as-of');
  await asOf.waitFor({ timeout: 30_000 });
  const health = await asOf.innerText();
  await page.close();
  return { map, health };
}

it('counts the map and backlog health from what the person can see, and says so; a member of the level reads the scan', async () => {
  const member = await figuresAs('member');
  expect(member.map).toMatch(/^2 open items, .* counted now from the issues you can see\.$/);
  expect(member.health).toMatch(/^These figures were counted now, from the issues you can see\./);
  expect(member.health).not.toMatch(/No scan/);
  expect(`${member.map} ${member.health}`).not.toMatch(/Leipzig/);

  const admin = await figuresAs('admin');
  expect(admin.map).toMatch(/^3 open items, .* as of the scan at /);
  expect(admin.health).toMatch(/^Figures as of the scan at /);
});
