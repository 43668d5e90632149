/**
 * The settings page's form laid over newer settings after a stale save: the person's changes stay as typed, the
 * other person's changes elsewhere come in, and where both changed a setting theirs is named.
 */
import { DEFAULT_SETTINGS, type Settings } from '../../src/domain/settings';
import { newRow, recordOf } from '../../static/settings/src/per-type-rows';
import { formOf, rebase } from '../../static/settings/src/settings-form';
import { readNumbers } from '../../static/settings/src/typed-numbers';

const settings = (change: (s: Settings) => void = () => undefined): Settings => {
  const s = structuredClone(DEFAULT_SETTINGS) as Settings;
  change(s);
  return s;
};

describe('rebase', () => {
  it('keeps the person’s changes, takes the others’, and names what both changed', () => {
    const base = formOf(settings(), '.');
    const mine = structuredClone(base);
    mine.numbers['zombie.defaults.maxIdleDays'] = '30';
    mine.numbers.inheritedLinkShare = '0.';
    mine.exemptions.labels = 'keep-alive, later,';
    const latest = formOf(
      settings((s) => {
        s.zombie.defaults.maxIdleDays = 45;
        s.dryRun = true;
        s.exemptions.labels = ['keep-alive'];
      }),
      '.',
    );
    const r = rebase(base, mine, latest, '.');
    expect(r.form.numbers['zombie.defaults.maxIdleDays']).toBe('30');
    // Kept exactly as typed, half-typed too.
    expect(r.form.numbers.inheritedLinkShare).toBe('0.');
    expect(r.form.exemptions.labels).toBe('keep-alive, later,');
    expect(r.form.settings.dryRun).toBe(true);
    expect(r.kept).toEqual(['Epic link counts', 'Max idle days', 'Exempt labels']);
    expect(r.replaced).toEqual([{ label: 'Max idle days', theirs: '45', mine: '30' }]);
    expect(r.taken).toEqual(['Dry run']);
  });

  it('reads numbers and lists as what they say: "60,0" in de-DE and "keep-alive ," are no change', () => {
    const base = formOf(settings(), ',');
    const mine = structuredClone(base);
    mine.numbers['zombie.defaults.maxIdleDays'] = '60,0';
    mine.exemptions.labels = 'keep-alive ,';
    const latest = formOf(
      settings((s) => (s.entryGate.threshold = 55)),
      ',',
    );
    const r = rebase(base, mine, latest, ',');
    expect(r.kept).toEqual([]);
    expect(r.taken).toEqual(['Minimum score']);
    expect(readNumbers(r.form.settings, r.form.numbers, ',').settings.entryGate.threshold).toBe(55);
  });

  it('does not call a change both made alike a replacement, and carries the per-type table whole', () => {
    const base = formOf(settings(), '.');
    const mine = structuredClone(base);
    mine.settings.dryRun = true;
    mine.perType = [
      {
        id: 'row-x',
        type: 'Bug',
        values: { maxIdleDays: '20', maxSprintsCarried: '', unlinkedMaxAgeDays: '' },
      },
    ];
    const latest = formOf(
      settings((s) => {
        s.dryRun = true;
        s.zombie.perIssueType = { Story: { maxSprintsCarried: 4 } };
      }),
      '.',
    );
    const r = rebase(base, mine, latest, '.');
    expect(r.replaced).toEqual([
      { label: 'Thresholds per issue type', theirs: 'Story –/4/–', mine: 'Bug 20/–/–' },
    ]);
    expect(r.form.perType.map((row) => row.type)).toEqual(['Bug']);
    expect(r.kept).toEqual(['Thresholds per issue type', 'Dry run']);
    expect(r.taken).toEqual([]);
  });
});

describe('the per-issue-type thresholds', () => {
  const rowWith = (text: string) => {
    const row = newRow('Bug');
    row.values.maxIdleDays = text;
    return [row];
  };

  it('reads each cell with the person’s decimal mark, as the number fields above it are read', () => {
    expect(recordOf(rowWith('1.000'), ',').record).toEqual({ Bug: { maxIdleDays: 1000 } });
    expect(recordOf(rowWith('1,000'), '.').record).toEqual({ Bug: { maxIdleDays: 1000 } });
    expect(recordOf(rowWith(' 45 '), ',').record).toEqual({ Bug: { maxIdleDays: 45 } });
  });

  it('keeps a row for an issue type named __proto__ in the record it saves', () => {
    const rows = [newRow('__proto__'), newRow('Bug')];
    rows[0]!.values.maxIdleDays = '12';
    const { record, errors } = recordOf(rows, '.');
    expect(errors).toEqual({});
    expect(Object.keys(record)).toEqual(['__proto__', 'Bug']);
    expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toEqual({ maxIdleDays: 12 });
    expect(JSON.parse(JSON.stringify(record))).toEqual(record);
  });

  it('leaves what is no number as NaN, for the settings schema to name at the cell', () => {
    for (const typed of ['0x1E', '1e999', 'thirty', '1,2,3'])
      expect(recordOf(rowWith(typed), '.').record.Bug!.maxIdleDays).toBeNaN();
  });
});
