/**
 * The calibration's counts on the settings page, each noun as its count wants it: a review found "paused 1
 * time(s)" where English says "paused 1 time".
 */
import { counted, progressWords } from '../../static/settings/src/calibration-words';

const progress = (p: Partial<NonNullable<Parameters<typeof progressWords>[0]>>) => ({
  pages: 1,
  issuesRead: 0,
  invocations: 1,
  jiraCalls: 0,
  points: 0,
  rateLimited: 0,
  ...p,
});

describe('calibration words', () => {
  it('counts a noun in the singular for one and the plural otherwise', () => {
    expect(counted(0, 'issue')).toBe('0 issues');
    expect(counted(1, 'issue')).toBe('1 issue');
    expect(counted(7, 'issue')).toBe('7 issues');
    expect(counted(2, 'Jira call')).toBe('2 Jira calls');
  });

  it('says how far a run has got, without "(s)"', () => {
    expect(progressWords(progress({ issuesRead: 1, jiraCalls: 1, rateLimited: 1 }))).toBe(
      "Read 1 issue so far (1 Jira call, paused 1 time for Jira's rate limit).",
    );
    expect(progressWords(progress({ issuesRead: 250, jiraCalls: 3, rateLimited: 2 }))).toBe(
      "Read 250 issues so far (3 Jira calls, paused 2 times for Jira's rate limit).",
    );
    expect(progressWords(progress({ issuesRead: 40, jiraCalls: 1 }))).toBe(
      'Read 40 issues so far (1 Jira call).',
    );
  });

  it('says a run not started or not shown in words of its own', () => {
    expect(progressWords(progress({ invocations: 0 }))).toBe('Queued: starting shortly.');
    expect(progressWords(null)).toBe("Reading the project's history.");
  });
});
