/**
 * `npm start` rebuilds a surface whose build lacks its stylesheet (index.html links main.css) or is older than
 * its sources, the shared UI code or the shared contract.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { surfaceBuildIsStale } from '../../workbench/main';

let root: string;

function write(file: string, at: number): void {
  const full = path.join(root, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, '');
  const time = new Date(at * 1000);
  fs.utimesSync(full, time, time);
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-stale-'));
  write('src/contract/issue-panel.ts', 100);
  write('static/shared/styles.css', 100);
  write('static/panel/src/index.tsx', 100);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('surfaceBuildIsStale', () => {
  it('keeps a complete build newer than every source', () => {
    write('static/panel/build/main.js', 200);
    write('static/panel/build/main.css', 200);
    expect(surfaceBuildIsStale(root, 'panel')).toBe(false);
  });

  it('rebuilds a build without its stylesheet', () => {
    write('static/panel/build/main.js', 200);
    expect(surfaceBuildIsStale(root, 'panel')).toBe(true);
  });

  it.each(['static/shared/styles.css', 'src/contract/issue-panel.ts', 'static/panel/src/index.tsx'])(
    'rebuilds after %s changed',
    (source) => {
      write('static/panel/build/main.js', 200);
      write('static/panel/build/main.css', 200);
      write(source, 300);
      expect(surfaceBuildIsStale(root, 'panel')).toBe(true);
    },
  );
});
