import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { buildSurface, surfaces } from '../../scripts/build-static';
import { CALIBRATION_TIMEOUT_SECONDS } from '../../src/calibration/job';
import { SCAN_FUNCTION_TIMEOUT_SECONDS } from '../../src/scan/budget';

// @forge/manifest validates the whole manifest offline: schema, references, handler files, resources.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { validate } = require('@forge/manifest') as {
  validate: (
    strict: boolean,
    file: string,
  ) => Promise<{ success: boolean; errors?: Array<{ message: string; line?: number }> }>;
};

const ROOT = path.resolve(__dirname, '../..');
const MANIFEST = path.join(ROOT, 'manifest.yml');

type Manifest = {
  modules: Record<string, Array<Record<string, unknown>>>;
  app: { runtime: { name: string } };
  resources: Array<{ key: string; path: string }>;
};
const manifest = parse(fs.readFileSync(MANIFEST, 'utf8')) as Manifest;

/** Validates a manifest text as if it were the project's (same folder layout), from a scratch copy. */
async function validateText(text: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-manifest-'));
  for (const entry of ['src', 'static']) fs.symlinkSync(path.join(ROOT, entry), path.join(dir, entry));
  fs.writeFileSync(path.join(dir, 'manifest.yml'), text);
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await validate(false, 'manifest.yml');
  } finally {
    process.chdir(cwd);
  }
}

beforeAll(async () => {
  for (const surface of surfaces()) {
    if (!fs.existsSync(path.join(ROOT, 'static', surface, 'build', 'main.js'))) await buildSurface(surface);
  }
}, 120_000);

describe('manifest.yml', () => {
  it('passes @forge/manifest validation in full, offline', async () => {
    const result = await validateText(fs.readFileSync(MANIFEST, 'utf8'));
    expect(result.errors ?? []).toEqual([]);
    expect(result.success).toBe(true);
  });

  it('is caught when broken: a trigger interval Forge does not have', async () => {
    const result = await validateText(
      fs.readFileSync(MANIFEST, 'utf8').replace('interval: day', 'interval: fortnight'),
    );
    expect(result.success).toBe(false);
    expect((result.errors ?? []).map((e) => e.message).join('\n')).toMatch(/interval 'fortnight'/);
  });

  it('is caught when broken: a handler whose file does not exist', async () => {
    const result = await validateText(
      fs
        .readFileSync(MANIFEST, 'utf8')
        .replace('handler: index.scanConsumer', 'handler: missing-file.scanConsumer'),
    );
    expect(result.success).toBe(false);
    expect((result.errors ?? []).map((e) => e.message).join('\n')).toMatch(/missing-file/);
  });

  it('declares every module the mission needs, on the nodejs22.x runtime', () => {
    for (const type of [
      'jira:issuePanel',
      'jira:projectPage',
      'jira:projectSettingsPage',
      'scheduledTrigger',
      'trigger',
      'consumer',
      'jira:entityProperty',
      'jira:workflowValidator',
    ]) {
      expect(manifest.modules[type]?.length).toBeGreaterThan(0);
    }
    expect(manifest.app.runtime.name).toBe('nodejs22.x');
  });

  it('scans on installation: a trigger on Forge’s app lifecycle event', () => {
    const triggers = manifest.modules.trigger as Array<{ events: string[]; function: string }>;
    expect(triggers.find((t) => t.events.includes('avi:forge:installed:app'))?.function).toBe(
      'install-trigger',
    );
  });

  it('indexes the issue property under the search aliases the app promises', () => {
    const index = manifest.modules['jira:entityProperty']![0] as {
      propertyKey: string;
      values: Array<{ searchAlias: string }>;
    };
    expect(index.propertyKey).toBe('outcome-lens');
    expect(index.values.map((v) => v.searchAlias).sort()).toEqual(
      [
        'betStatus',
        'checkBy',
        'hasHypothesis',
        'killDate',
        'outcomeId',
        'outcomeScore',
        'recipe',
        'zombie',
        'nextCheckAt',
        'lensUpdatedAt',
      ].sort(),
    );
  });

  it('points every function at a handler that src/index.ts exports', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require('../../src/index') as Record<string, unknown>;
    for (const fn of manifest.modules.function!) {
      const [file, exported] = String(fn.handler).split('.');
      expect(file).toBe('index');
      expect(typeof entry[exported!]).toBe('function');
    }
  });

  it('gives each long-running consumer the time limit its code budgets for', () => {
    // A budget larger than the manifest's limit (55 s when none is set) would be stopped mid-step on a site.
    const timeoutOf = (key: string) =>
      manifest.modules.function!.find((fn) => fn.key === key)?.timeoutSeconds ?? 55;
    expect(timeoutOf('scan-consumer')).toBe(SCAN_FUNCTION_TIMEOUT_SECONDS);
    expect(timeoutOf('calibration-consumer')).toBe(CALIBRATION_TIMEOUT_SECONDS);
  });
});
