/** A Custom UI bundle's weight as the budget counts it: the built main.js, gzipped at level 9. */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { buildSurface } from '../../scripts/build-static';

/**
 * Gzipped budgets per surface, in KB (issue 15: panel 200, project page 300, settings 200). Settings and the
 * project page keep to theirs with Atlaskit's Select, DynamicTable and Modal by carrying no zod (the resolvers
 * validate; scripts/build-static.ts refuses a zod import there) and by what the build leaves out (see its
 * plugins); the weights come from src/domain/score-weights (not score.ts, which brings the recipe detector's
 * model). `npx tsx scripts/build-static.ts <surface> --analyze` lists what weighs most.
 */
export const BUNDLE_BUDGET_KB = {
  'issue-panel': 200,
  'outcome-map': 300,
  settings: 200,
  // The Shipped versus moved dashboard gadget (issue 13): its own resource, its own budget.
  gadget: 200,
} as const;
export type SurfaceName = keyof typeof BUNDLE_BUDGET_KB;

export interface BundleSize {
  file: string;
  bytes: number;
  gzipBytes: number;
  gzipKB: number;
  budgetKB: number;
  withinBudget: boolean;
}

export async function measureBundle(surface: SurfaceName, build = true): Promise<BundleSize> {
  if (build) await buildSurface(surface);
  const file = `static/${surface}/build/main.js`;
  const js = fs.readFileSync(path.resolve(__dirname, '../..', file));
  const gzipBytes = zlib.gzipSync(js, { level: 9 }).length;
  const budgetKB = BUNDLE_BUDGET_KB[surface];
  return {
    file,
    bytes: js.length,
    gzipBytes,
    gzipKB: Math.round((gzipBytes / 1024) * 10) / 10,
    budgetKB,
    withinBudget: gzipBytes <= budgetKB * 1024,
  };
}
