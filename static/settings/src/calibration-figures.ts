/**
 * What a candidate idle limit means, in words and numbers, from a calibration's replay rows. Pure: the
 * settings page and its unit tests share it.
 */
import type { ReplayRow } from '../../../src/domain/calibration';

/** The row that describes `idleDays`: its own, or the nearest limit below it on the preview grid. */
export function rowFor(replay: readonly ReplayRow[], idleDays: number): ReplayRow | null {
  let best: ReplayRow | null = null;
  for (const row of replay)
    if (row.idleDays <= idleDays && (!best || row.idleDays > best.idleDays)) best = row;
  return best ?? replay[0] ?? null;
}

export const percent = (share: number): string => `${Math.round(share * 100)}%`;

export interface Figures {
  /** The limit the figures are read at (the grid's, when the value typed lies between two rows). */
  at: number;
  flagsToday: string;
  laterAbandoned: string;
  laterDelivered: string;
  stillOpen: string;
  medianDaysToClose: string;
}

export function figuresOf(row: ReplayRow, openToday: number): Figures {
  const past = row.pastItems === 0;
  return {
    at: row.idleDays,
    flagsToday: `${row.flaggedToday} of ${openToday} (${percent(row.flaggedShare)})`,
    laterAbandoned: past ? '–' : percent(row.laterAbandoned),
    laterDelivered: past ? '–' : percent(row.laterDelivered),
    stillOpen: past ? '–' : percent(row.stillOpen),
    medianDaysToClose: row.medianDaysToClose === null ? '–' : `${row.medianDaysToClose} days`,
  };
}

/** A whole number of days from what was typed, or null when it is not one the settings accept (1–3650). */
export function daysFrom(text: string): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 3650 ? n : null;
}
