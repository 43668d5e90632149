/**
 * The settings page judges the scan's pacing settings as they are typed with `scanPacingProblem`, without zod;
 * the save checks them with the settings schema built from the same rules. Both must say the same thing.
 */
import { SCAN_PACING_RULES, scanPacingProblem, type ScanPacingKey } from '../../src/domain/scan-pacing';
import { settingsSchema } from '../../src/domain/settings';
import { spreadRetryAfterSeconds } from '../../src/scan/pacing';

const VALUES: unknown[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -1,
  0,
  0.04,
  0.05,
  0.5,
  1,
  1.5,
  2,
  7,
  7.5,
  31,
  31.5,
  32,
  40.5,
  '7',
  null,
  undefined,
];

describe('scan pacing rules', () => {
  it.each(Object.keys(SCAN_PACING_RULES) as ScanPacingKey[])(
    'give %s the message the settings schema gives, for every kind of value',
    (key) => {
      const schema = settingsSchema.shape.scan.shape[key];
      for (const value of VALUES) {
        const parsed = schema.safeParse(value);
        const fromSchema = parsed.success ? undefined : parsed.error.issues[0]?.message;
        expect({ value, message: scanPacingProblem(key, value) }).toEqual({ value, message: fromSchema });
      }
    },
  );

  it('refuses what is out of range or not whole, and accepts the defaults', () => {
    expect(scanPacingProblem('quotaShare', 0.5)).toBeUndefined();
    expect(scanPacingProblem('quotaShare', 0.01)).toBe(
      'Share of the hourly Jira quota must be between 0.05 and 1.',
    );
    expect(scanPacingProblem('fullRescanEveryDays', 7)).toBeUndefined();
    expect(scanPacingProblem('fullRescanEveryDays', 7.5)).toBe(
      'Full rescan cadence must be a whole number of days.',
    );
    expect(scanPacingProblem('fullRescanEveryDays', 40)).toBe(
      'Full rescan cadence must be between 1 and 31 days.',
    );
  });
});

describe('a Retry-After spread out', () => {
  it('waits at least what Jira asked, rounded up to whole seconds, and at most a tenth (30 s) more', () => {
    expect(spreadRetryAfterSeconds(120_000, 0)).toBe(120);
    expect(spreadRetryAfterSeconds(120_000, 0.99)).toBe(131);
    expect(spreadRetryAfterSeconds(1_500, 0.5)).toBe(2);
    expect(spreadRetryAfterSeconds(0, 0.5)).toBe(1);
    expect(spreadRetryAfterSeconds(1_800_000, 0.999)).toBe(1_829);
  });

  it('sends runs refused at the same moment back at different seconds', () => {
    const seconds = Array.from({ length: 8 }, (_, i) => spreadRetryAfterSeconds(300_000, i / 8));
    expect(new Set(seconds).size).toBe(8);
    expect(Math.min(...seconds)).toBe(300);
    expect(Math.max(...seconds)).toBeLessThanOrEqual(330);
  });
});
