/**
 * The settings page's weight: builds it and prints its gzipped JS against the budget (≤ 200 KB gzipped). The
 * project-page bench prints the same figure next to its own, so `npm run bench -- panel project-page` shows
 * all three surfaces.
 */
import { measureBundle } from '../support/bundle-size';

async function main(): Promise<void> {
  const bundle = await measureBundle('settings');
  console.log(JSON.stringify({ bench: 'settings', bundle }, null, 2));
  if (!bundle.withinBudget) process.exitCode = 1;
}

void main();
