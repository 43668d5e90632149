/**
 * The project page's date pickers with text they cannot read ("01.03.2027", "2027-04-31"): the text is kept as
 * the field's value and refused at the field, quoted, before any resolver call, as the issue panel does; nothing
 * is saved without the date or with another one. Measurement day, outcome due date, and a Keep's two dates.
 */
import type { Frame, Locator, Page } from 'playwright-core';
import { buildSurface } from '../../scripts/build-static';
import {
  PROJECT_PAGE_RESOLVERS,
  type OutcomeView,
  type ProjectPageLoadData,
} from '../../src/contract/project-page';
import type { Answer } from '../../src/contract/answer';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { seedDemo } from '../../workbench/seed/demo';
import { startBrowserWorkbench, type BrowserWorkbench } from '../support/browser';

jest.setTimeout(120_000);

const PAGE_FRAME = 'iframe[data-wb-module="outcome-lens-project-page"]';

let wb: BrowserWorkbench;

beforeAll(async () => {
  await buildSurface('outcome-map');
  wb = await startBrowserWorkbench({ seed: (app) => seedDemo(app, new Date()) });
  await wb.app.runScheduledTrigger();
});
afterAll(async () => wb?.close());

function asAdmin<T>(functionKey: string, payload: unknown): Promise<Answer<T>> {
  return wb.app.invoke('outcome-lens-project-page', functionKey, payload, {
    user: 'admin',
    projectKey: 'DEMO',
  }) as Promise<Answer<T>>;
}

async function storedOutcome(id: string): Promise<OutcomeView | undefined> {
  const loaded = await asAdmin<ProjectPageLoadData>(PROJECT_PAGE_RESOLVERS.load, {});
  return loaded.ok ? loaded.data.outcomes.find((o) => o.id === id) : undefined;
}

/** Opens the project page as the administrator and notes every resolver the page calls, by name. */
async function openProjectPage(): Promise<{ page: Page; frame: Frame; calls: string[] }> {
  const page = await wb.openAs('admin', '/projects/DEMO/outcomes');
  const calls: string[] = [];
  page.on('request', (r) => {
    if (!r.url().endsWith('/__bridge/invoke')) return;
    calls.push((JSON.parse(r.postData() ?? '{}') as { functionKey?: string }).functionKey ?? '');
  });
  const frame = await wb.panelFrame(page, PAGE_FRAME);
  await frame.getByRole('tab', { name: 'Outcome map' }).waitFor({ timeout: 30_000 });
  return { page, frame, calls };
}

/**
 * Types into a date picker key by key, as a person does, closes its calendar with `closeBy` and leaves the
 * field with Tab (with the calendar open, Tab would move into it).
 */
async function typeInto(field: Locator, text: string, closeBy: 'Escape' | 'Enter'): Promise<void> {
  await field.focus();
  await field.pressSequentially(text);
  await field.press(closeBy);
  await field.press('Tab');
}

/** The text of what a field's aria-describedby points at: its error, said with the field. */
const describedText = (field: Locator) =>
  field.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => (id ? (document.getElementById(id)?.textContent ?? '') : ''))
      .join(' '),
  );

describe('a date the project page cannot read', () => {
  it('is refused at the measurement day, quoted, on leaving it and on Enter, and no measurement is recorded', async () => {
    const name = 'Carts survive a reload';
    const created = await asAdmin<OutcomeView>(PROJECT_PAGE_RESOLVERS.createOutcome, {
      draft: {
        name,
        metric: 'carts lost',
        baseline: 40,
        target: 10,
        direction: 'decrease',
        dueDate: '2027-06-30',
      },
    });
    if (!created.ok) throw new Error(created.error.message);
    const { page, frame, calls } = await openProjectPage();
    const lane = frame.getByRole('article', { name, exact: true });
    await lane.getByRole('button', { name: `Measure ${name}` }).click();
    const form = lane.getByRole('form', { name: 'Record a measurement of carts lost' });
    await form.getByLabel('Value of carts lost').fill('30');
    const day = form.getByLabel('Measured on');

    await typeInto(day, '01.03.2027', 'Escape');
    const wrongShape = 'Measurement date must be a date like 2027-03-01. You typed “01.03.2027”.';
    await form.getByText(wrongShape).waitFor();
    expect(await describedText(day)).toContain(wrongShape);
    expect(await day.getAttribute('aria-invalid')).toBe('true');
    await form.getByRole('button', { name: 'Record' }).click();

    await typeInto(day, '2027-04-31', 'Enter');
    const notADay = 'Measurement date is not a real calendar date. You typed “2027-04-31”.';
    await form.getByText(notADay).waitFor();
    expect(await describedText(day)).toContain(notADay);
    await form.getByRole('button', { name: 'Record' }).click();
    await form.getByText(notADay).waitFor();
    expect(calls).not.toContain(PROJECT_PAGE_RESOLVERS.addMeasurement);
    expect((await storedOutcome(created.data.id))?.measurements).toEqual([]);

    // Typed again as a real day, it is taken and recorded with that day.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await typeInto(day, yesterday, 'Enter');
    await form.getByRole('button', { name: 'Record' }).click();
    await form.waitFor({ state: 'detached' });
    expect((await storedOutcome(created.data.id))?.measurements).toEqual([{ value: 30, at: yesterday }]);
    await page.close();
  });

  it('is refused at an outcome’s due date, quoted, and the outcome is not created', async () => {
    const { page, frame, calls } = await openProjectPage();
    await frame.getByRole('button', { name: 'New outcome' }).click();
    const form = frame.getByRole('form', { name: 'New outcome' });
    await form.getByLabel('Name').fill('Due date written the German way');
    await form.getByLabel('Metric').fill('orders per day');
    await form.getByLabel('Baseline').fill('10');
    await form.getByLabel('Target').fill('20');
    const due = form.getByLabel('Due date');
    await typeInto(due, '01.03.2027', 'Escape');
    const message = 'Due date must be a date like 2027-03-01. You typed “01.03.2027”.';
    await form.getByText(message).waitFor();
    expect(await describedText(due)).toContain(message);
    await form.getByRole('button', { name: 'Create outcome' }).click();
    await form.getByText(message).waitFor();
    expect(calls).not.toContain(PROJECT_PAGE_RESOLVERS.createOutcome);
    const loaded = await asAdmin<ProjectPageLoadData>(PROJECT_PAGE_RESOLVERS.load, {});
    expect(loaded.ok && loaded.data.outcomes.map((o) => o.name)).not.toContain(
      'Due date written the German way',
    );
    await page.close();
  });

  it('is refused at a Keep’s snooze and kill dates, quoted, and nothing is decided', async () => {
    const since = '2001-03-01T00:00:00.000Z';
    const key = wb.app.jira.store.createIssue({
      projectKey: 'DEMO',
      summary: 'Old banner nobody reads',
      type: 'Story',
      created: since,
      updated: since,
    }).key;
    const flagged = {
      zombie: 'true',
      flag: {
        flaggedAt: '2026-01-01T00:00:00.000Z',
        rules: [{ rule: 'idle', since, detail: 'No activity for years.', clearBy: 'Act on it.' }],
        labelApplied: false,
        commented: false,
      },
    };
    wb.app.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, flagged);
    const { page, frame, calls } = await openProjectPage();
    await frame.getByRole('tab', { name: 'Kill review' }).click();
    const item = frame.getByTestId(`zombie-${key}`);
    await item.getByRole('button', { name: `Keep ${key}` }).click({ timeout: 30_000 });
    const dialog = frame.getByRole('dialog', { name: `Keep ${key}` });
    await dialog.getByLabel('Why (goes into the decision log)').fill('Wanted for the spring launch');

    const snooze = dialog.getByLabel('Snooze until');
    // Escape closes the calendar, not the dialog: what was written in it stays.
    await typeInto(snooze, '01.03.2027', 'Escape');
    expect(await dialog.getByLabel('Why (goes into the decision log)').inputValue()).toBe(
      'Wanted for the spring launch',
    );
    const snoozeMessage = 'Snooze date must be a date like 2027-03-01. You typed “01.03.2027”.';
    await dialog.getByText(snoozeMessage).waitFor();
    expect(await describedText(snooze)).toContain(snoozeMessage);

    const killDate = dialog.getByLabel('New kill date');
    await typeInto(killDate, '2027-04-31', 'Enter');
    const killMessage = 'Kill date is not a real calendar date. You typed “2027-04-31”.';
    await dialog.getByText(killMessage).waitFor();
    expect(await describedText(killDate)).toContain(killMessage);

    await dialog.getByRole('button', { name: 'Confirm keep' }).click();
    // Refused in the dialog: it stays open, its first bad day takes the keyboard, and nothing was sent.
    await dialog.getByText(snoozeMessage).waitFor();
    expect(await snooze.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(calls).not.toContain(PROJECT_PAGE_RESOLVERS.decide);
    expect(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toEqual(flagged);
    await page.close();
  });
});
