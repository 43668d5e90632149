/** A 0–1 share as a whole percentage; a share of nothing (null) as a dash. */
export const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 100)}%`);
