/**
 * The rules for the daily scan's pacing settings, as data: settings.ts builds their zod schema from them and
 * the settings page judges a typed value with `scanPacingProblem`, so both say the same thing without the page
 * bundling zod. Checked in the order zod reports them: a number, then a whole one, then the range.
 */
export interface PacingRule {
  min: number;
  max: number;
  notNumber: string;
  /** Set when only whole numbers hold. */
  notWhole?: string;
  outOfRange: string;
}

export const SCAN_PACING_RULES = {
  /**
   * The share of the app's hourly Jira points quota the daily scan may use; the rest stays for people using
   * the panel and pages (the quota is the app's, per site, and they spend it too).
   */
  quotaShare: {
    min: 0.05,
    max: 1,
    notNumber: 'Share of the hourly Jira quota must be a number.',
    outOfRange: 'Share of the hourly Jira quota must be between 0.05 and 1.',
  },
  /** Days between full rescans; the runs in between read only what changed or crossed a limit. */
  fullRescanEveryDays: {
    min: 1,
    max: 31,
    notNumber: 'Full rescan cadence must be a number of days.',
    notWhole: 'Full rescan cadence must be a whole number of days.',
    outOfRange: 'Full rescan cadence must be between 1 and 31 days.',
  },
} as const satisfies Record<string, PacingRule>;
export type ScanPacingKey = keyof typeof SCAN_PACING_RULES;

/** The message the settings schema gives a value of one pacing setting, or undefined when it holds. */
export function scanPacingProblem(key: ScanPacingKey, value: unknown): string | undefined {
  const rule: PacingRule = SCAN_PACING_RULES[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) return rule.notNumber;
  if (rule.notWhole && !Number.isInteger(value)) return rule.notWhole;
  if (value < rule.min || value > rule.max) return rule.outOfRange;
  return undefined;
}
