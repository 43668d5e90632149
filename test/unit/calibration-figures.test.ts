import type { ReplayRow } from '../../src/domain/calibration';
import { daysFrom, figuresOf, rowFor } from '../../static/settings/src/calibration-figures';

const row = (idleDays: number, extra: Partial<ReplayRow> = {}): ReplayRow => ({
  idleDays,
  flaggedToday: 10,
  flaggedShare: 0.5,
  pastItems: 40,
  laterAbandoned: 0.25,
  laterDelivered: 0.5,
  stillOpen: 0.25,
  medianDaysToClose: 42,
  ...extra,
});

describe('what a previewed idle limit means', () => {
  const replay = [row(1), row(2), row(365), row(375), row(390)];

  it('reads its own row, or the nearest replayed limit below it', () => {
    expect(rowFor(replay, 2)?.idleDays).toBe(2);
    expect(rowFor(replay, 380)?.idleDays).toBe(375);
    expect(rowFor(replay, 5000)?.idleDays).toBe(390);
    expect(rowFor([], 30)).toBeNull();
  });

  it('says the figures in words, and a dash where no past item was beyond the limit', () => {
    expect(figuresOf(row(60), 20)).toEqual({
      at: 60,
      flagsToday: '10 of 20 (50%)',
      laterAbandoned: '25%',
      laterDelivered: '50%',
      stillOpen: '25%',
      medianDaysToClose: '42 days',
    });
    expect(figuresOf(row(700, { pastItems: 0, medianDaysToClose: null }), 20)).toMatchObject({
      laterAbandoned: '–',
      medianDaysToClose: '–',
    });
  });

  it('takes whole days from 1 to 3650 only', () => {
    expect(daysFrom(' 90 ')).toBe(90);
    expect(['', '0', '3651', '1.5', '-3', 'ten'].map(daysFrom)).toEqual([null, null, null, null, null, null]);
  });
});
