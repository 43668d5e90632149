/**
 * The daily scan reads only what changed (JQL on `updated`, with an overlap), what time alone changes today
 * (`nextCheckAt`, indexed) and lenses people saved (`lensUpdatedAt`), with a full rescan every week. Proof that
 * this equals rereading everything: two projects hold the same backlog and live through the same days of
 * changes; one scans incrementally, the other in full every day, and their verdicts, flags and labels agree
 * after every day.
 */
import { indexedMoment } from '../../src/domain/dates';
import { ISSUE_PROPERTY_KEY, readLens, type IssueLens } from '../../src/domain/issue-lens';
import type { ScanRunSummary } from '../../src/contract/scan';
import { createScanConsumer } from '../../src/scan/consumer';
import { JUDGEMENT_VERSION, type ScanWatermark } from '../../src/scan/run';
import { SCAN_QUEUE } from '../../src/scan/queue';
import { startScans } from '../../src/scan/trigger';
import { keys } from '../../src/storage/keys';
import { kvs } from '../../src/storage/kvs-client';
import { createOutcome } from '../../src/storage/outcomes';
import { listRunSummaries } from '../../src/storage/scan-state';
import { saveSettings } from '../../src/storage/settings';
import {
  createWorkbench,
  OTHER_PROJECT_KEY,
  PROJECT_KEY,
  USERS,
  type Workbench,
} from '../support/workbench-harness';
import type { IssueInput } from '../../workbench/jira/types';

const DAY = 86_400_000;
const INCREMENTAL = PROJECT_KEY;
const FULL = OTHER_PROJECT_KEY;
const START = Date.parse('2026-06-01T06:00:00.000Z');

let wb: Workbench;
afterEach(() => wb.dispose());

const now = () => wb.clock.now!.getTime();
const ago = (days: number) => new Date(now() - days * DAY).toISOString();

async function scan(projectKey: string): Promise<ScanRunSummary> {
  await wb.asSystem(() => startScans([projectKey], 'schedule'));
  await wb.queue.runDue({ until: 'idle', advanceClock: true });
  const [latest] = await wb.asSystem(() => listRunSummaries(projectKey, 1));
  return latest as unknown as ScanRunSummary;
}

/** What the scan decides for an issue, without the idle rank (measured only by full rescans). */
function verdictOf(key: string) {
  const lens: IssueLens = readLens(wb.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));
  const issue = wb.jira.store.getIssue(key)!;
  return {
    zombie: lens.zombie,
    score: lens.score,
    recipe: lens.recipe,
    killDate: lens.killDate,
    nextCheckAt: lens.nextCheckAt,
    snoozedUntil: lens.snoozedUntil,
    flag: lens.flag && {
      rules: lens.flag.rules.map((r) => [r.rule, r.since]),
      flaggedAt: lens.flag.flaggedAt,
      labelApplied: lens.flag.labelApplied,
    },
    labels: [...issue.labels].sort(),
  };
}

describe('the incremental daily scan', () => {
  it('decides on every issue what a full rescan decides, over nine days of changes, reading a fraction', async () => {
    wb = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off' });
    wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer({ clock: now }));
    for (const p of [INCREMENTAL, FULL])
      await wb.asSystem(() =>
        saveSettings(
          p,
          {
            flagActions: { label: 'zombie', comment: false },
            // The control project reads everything every day.
            ...(p === FULL ? { scan: { fullRescanEveryDays: 1 } } : {}),
          },
          0,
        ),
      );
    const pairs: Array<[string, string]> = [];
    const both = (input: Omit<IssueInput, 'projectKey'>) => {
      const [a, b] = [INCREMENTAL, FULL].map(
        (projectKey) => wb.jira.store.createIssue({ ...input, projectKey }).key,
      );
      pairs.push([a!, b!]);
    };
    // Idle from 30 to 69 days: a few cross the 60-day limit each day.
    for (let i = 0; i < 40; i++)
      both({
        type: i % 9 === 0 ? 'Bug' : 'Story',
        summary: i % 4 ? 'Shoppers abandon carts when shipping costs surprise them' : 'Make the button blue',
        created: ago(120),
        updated: ago(30 + i),
        reporter: USERS.member,
      });

    const modes: string[] = [];
    const everFlagged = new Set<string>();
    const read: Array<[number, number]> = [];
    for (let day = 0; day < 9; day++) {
      if (day > 0) {
        wb.clock.now = new Date(START + day * DAY);
        const stamp = new Date(now()).toISOString();
        for (const [i, pair] of pairs.entries())
          for (const key of pair) {
            const issue = wb.jira.store.getIssue(key)!;
            // Someone comments on every seventh item (a flagged one clears, its label goes).
            if (i % 7 === day % 7) wb.jira.store.touch(issue.id, stamp);
            // An exemption label on one item a day.
            if (i === day * 3)
              wb.jira.store.updateIssueFields(issue.id, {
                labels: [...issue.labels, 'keep-alive'],
                updated: stamp,
              });
            // A kill date set in the panel (a lens save: no change to Jira's `updated`) on one item a day.
            if (i === day * 4 + 1) {
              const lens = readLens(wb.jira.store.getIssueProperty(key, ISSUE_PROPERTY_KEY));
              wb.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, {
                ...lens,
                version: lens.version + 1,
                killCriteria: { deadline: new Date(now() + 2 * DAY).toISOString().slice(0, 10) },
                // As the panel stamps it: to the second, a shape Jira's index takes.
                updatedAt: indexedMoment(new Date(now())),
              });
            }
          }
        // New work arrives (Jira stamps it created and updated now).
        both({
          type: 'Story',
          summary: `Arrived on day ${day}`,
          created: stamp,
          updated: stamp,
          reporter: null,
        });
      }
      const inc = await scan(INCREMENTAL);
      const full = await scan(FULL);
      modes.push(inc.mode ?? 'full');
      read.push([inc.counters.issues, full.counters.issues]);
      expect(full.mode).toBe('full');
      for (const [a] of pairs) if (verdictOf(a).zombie === 'true') everFlagged.add(a);
      for (const [a, b] of pairs)
        expect({ day, key: a, ...verdictOf(a) }).toEqual({ day, key: a, ...verdictOf(b) });
    }
    const flagged = pairs.filter(([a]) => verdictOf(a).zombie === 'true').length;
    console.info(
      `incremental vs full: modes=${modes.join(',')} read=${JSON.stringify(read)} flagged=${flagged}`,
    );
    // The first run measures, the second ranks against it; then incremental until the weekly rescan, seven
    // days after the last full one.
    expect(modes).toEqual([
      'full',
      'full',
      'incremental',
      'incremental',
      'incremental',
      'incremental',
      'incremental',
      'incremental',
      'full',
    ]);
    expect(flagged).toBeGreaterThan(0);
    expect(everFlagged.size).toBeGreaterThan(5);
    const incrementalDays = read.filter((_, day) => modes[day] === 'incremental');
    for (const [inc, full] of incrementalDays) expect(inc).toBeLessThan(full / 2);
  });

  // Stories without a link of their own were flagged "old and serves no outcome". A person then linked their epic
  // in the panel: a lens save on the epic, nothing on the stories. The daily run read neither the stories (not
  // updated) nor their epic's link, and kept them flagged until the weekly rescan. It reads the open children of
  // items whose lens was saved.
  it('reads the children of an item whose lens was saved, which take its link', async () => {
    wb = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off' });
    wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer({ clock: now }));
    const outcome = await wb.asSystem(() =>
      createOutcome(
        INCREMENTAL,
        {
          name: 'Fewer abandoned carts',
          metric: 'abandonment',
          baseline: 70,
          target: 60,
          direction: 'decrease',
          dueDate: '2030-01-01',
        },
        null,
        new Date(now()),
      ),
    );
    const recent = { created: ago(200), updated: ago(10), reporter: USERS.member };
    const epic = wb.jira.store.createIssue({
      ...recent,
      projectKey: INCREMENTAL,
      type: 'Epic',
      summary: 'Checkout',
    });
    const stories = [1, 2, 3].map(
      (i) =>
        wb.jira.store.createIssue({
          ...recent,
          projectKey: INCREMENTAL,
          type: 'Story',
          summary: `Shoppers see shipping costs earlier (${i})`,
          parentKey: epic.key,
        }).key,
    );
    // Linked items enough for the unlinked rule to apply (20% of the open items).
    for (let i = 0; i < 3; i++) {
      const key = wb.jira.store.createIssue({
        ...recent,
        projectKey: INCREMENTAL,
        type: 'Story',
        summary: `Shoppers trust the total (${i})`,
      }).key;
      wb.jira.store.setIssueProperty(key, ISSUE_PROPERTY_KEY, {
        ...readLens(undefined),
        outcomeId: outcome.id,
      });
    }
    // The first run measures the backlog, the second judges by it.
    await scan(INCREMENTAL);
    await scan(INCREMENTAL);
    for (const key of stories) expect(verdictOf(key).zombie).toBe('true');

    wb.clock.now = new Date(START + DAY);
    const lens = readLens(wb.jira.store.getIssueProperty(epic.key, ISSUE_PROPERTY_KEY));
    wb.jira.store.setIssueProperty(epic.key, ISSUE_PROPERTY_KEY, {
      ...lens,
      version: lens.version + 1,
      outcomeId: outcome.id,
      updatedAt: indexedMoment(new Date(now())),
    });
    const run = await scan(INCREMENTAL);
    expect(run.mode).toBe('incremental');
    expect(run.notes).toContain(
      'Also read the open children of 1 item whose lens was saved since the last run.',
    );
    for (const key of stories) expect(verdictOf(key).zombie).toBe('false');
    // Read: the epic and its three stories, not the linked items nobody touched.
    expect(run.counters.issues).toBe(4);
  });

  it('reads everything again once a new version of the app judges differently (score or recipe model)', async () => {
    wb = createWorkbench({ now: new Date(START), latency: 'off', rateLimits: 'off' });
    wb.queue.registerConsumer(SCAN_QUEUE, createScanConsumer({ clock: now }));
    const recent = { created: ago(20), updated: ago(10), reporter: USERS.member };
    const recipe = wb.jira.store.createIssue({
      ...recent,
      projectKey: INCREMENTAL,
      type: 'Story',
      summary: 'Make the checkout button blue, top right',
    }).key;
    await scan(INCREMENTAL);
    await scan(INCREMENTAL);
    expect(verdictOf(recipe).recipe).toBe('true');
    // The flag as an earlier model would have left it, on an issue nobody has touched since.
    const mislabel = () => {
      const lens = readLens(wb.jira.store.getIssueProperty(recipe, ISSUE_PROPERTY_KEY));
      wb.jira.store.setIssueProperty(recipe, ISSUE_PROPERTY_KEY, { ...lens, recipe: 'false' });
    };
    const watermark = () => wb.asSystem(() => kvs.get<ScanWatermark>(keys.scanWatermark(INCREMENTAL)));
    expect((await watermark())?.judgementVersion).toBe(JUDGEMENT_VERSION);

    // The same version: the daily run reads what changed, and leaves the item as it is.
    mislabel();
    wb.clock.now = new Date(START + DAY);
    const same = await scan(INCREMENTAL);
    expect(same.mode).toBe('incremental');
    expect(verdictOf(recipe).recipe).toBe('false');

    // Left by a version that judged with another model (or kept no version): the next daily run is a full one.
    for (const left of ['ols-6/0', undefined]) {
      const stored = (await watermark())!;
      await wb.asSystem(() =>
        kvs.set(keys.scanWatermark(INCREMENTAL), { ...stored, judgementVersion: left }),
      );
      mislabel();
      wb.clock.now = new Date(now() + DAY);
      const after = await scan(INCREMENTAL);
      expect(after.mode).toBe('full');
      expect(verdictOf(recipe).recipe).toBe('true');
      expect((await watermark())?.judgementVersion).toBe(JUDGEMENT_VERSION);
    }
  });
});
