/**
 * What a delivered bet turned out to be. Kept apart from schemas.ts (which builds the zod schema on it) so the
 * project page can offer the choices without bundling zod.
 */
export const RESULT_VERDICTS = ['validated', 'invalidated', 'inconclusive'] as const;
export type ResultVerdict = (typeof RESULT_VERDICTS)[number];
