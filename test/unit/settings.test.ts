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
import { saveSettingsPayloadSchema } from '../../src/contract/settings';

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
      'flagActions.label':
        'Flag label "two words" has a space: Jira labels cannot hold spaces, so the scan could not put it on an item it flags. Write it as one word, e.g. "two-words".',
      'entryGate.threshold': 'Minimum score must be between 0 and 100.',
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

  it('keeps a type named "__proto__" as its own name, and says what a list that is no record should be', () => {
    const parsed = applyCalibrationPayloadSchema.safeParse(
      JSON.parse('{"runId":"run-1","idleDays":45,"version":2,"byType":{"__proto__":12,"Bug":30}}'),
    );
    expect(parsed.success && Object.entries(parsed.data.byType)).toEqual([
      ['__proto__', 12],
      ['Bug', 30],
    ]);
    const notRecord = applyCalibrationPayloadSchema.safeParse({ ...payload({}), byType: [30] });
    expect(notRecord.success ? {} : fieldErrors(notRecord.error)).toEqual({
      byType: 'The per-type limits must be a record keyed by issue type.',
    });
  });
});

describe('exempt labels Jira cannot hold', () => {
  /** The field errors of a save that sends these exempt labels (and else the defaults). */
  const refusalOfLabels = (labels: unknown[]) => {
    const parsed = saveSettingsPayloadSchema.safeParse({
      version: 0,
      settings: { ...DEFAULT_SETTINGS, exemptions: { ...DEFAULT_SETTINGS.exemptions, labels } },
    });
    return parsed.success ? {} : fieldErrors(parsed.error);
  };

  it('refuses a label with a space or a comma on save, at the list, naming it, why, and what to write', () => {
    expect(refusalOfLabels(['keep-alive', "won't fix"])).toEqual({
      'settings.exemptions.labels':
        'Exempt label "won\'t fix" has a space: Jira labels cannot hold spaces, so no issue carries it and it exempts nothing. Write it as your issues carry it, e.g. "won\'t-fix".',
    });
    expect(refusalOfLabels(['later,maybe'])).toEqual({
      'settings.exemptions.labels':
        'Exempt label "later,maybe" has a comma: Jira labels cannot hold commas, so no issue carries it and it exempts nothing. Write it as your issues carry it, e.g. "later-maybe".',
    });
  });

  it('names every such label in the one message its field shows', () => {
    const message = refusalOfLabels(['on hold', 'keep-alive', 'a,b'])['settings.exemptions.labels'];
    expect(message).toMatch(/^Exempt label "on hold" has a space: .* Exempt label "a,b" has a comma: /);
  });

  it('refuses a blank label and one longer than Jira takes, at the list the page shows, naming the long one', () => {
    expect(refusalOfLabels(['keep-alive', '  '])).toEqual({
      'settings.exemptions.labels': 'Exempt labels hold an empty entry: remove it.',
    });
    const long = 'x'.repeat(256);
    expect(refusalOfLabels([long])).toEqual({
      'settings.exemptions.labels': `Exempt label "${'x'.repeat(40)}…" is 256 characters long, over the limit of 255: use the label as Jira shows it.`,
    });
    // 255 is Jira's limit, and taken.
    expect(refusalOfLabels(['x'.repeat(255)])).toEqual({});
  });

  it('reads such a label stored before as it is, keeping every other setting, so the page shows it to mend', () => {
    const stored = { exemptions: { labels: ["won't fix", 'a,b'] }, entryGate: { threshold: 70 } };
    const settings = settingsOrDefaults(stored);
    expect(settings).not.toBe(DEFAULT_SETTINGS);
    expect(settings.exemptions.labels).toEqual(["won't fix", 'a,b']);
    expect(settings.entryGate.threshold).toBe(70);
  });
});

describe('per-type rows named like members of every object', () => {
  // Jira could name an issue type so; JSON (a payload, app storage) holds such a key as any other.
  const stored = JSON.parse(
    '{"zombie":{"perIssueType":{"__proto__":{"maxIdleDays":5},"constructor":{"maxIdleDays":6},"prototype":{"maxSprintsCarried":2}}}}',
  ) as { zombie: { perIssueType: Record<string, object> } };

  it('keeps a row named __proto__, constructor or prototype, as its own key, read and saved alike', () => {
    const result = parseSettings(stored);
    if (!result.ok) throw result.error;
    const perType = result.settings.zombie.perIssueType;
    expect(Object.keys(perType)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(Object.getPrototypeOf(perType)).toBe(Object.prototype);
    expect(thresholdsFor(result.settings, '__proto__').maxIdleDays).toBe(5);
    expect(thresholdsFor(result.settings, 'Constructor').maxIdleDays).toBe(6);
    expect(thresholdsFor(result.settings, 'Bug')).toEqual(DEFAULT_SETTINGS.zombie.defaults);
    expect(Object.keys(settingsOrDefaults(stored).zombie.perIssueType)).toEqual(Object.keys(perType));
    expect(Object.keys(firstOfEachType(stored.zombie.perIssueType))).toEqual(Object.keys(perType));
    // As the page gets it back, it saves, and comes back the same.
    const again = JSON.parse(JSON.stringify(result.settings)) as unknown;
    const saved = saveSettingsPayloadSchema.safeParse({ version: 1, settings: again });
    expect(saved.success && Object.keys(saved.data.settings.zombie.perIssueType)).toEqual(
      Object.keys(perType),
    );
  });

  it('still refuses a bad value in such a row at its cell', () => {
    const bad = JSON.parse('{"zombie":{"perIssueType":{"__proto__":{"maxIdleDays":0}}}}') as unknown;
    const result = parseSettings(bad);
    expect(result.ok ? {} : fieldErrors(result.error)).toEqual({
      'zombie.perIssueType.__proto__.maxIdleDays': 'Max idle days must be at least 1 day.',
    });
  });
});
