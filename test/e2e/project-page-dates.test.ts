/**
 * The project page's date pickers with text they cannot read ("01.03.2027", "2027-04-31"): the text is kept as
 * the field's value and refused at the field, quoted, before any resolver call, as the issue panel does; nothing
 * is saved without the date or with another one. Measurement day, outcome due date, and a Keep's two dates.
 */
import type { Locator } from 'playwright-core';
import {
  PROJECT_PAGE_RESOLVERS,
  type OutcomeView,
  type ProjectPageLoadData,
} from '../../src/contract/project-page';
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import { eventually, freshName, type BrowserWorkbench } from '../support/browser';
import {
  anIdleZombie,
  asProjectAdmin,
  describedText,
  openProjectPage,
  startDemoAfterScan,
  typeDate,
  fillNewOutcome,
} from '../support/demo-project';
import { DUE_DATE_AHEAD } from '../support/builders';

jest.setTimeout(120_000);

let wb: BrowserWorkbench;

beforeAll(async () => {
  ({ wb } = await startDemoAfterScan(['outcome-map']));
});
afterAll(async () => wb?.close());

const asAdmin = <T>(functionKey: string, payload: unknown) => asProjectAdmin<T>(wb, functionKey, payload);

async function storedOutcome(id: string): Promise<OutcomeView | undefined> {
  const loaded = await asAdmin<ProjectPageLoadData>(PROJECT_PAGE_RESOLVERS.load, {});
  return loaded.ok ? loaded.data.outcomes.find((o) => o.id === id) : undefined;
}

/** Types `text` into a date field as a person does and sees `message` said at the field, in `scope`. */
async function expectRefused(
  scope: Locator,
  field: Locator,
  text: string,
  closeBy: 'Escape' | 'Enter',
  message: string,
): Promise<void> {
  await typeDate(field, text, closeBy);
  await scope.getByText(message).waitFor();
  expect(await describedText(field)).toContain(message);
}

describe('a date the project page cannot read', () => {
  it('is refused at the measurement day, quoted, on leaving it and on Enter, and no measurement is recorded', async () => {
    const name = freshName('Carts survive a reload');
    const created = await asAdmin<OutcomeView>(PROJECT_PAGE_RESOLVERS.createOutcome, {
      draft: {
        name,
        metric: 'carts lost',
        baseline: 40,
        target: 10,
        direction: 'decrease',
        dueDate: DUE_DATE_AHEAD,
      },
    });
    if (!created.ok) throw new Error(created.error.message);
    const { page, frame, calls } = await openProjectPage(wb);
    const lane = frame.getByRole('article', { name, exact: true });
    await lane.getByRole('button', { name: `Measure ${name}` }).click();
    const form = lane.getByRole('form', { name: 'Record a measurement of carts lost' });
    await form.getByLabel('Measured value of carts lost').fill('30');
    const day = form.getByLabel('Measurement date');

    const wrongShape = 'Measurement date must be a date like 2027-03-01. You typed “01.03.2027”.';
    await expectRefused(form, day, '01.03.2027', 'Escape', wrongShape);
    expect(await day.getAttribute('aria-invalid')).toBe('true');
    await form.getByRole('button', { name: 'Record' }).click();

    const notADay = 'Measurement date is not a real calendar date. You typed “2027-04-31”.';
    await expectRefused(form, day, '2027-04-31', 'Enter', notADay);
    await form.getByRole('button', { name: 'Record' }).click();
    await form.getByText(notADay).waitFor();
    expect(calls).not.toContain(PROJECT_PAGE_RESOLVERS.addMeasurement);
    expect((await storedOutcome(created.data.id))?.measurements).toEqual([]);

    // Typed again as a real day, it is taken and recorded with that day.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await typeDate(day, yesterday, 'Enter');
    await form.getByRole('button', { name: 'Record' }).click();
    await form.waitFor({ state: 'detached' });
    expect((await storedOutcome(created.data.id))?.measurements).toEqual([
      { value: 30, at: yesterday, id: expect.stringMatching(/^typed:/) as string },
    ]);
    await page.close();
  });

  it('refuses a measurement day still ahead at its field, and gives the field the keyboard', async () => {
    const name = freshName('Carts measured ahead');
    const created = await asAdmin<OutcomeView>(PROJECT_PAGE_RESOLVERS.createOutcome, {
      draft: {
        name,
        metric: 'carts kept',
        baseline: 40,
        target: 10,
        direction: 'decrease',
        dueDate: DUE_DATE_AHEAD,
      },
    });
    if (!created.ok) throw new Error(created.error.message);
    const { page, frame } = await openProjectPage(wb);
    const lane = frame.getByRole('article', { name, exact: true });
    await lane.getByRole('button', { name: `Measure ${name}` }).click();
    const form = lane.getByRole('form', { name: 'Record a measurement of carts kept' });
    await form.getByLabel('Measured value of carts kept').fill('30');
    await typeDate(form.getByLabel('Measurement date'), '2099-01-01', 'Enter');
    await form.getByRole('button', { name: 'Record' }).click();
    await form.locator('[id$="-error"]').first().waitFor();
    // Record was off while the reading was out, which took the keyboard from it: it is at the day refused.
    await eventually(async () =>
      expect(await frame.evaluate(() => document.activeElement?.id)).toBe(`measure-${created.data.id}-at`),
    );
    expect((await storedOutcome(created.data.id))?.measurements).toEqual([]);
    await page.close();
  });

  it('is refused at an outcome’s due date, quoted, and the outcome is not created', async () => {
    const { page, frame, calls } = await openProjectPage(wb);
    const form = await fillNewOutcome(frame, {
      name: 'Due date written the German way',
      metric: 'orders per day',
      baseline: '10',
      target: '20',
    });
    const due = form.getByLabel('Due date');
    const message = 'Due date must be a date like 2027-03-01. You typed “01.03.2027”.';
    await expectRefused(form, due, '01.03.2027', 'Escape', message);
    await form.getByRole('button', { name: 'Create outcome' }).click();
    await form.getByText(message).waitFor();
    expect(calls).not.toContain(PROJECT_PAGE_RESOLVERS.createOutcome);
    const loaded = await asAdmin<ProjectPageLoadData>(PROJECT_PAGE_RESOLVERS.load, {});
    expect(loaded.ok && loaded.data.outcomes.map((o) => o.name)).not.toContain(
      'Due date written the German way',
    );
    await page.close();
  });

  it('refuses a due date already past at the field as the person leaves it, before any call, and takes one ahead', async () => {
    const { page, frame, calls } = await openProjectPage(wb);
    const name = freshName('Due date a year too early');
    const form = await fillNewOutcome(frame, {
      name,
      metric: 'orders per day',
      baseline: '10',
      target: '20',
    });
    const due = form.getByLabel('Due date');
    // Two days ago is past for the person wherever they are.
    const past = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    await typeDate(due, past, 'Enter');
    const said = form.getByText(
      new RegExp(`^Due date ${past} has already passed: choose a day from \\d{4}-\\d{2}-\\d{2} on\\.$`),
    );
    await form.getByRole('button', { name: 'Create outcome' }).click();
    await said.waitFor();
    expect(await describedText(due)).toContain(`Due date ${past} has already passed`);
    expect(calls).not.toContain(PROJECT_PAGE_RESOLVERS.createOutcome);

    await typeDate(due, DUE_DATE_AHEAD, 'Enter');
    await form.getByRole('button', { name: 'Create outcome' }).click();
    await form.waitFor({ state: 'detached' });
    const loaded = await asAdmin<ProjectPageLoadData>(PROJECT_PAGE_RESOLVERS.load, {});
    expect(loaded.ok && loaded.data.outcomes.find((o) => o.name === name)?.dueDate).toBe(DUE_DATE_AHEAD);
    await page.close();
  });

  it('is refused at a Keep’s snooze and kill dates, quoted, and nothing is decided', async () => {
    const since = '2001-03-01T00:00:00.000Z';
    const key = anIdleZombie(wb, 'Old banner nobody reads', since);
    const flagged = structuredClone(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));
    const { page, frame, calls } = await openProjectPage(wb);
    await frame.getByRole('tab', { name: 'Kill review' }).click();
    const item = frame.getByTestId(`zombie-${key}`);
    await item.getByRole('button', { name: `Keep ${key}` }).click({ timeout: 30_000 });
    const dialog = frame.getByRole('dialog', { name: `Keep ${key}` });
    await dialog.getByLabel('Why (goes into the decision log)').fill('Wanted for the spring launch');

    const snooze = dialog.getByLabel('Snooze until');
    const snoozeMessage = 'Snooze date must be a date like 2027-03-01. You typed “01.03.2027”.';
    await expectRefused(dialog, snooze, '01.03.2027', 'Escape', snoozeMessage);
    // Escape closed the calendar, not the dialog: what was written in it stays.
    expect(await dialog.getByLabel('Why (goes into the decision log)').inputValue()).toBe(
      'Wanted for the spring launch',
    );

    const killDate = dialog.getByLabel('New kill date');
    await expectRefused(
      dialog,
      killDate,
      '2027-04-31',
      'Enter',
      'Kill date is not a real calendar date. You typed “2027-04-31”.',
    );

    await dialog.getByRole('button', { name: 'Confirm keep' }).click();
    // Refused in the dialog: it stays open, its first bad day takes the keyboard, and nothing was sent.
    await dialog.getByText(snoozeMessage).waitFor();
    expect(await snooze.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(calls).not.toContain(PROJECT_PAGE_RESOLVERS.decide);
    expect(wb.app.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY)).toEqual(flagged);
    await page.close();
  });
});
