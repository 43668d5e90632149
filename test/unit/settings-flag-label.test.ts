/**
 * The flag label's refusal says what is wrong with it: its length when it is longer than Jira keeps a label, its
 * space or comma when it has one, in the words the exempt labels are refused with. A review found a 300-character
 * label with neither refused with "A Jira label cannot contain spaces or commas."
 */
import { parseSettings } from '../../src/domain/settings';
import { fieldErrors } from '../../src/domain/schemas';

/** The message at the flag label when `label` is stored (or saved) as it; null when it is taken. */
function flagLabelRefusal(label: string): string | null {
  const result = parseSettings({ flagActions: { label } });
  return result.ok ? null : (fieldErrors(result.error)['flagActions.label'] ?? null);
}

describe('the flag label’s refusal', () => {
  it('says the length and the limit of a label too long for Jira, not spaces or commas it does not have', () => {
    expect(flagLabelRefusal('x'.repeat(300))).toBe(
      `Flag label "${'x'.repeat(40)}…" is 300 characters long, over the limit of 255: shorten it.`,
    );
  });

  it('takes a label of exactly 255 characters', () => {
    expect(flagLabelRefusal('x'.repeat(255))).toBeNull();
  });

  it('counts the label as saved, its ends trimmed', () => {
    expect(flagLabelRefusal(`  ${'x'.repeat(256)}  `)).toMatch(
      / is 256 characters long, over the limit of 255/,
    );
  });

  it('names a space or a comma, with the label written without it', () => {
    expect(flagLabelRefusal('needs review')).toBe(
      'Flag label "needs review" has a space: Jira labels cannot hold spaces, so the scan could not put it on an item it flags. Write it as one word, e.g. "needs-review".',
    );
    expect(flagLabelRefusal('later,maybe')).toMatch(
      /^Flag label "later,maybe" has a comma: Jira labels cannot hold commas.*"later-maybe"\.$/,
    );
  });

  it('names both when a label is too long and has a space, so both are mended at once', () => {
    const refusal = flagLabelRefusal(`${'x'.repeat(150)} ${'y'.repeat(150)}`);
    expect(refusal).toMatch(/^Flag label ".*" is 301 characters long, over the limit of 255: shorten it\. /);
    expect(refusal).toMatch(/ Flag label ".*" has a space: Jira labels cannot hold spaces/);
  });

  it('says a blank label is blank', () => {
    expect(flagLabelRefusal('   ')).toBe(
      'Flag label is blank: name a label, or set none (null) for no label.',
    );
  });

  it('leaves the exempt labels’ own refusal of a long label as it was', () => {
    const result = parseSettings({ exemptions: { labels: ['y'.repeat(300)] } });
    expect(result.ok ? {} : fieldErrors(result.error)).toEqual({
      'exemptions.labels': `Exempt label "${'y'.repeat(40)}…" is 300 characters long, over the limit of 255: use the label as Jira shows it.`,
    });
  });
});
