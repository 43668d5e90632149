import {
  DEFAULT_SETTINGS,
  firstOfEachType,
  parseSettings,
  settingsOrDefaults,
  thresholdsFor,
  SCORE_COMPONENT_IDS,
} from '../../src/domain/settings';
import { fieldErrors } from '../../src/domain/schemas';
import { applyCalibrationPayloadSchema } from '../../src/contract/calibration';

describe('project settings', () => {
  it('has every default in one frozen object whose weights add up to 100', () => {
    expect(Object.isFrozen(DEFAULT_SETTINGS)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SETTINGS.weights)).toBe(true);
    expect(Object.keys(DEFAULT_SETTINGS.weights).sort()).toEqual([...SCORE_COMPONENT_IDS].sort());
    expect(Object.values(DEFAULT_SETTINGS.weights).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('turns nothing stored into the defaults', () => {
    const result = parseSettings(undefined);
    expect(result).toEqual({ ok: true, settings: DEFAULT_SETTINGS });
  });

  it('merges what an admin changed over the defaults, part by part, and freezes it', () => {
    const result = parseSettings({
      weights: { evidence: 30 },
      zombie: { defaults: { maxIdleDays: 14 } },
      dryRun: true,
    });
    if (!result.ok) throw result.error;
    expect(result.settings.weights).toEqual({ ...DEFAULT_SETTINGS.weights, evidence: 30 });
    expect(result.settings.zombie.defaults).toEqual({ ...DEFAULT_SETTINGS.zombie.defaults, maxIdleDays: 14 });
    expect(result.settings.dryRun).toBe(true);
    expect(Object.isFrozen(result.settings.zombie.defaults)).toBe(true);
  });

  it('refuses bad values with a message at the field', () => {
    const result = parseSettings({
      weights: { hypothesis: -5 },
      flagActions: { label: 'two words' },
      entryGate: { threshold: 101 },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(fieldErrors(result.error)).toEqual({
      'weights.hypothesis': 'Hypothesis weight must be 0 or more.',
      'flagActions.label': 'A Jira label cannot contain spaces or commas.',
      'entryGate.threshold': 'Entry gate threshold must be between 0 and 100.',
    });
  });

  it('refuses weights that are all zero', () => {
    const zero = Object.fromEntries(SCORE_COMPONENT_IDS.map((id) => [id, 0]));
    expect(parseSettings({ weights: zero }).ok).toBe(false);
  });

  it('falls back to the defaults where a scan must not fail', () => {
    expect(settingsOrDefaults({ weights: 'heavy' })).toBe(DEFAULT_SETTINGS);
  });

  it('applies per issue type thresholds over the defaults, matching the type name in any case', () => {
    const result = parseSettings({ zombie: { perIssueType: { Bug: { maxIdleDays: 30 } } } });
    if (!result.ok) throw result.error;
    expect(thresholdsFor(result.settings, 'bug').maxIdleDays).toBe(30);
    expect(thresholdsFor(result.settings, 'Bug').maxSprintsCarried).toBe(
      DEFAULT_SETTINGS.zombie.defaults.maxSprintsCarried,
    );
    expect(thresholdsFor(result.settings, 'Story')).toEqual(DEFAULT_SETTINGS.zombie.defaults);
  });

  it('gives no issue type a shorter limit by default', () => {
    expect(DEFAULT_SETTINGS.zombie.perIssueType).toEqual({});
    expect(thresholdsFor(DEFAULT_SETTINGS, 'Bug')).toEqual(DEFAULT_SETTINGS.zombie.defaults);
  });
});

describe('per-type rows that differ only in case', () => {
  const twice = { bug: { maxIdleDays: 5 }, Story: { maxIdleDays: 20 }, Bug: { maxIdleDays: 9 } };

  it('refuses them on save, at the second row, naming both', () => {
    const result = parseSettings({ zombie: { perIssueType: twice } });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(fieldErrors(result.error)).toEqual({
        'zombie.perIssueType.Bug': 'Bug and bug are the same issue type (case does not count): keep one row.',
      });
  });

  it('reads ones stored before as one row, the first, as the scan used it, and keeps every other setting', () => {
    const settings = settingsOrDefaults({ zombie: { perIssueType: twice }, entryGate: { threshold: 70 } });
    expect(settings.zombie.perIssueType).toEqual({ bug: { maxIdleDays: 5 }, Story: { maxIdleDays: 20 } });
    expect(settings.entryGate.threshold).toBe(70);
    expect(thresholdsFor(settings, 'Bug').maxIdleDays).toBe(5);
    // What the page gets back saves as it is.
    expect(parseSettings(settings).ok).toBe(true);
  });
});

describe('per-type rows whose names differ only in the spaces around them', () => {
  it('trims the names it keeps, so the scan matches the type', () => {
    const result = parseSettings({ zombie: { perIssueType: { 'Bug ': { maxIdleDays: 30 }, ' Story': {} } } });
    if (!result.ok) throw result.error;
    expect(Object.keys(result.settings.zombie.perIssueType)).toEqual(['Bug', 'Story']);
    expect(thresholdsFor(result.settings, 'Bug').maxIdleDays).toBe(30);
  });

  it('matches a type to a row in any case and with spaces around either name', () => {
    const settings = {
      ...DEFAULT_SETTINGS,
      zombie: { ...DEFAULT_SETTINGS.zombie, perIssueType: { 'Bug ': { maxIdleDays: 30 } } },
    };
    expect(thresholdsFor(settings, 'bug').maxIdleDays).toBe(30);
    expect(thresholdsFor(settings, ' BUG').maxIdleDays).toBe(30);
  });

  it('refuses "Bug" beside "Bug ", at the second, naming both in quotes', () => {
    const result = parseSettings({
      zombie: { perIssueType: { Bug: { maxIdleDays: 5 }, 'Bug ': { maxIdleDays: 9 } } },
    });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(fieldErrors(result.error)).toEqual({
        'zombie.perIssueType.Bug ':
          '"Bug " and "Bug" are the same issue type (spaces around a name and case do not count): keep one row.',
      });
  });

  it('refuses a blank name, at its row, with what to do', () => {
    for (const blank of ['', '   ']) {
      const result = parseSettings({ zombie: { perIssueType: { [blank]: { maxIdleDays: 9 } } } });
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(fieldErrors(result.error)).toEqual({
          [`zombie.perIssueType.${blank}`]:
            'Name the issue type these thresholds are for, or remove the row.',
        });
    }
  });

  it('reads rows stored before as one trimmed row, leaves a blank one out, and keeps every other setting', () => {
    const stored = {
      zombie: {
        perIssueType: { 'Bug ': { maxIdleDays: 5 }, bug: { maxIdleDays: 9 }, '  ': { maxIdleDays: 2 } },
      },
      entryGate: { threshold: 70 },
    };
    const settings = settingsOrDefaults(stored);
    expect(settings.zombie.perIssueType).toEqual({ Bug: { maxIdleDays: 5 } });
    expect(settings.entryGate.threshold).toBe(70);
    expect(firstOfEachType(stored.zombie.perIssueType)).toEqual({ Bug: { maxIdleDays: 5 } });
  });
});

describe('applying a calibration: the per-type limits sent', () => {
  const payload = (byType: Record<string, number>) => ({ runId: 'run-1', idleDays: 45, version: 2, byType });

  it('trims the names', () => {
    const parsed = applyCalibrationPayloadSchema.safeParse(payload({ ' Bug ': 30 }));
    expect(parsed.success && parsed.data.byType).toEqual({ Bug: 30 });
  });

  it('refuses a blank name and two that differ only in case or spaces, at the name', () => {
    const blank = applyCalibrationPayloadSchema.safeParse(payload({ '  ': 30 }));
    expect(blank.success ? {} : fieldErrors(blank.error)).toEqual({
      'byType.  ': 'Name the issue type this limit is for.',
    });
    const twice = applyCalibrationPayloadSchema.safeParse(payload({ Bug: 30, 'bug ': 40 }));
    expect(twice.success ? {} : fieldErrors(twice.error)).toEqual({
      'byType.bug ':
        '"bug " and "Bug" are the same issue type (spaces around a name and case do not count): keep one row.',
    });
  });
});
