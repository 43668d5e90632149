/**
 * Calibration's resolver keys and limits with no zod, for the settings page's bundle; calibration.ts
 * re-exports them beside the payload schemas.
 */
export const CALIBRATION_RESOLVERS = {
  /** The last run's state and proposal (anyone who may browse the project). */
  state: 'calibrationState',
  /** Starts a run: reads the project's history in the background (admins). */
  start: 'calibrate',
  /** Confirms which resolution names mean delivered / closed without delivery, and recalculates (admins). */
  saveMapping: 'saveResolutionMapping',
  /** Writes the chosen idle limit (and the proposal's per-type limits) into the settings (admins). */
  apply: 'applyCalibration',
} as const;

/** The history read: 24 months of quarterly scan dates, each item followed up to two years. */
export const CALIBRATION_LOOKBACK_MONTHS = 24;
/** Below this many delivered items the proposal keeps the current limit. */
export const MIN_DELIVERED = 100;
