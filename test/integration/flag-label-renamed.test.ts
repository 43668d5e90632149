/**
 * The flag label renamed or cleared on the settings page. The flag records the label the app put on, by its name
 * then: when the flag clears, or a Keep or Kill decides the item, the label the app put there is taken off, not
 * one the settings name now. Before, the old label stayed for good on every item flagged before the rename.
 */
import type { Answer } from '../../src/contract/answer';
import type { SettingsData } from '../../src/contract/settings';
import { ISSUE_PROPERTY_KEY, readLens } from '../../src/domain/issue-lens';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';

const P = 'LBL';
const DAY = 86_400_000;
let app: WorkbenchApp;
let offsetMs = 0;
const now = () => Date.now() + offsetMs;
const ago = (days: number) => new Date(now() - days * DAY).toISOString();

beforeEach(() => {
  offsetMs = 0;
  app = createWorkbenchApp({ dataFile: ':memory:', now: () => new Date(now()) });
  app.jira.store.createProject({ key: P, name: 'Labels' });
  app.grantDemoRoles(P);
});
afterEach(() => app.close());

async function setLabel(label: string | null) {
  const loaded = (await app.invoke(
    'outcome-lens-settings',
    'load',
    {},
    { user: 'admin', projectKey: P },
  )) as Answer<SettingsData>;
  if (!loaded.ok) throw new Error(loaded.error.message);
  const saved = (await app.invoke(
    'outcome-lens-settings',
    'save',
    {
      version: loaded.data.version,
      settings: { ...loaded.data.settings, flagActions: { label, comment: false } },
    },
    { user: 'admin', projectKey: P },
  )) as Answer<SettingsData>;
  if (!saved.ok) throw new Error(saved.error.message);
}
const labelsOf = (key: string) => app.jira.store.getIssue(key)!.labels;
const lensOf = (key: string) => readLens(app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));
async function nextDaysScan() {
  offsetMs += DAY;
  await app.runScheduledTrigger();
}
async function flaggedWith(label: string): Promise<string> {
  await setLabel(label);
  const key = app.jira.store.createIssue({
    projectKey: P,
    type: 'Story',
    summary: 'Idle story',
    created: ago(80),
    updated: ago(70),
  }).key;
  await app.runScheduledTrigger();
  expect(labelsOf(key)).toEqual([label]);
  expect(lensOf(key).flag).toMatchObject({ labelApplied: true, labelName: label });
  return key;
}

/** A person comments: the flag's idle rule no longer holds, and the next full rescan clears it. */
async function activityThenRescan(key: string, label: string | null) {
  const res = await app.jira.handle({
    method: 'POST',
    path: `/rest/api/3/issue/${key}/comment`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      body: {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: [{ type: 'text', text: 'On it' }] }],
      },
    }),
    actor: { type: 'user', accountId: app.accountIdOf('member') },
  });
  expect(res.status).toBeLessThan(300);
  app.jira.index.catchUp();
  // Saved settings make the next scan a full rescan, which reads every open item.
  await setLabel(label);
  await nextDaysScan();
}

it('takes the label it put on off when the flag clears, after the settings renamed the label', async () => {
  const key = await flaggedWith('zombie');
  await setLabel('stale');
  await activityThenRescan(key, 'stale');
  expect(lensOf(key).zombie).toBe('false');
  expect(labelsOf(key)).toEqual([]);
});

it('takes the label it put on off when the flag clears, after the settings stopped labelling', async () => {
  const key = await flaggedWith('zombie');
  await setLabel(null);
  await activityThenRescan(key, null);
  expect(lensOf(key).zombie).toBe('false');
  expect(labelsOf(key)).toEqual([]);
});

it('takes the label the app put on off with a Keep, after the settings renamed it', async () => {
  const key = await flaggedWith('zombie');
  await setLabel('stale');
  const kept = (await app.invoke(
    'outcome-lens-project-page',
    'decide',
    {
      issueKey: key,
      idempotencyKey: 'keep-renamed-label',
      decision: {
        kind: 'keep',
        reason: 'Peak season first',
        snoozeUntil: new Date(now() + 30 * DAY).toISOString().slice(0, 10),
      },
    },
    { user: 'admin', projectKey: P },
  )) as Answer<unknown>;
  expect(kept.ok).toBe(true);
  expect(labelsOf(key)).toEqual([]);
});
