/**
 * A lens write the scan could not make is kept and written later, merged over the lens stored then
 * (mergeScanFields). Scan writes leave the lens's version as it is, so an entry taken runs after it was judged
 * (past the 1,000 one invocation takes) finds its version unchanged over a verdict a later scan wrote: that
 * verdict stands, and only what the entry's Jira edits did (label, comment, when) is recorded.
 */
import { emptyLens, type IssueLens } from '../../src/domain/issue-lens';
import { DEFAULT_SETTINGS, type Settings } from '../../src/domain/settings';
import { afterAppEdits, judgeIssue, scanFieldsOf, withScanFields } from '../../src/scan/scan-page';
import type { ScanIssue } from '../../src/scan/snapshot';
import { entryVerdictStands, keptEntryOf, mergeScanFields, type PendingLens } from '../../src/scan/writer';

const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T06:00:00.000Z');
const at = (days: number) => new Date(T0 + days * DAY).toISOString();
const settings: Settings = { ...DEFAULT_SETTINGS, flagActions: { label: 'zombie', comment: true } };

function anIssue(lens: IssueLens, updated: string, labels: string[] = []): ScanIssue {
  return {
    id: 10_001,
    key: 'DEMO-1',
    facts: {
      key: 'DEMO-1',
      summary: 'Shoppers abandon carts because shipping costs surprise them',
      description: null,
      statusCategory: 'indeterminate',
    },
    parentKey: null,
    issueType: 'Story',
    created: at(-200),
    updated,
    labels,
    assignee: null,
    reporter: null,
    carryOvers: [],
    lens,
  };
}

const judge = (issue: ScanIssue, day: number) =>
  judgeIssue(issue, { settings, outcomes: new Map(), parentOutcome: () => null, now: new Date(at(day)) });

/** The entry a scan keeps when its label and comment were made and its lens write was not (the writer's). */
function keptEntry(issue: ScanIssue, day: number): PendingLens {
  const plan = judge(issue, day);
  return keptEntryOf(plan, afterAppEdits(plan, { label: true, comment: true, at: at(day) }));
}

/** What a scan writes when it judges the issue on `day` (its lens written whole, the version kept). */
function scanned(issue: ScanIssue, day: number): IssueLens {
  const plan = judge(issue, day);
  return plan.next ? withScanFields(issue.lens, scanFieldsOf(plan.next)) : issue.lens;
}

/** Day 0: a stored lens judged before (not flagged, version 2); idle since day -70. */
const stored: IssueLens = scanned(anIssue({ ...emptyLens(), version: 2 }, at(-70)), -20);

describe('a kept scan entry written after a later scan', () => {
  it('judges the stored lens as we expect: day 0 flags the idle issue', () => {
    const entry = keptEntry(anIssue(stored, at(-70)), 0);
    expect(entry.change).toBe('flag');
    expect(entry.fields.flag).toMatchObject({ labelApplied: true, commented: true });
    expect(mergeScanFields(stored, entry)).toMatchObject({
      version: 2,
      zombie: 'true',
      flag: { commented: true },
    });
  });

  it('does not flag again an issue a later scan cleared: its verdict and next check stand', () => {
    const entry = keptEntry(anIssue(stored, at(-70)), 0);
    // Day 1: someone works on the item; a later scan (which never saw the entry) judges it: not a zombie.
    const cleared = scanned(anIssue(stored, at(1), ['zombie']), 1);
    expect(cleared).toMatchObject({ version: 2, zombie: 'false', flag: null });
    expect(cleared.nextCheckAt).not.toBe(entry.fields.nextCheckAt);

    const merged = mergeScanFields(cleared, entry);

    expect(merged).toMatchObject({
      version: 2,
      zombie: 'false',
      flag: null,
      nextCheckAt: cleared.nextCheckAt,
      score: cleared.score,
      // The entry's own edits (label, comment on day 0) are recorded: the stored lens had no stamp of them.
      lastAppEditAt: entry.fields.lastAppEditAt,
      realActivityBeforeAppEdit: entry.fields.realActivityBeforeAppEdit,
    });
  });

  it('keeps a later scan’s flag and records what the entry’s edits did, without the older stamp', () => {
    const entry = keptEntry(anIssue(stored, at(-70)), 0);
    // Day 3: a later scan flags it anew (a comment of its own already counted), stamped after the entry's edits.
    const later = scanned(anIssue(stored, at(-70)), 3);
    const reflagged: IssueLens = {
      ...later,
      flag: { ...later.flag!, labelApplied: false, commented: false },
      lastAppEditAt: at(3),
      realActivityBeforeAppEdit: at(-70),
    };
    expect(reflagged.flag!.flaggedAt).not.toBe(entry.fields.flag!.flaggedAt);

    const merged = mergeScanFields(reflagged, entry);

    expect(merged).toMatchObject({
      zombie: 'true',
      flag: { flaggedAt: reflagged.flag!.flaggedAt, labelApplied: true, commented: true },
      nextCheckAt: reflagged.nextCheckAt,
      lastAppEditAt: at(3),
    });
  });

  it('keeps a later scan’s verdict over the entry when a person also saved in between', () => {
    const entry = keptEntry(anIssue(stored, at(-70)), 0);
    // A panel save bumps the version (and rescored); then a later scan clears the item.
    const saved: IssueLens = { ...stored, version: 3, score: (stored.score ?? 0) + 10 };
    const cleared = scanned(anIssue(saved, at(1), ['zombie']), 1);

    expect(mergeScanFields(cleared, entry)).toMatchObject({ version: 3, zombie: 'false', flag: null });
  });

  it('still lays its verdict over the lens it was judged from, or over its own write that landed', () => {
    const entry = keptEntry(anIssue(stored, at(-70)), 0);
    const ours = withScanFields(stored, entry.fields);
    expect(mergeScanFields(stored, entry)).toEqual(ours);
    expect(mergeScanFields(ours, entry)).toEqual(ours);
    // The stored lens read back with its keys in another order is the same lens.
    const reordered = Object.fromEntries(Object.entries(stored).reverse()) as IssueLens;
    expect(mergeScanFields(reordered, entry)).toMatchObject({ zombie: 'true', flag: entry.fields.flag });
  });

  it('still takes its verdict over a person’s save alone (the save’s score stands)', () => {
    const entry = keptEntry(anIssue(stored, at(-70)), 0);
    const saved: IssueLens = { ...stored, version: 3, score: (stored.score ?? 0) + 10, scoreModel: 'v-next' };

    expect(mergeScanFields(saved, entry)).toMatchObject({
      version: 3,
      score: saved.score,
      zombie: 'true',
      flag: { flaggedAt: entry.fields.flag!.flaggedAt, labelApplied: true, commented: true },
    });
  });

  it('does not lay its verdict over a save that changed what it was judged from (kill criteria, link, snooze)', () => {
    const entry = keptEntry(anIssue(stored, at(-70)), 0);
    const saves: IssueLens[] = [
      { ...stored, version: 3, killCriteria: { ...stored.killCriteria, maxIdleDays: 3000 } },
      { ...stored, version: 3, outcomeId: 'o-faster-checkout' },
      { ...stored, version: 3, snoozedUntil: at(30) },
    ];
    for (const saved of saves) {
      expect(entryVerdictStands(saved, entry)).toBe(false);
      expect(mergeScanFields(saved, entry)).toMatchObject({ version: 3, zombie: 'false', flag: null });
    }
    // Kept by an older version, with no digest of what it was judged from: as before.
    const { verdictInputs: _unknown, ...olderBase } = entry.base!;
    expect(entryVerdictStands(saves[0]!, { ...entry, base: olderBase })).toBe(true);
  });
});
