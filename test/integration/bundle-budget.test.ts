/**
 * The Custom UI bundles stay within their gzipped budgets (issue panel 200 KB, project page 300 KB, settings
 * 200 KB). It reads the builds `npm test` makes first (`npm run build`), so it never races the browser tests
 * that rebuild a surface; `npm run bench -- panel project-page` prints the same figures.
 */
import { BUNDLE_BUDGET_KB, measureBundle, type SurfaceName } from '../support/bundle-size';

describe('bundle budgets', () => {
  it.each(Object.keys(BUNDLE_BUDGET_KB) as SurfaceName[])(
    'keeps %s within its gzipped budget',
    async (surface) => {
      const size = await measureBundle(surface, false);
      expect(size.gzipBytes).toBeGreaterThan(10 * 1024);
      expect(size.gzipBytes).toBeLessThanOrEqual(BUNDLE_BUDGET_KB[surface] * 1024);
    },
  );
});
