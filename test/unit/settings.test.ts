import {
  DEFAULT_SETTINGS,
  parseSettings,
  settingsOrDefaults,
  thresholdsFor,
  SCORE_COMPONENT_IDS,
} from '../../src/domain/settings';
import { fieldErrors } from '../../src/domain/schemas';

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
