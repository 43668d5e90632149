/**
 * Every payload schema of the contract, fed what a broken or hostile client, an older tab or a script could send,
 * answers in the app's sentences at the field concerned: never in zod's own words ("Invalid input: expected
 * object, received string"), which the pages never show a way to mend.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import * as domainSchemas from '../../src/domain/schemas';
import { fieldErrors, fieldLabel } from '../../src/domain/schemas';
import { versionSchema } from '../../src/contract/version';
import {
  bulkDecidePayloadSchema,
  decisionLogPayloadSchema,
  mapFiltersSchema,
  mapPagePayloadSchema,
  scanRunsPayloadSchema,
  zombieQueuePayloadSchema,
} from '../../src/contract/project-page';
import { savePayloadSchema } from '../../src/contract/issue-panel';
import { applyCalibrationPayloadSchema, saveMappingPayloadSchema } from '../../src/contract/calibration';
import { gadgetConfigSchema } from '../../src/contract/shipped-schemas';
import { hostilePayloads, schemasOf, ZOD_WORDING } from '../support/hostile-payloads';

const CONTRACT_DIR = path.join(__dirname, '../../src/contract');

/** Every zod schema src/contract exports (each file, so a new contract is checked too), and the domain's. */
async function payloadSchemas(): Promise<Array<[string, z.ZodType]>> {
  const modules: Record<string, object> = { 'domain/schemas': domainSchemas };
  for (const file of fs
    .readdirSync(CONTRACT_DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort())
    modules[`contract/${file.replace(/\.ts$/, '')}`] = (await import(
      path.join(CONTRACT_DIR, file)
    )) as object;
  return [
    ...schemasOf(modules),
    ['contract/version.versionSchema(page)', versionSchema('page', 1)],
    ['contract/version.versionSchema(panel)', versionSchema('panel', 0)],
  ];
}

const errorsOf = (schema: z.ZodType, input: unknown): Record<string, string> => {
  const parsed = schema.safeParse(input);
  return parsed.success ? {} : fieldErrors(parsed.error);
};

const shown = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) =>
    Array.isArray(x) && x.length > 3 ? `[${x.length} items]` : x,
  )?.slice(0, 120) ?? String(v);

let schemas: Array<[string, z.ZodType]>;
beforeAll(async () => {
  schemas = await payloadSchemas();
});

describe('hostile payloads', () => {
  it('reach every payload schema of the contract', () => {
    const names = schemas.map(([name]) => name);
    for (const expected of [
      'contract/issue-panel.savePayloadSchema',
      'contract/project-page.bulkDecidePayloadSchema',
      'contract/calibration.applyCalibrationPayloadSchema',
      'contract/scan.scanNowPayloadSchema',
      'contract/settings.saveSettingsPayloadSchema',
      'contract/shipped-schemas.gadgetConfigSchema',
      'domain/schemas.issueLensDraftSchema',
    ])
      expect(names).toContain(expected);
  });

  it("are never answered in zod's own words", () => {
    const said: string[] = [];
    for (const [name, schema] of schemas)
      for (const input of hostilePayloads(schema))
        for (const [field, message] of Object.entries(errorsOf(schema, input)))
          if (ZOD_WORDING.test(message)) said.push(`${name} ${field}: ${message}  <= ${shown(input)}`);
    const distinct = [...new Set(said)];
    expect({ count: distinct.length, first: distinct.slice(0, 40) }).toEqual({ count: 0, first: [] });
  });

  it('are answered at the field, naming it by its label where zod would have spoken', () => {
    const unnamed: string[] = [];
    for (const [name, schema] of schemas)
      for (const input of hostilePayloads(schema)) {
        const parsed = schema.safeParse(input);
        if (parsed.success) continue;
        const fields = fieldErrors(parsed.error);
        // The fields where only zod spoke: no message of the app's own is there to win.
        const byField = new Map<string, { named: PropertyKey[]; zodOnly: boolean }>();
        for (const issue of parsed.error.issues) {
          if (issue.code === 'unrecognized_keys' || issue.code === 'invalid_union') continue;
          const field = issue.path.map(String).join('.') || '_';
          const was = byField.get(field);
          byField.set(field, {
            // A record's key too long is said of the record, naming the key.
            named: issue.code === 'invalid_key' ? issue.path.slice(0, -1) : issue.path,
            zodOnly: (was?.zodOnly ?? true) && ZOD_WORDING.test(issue.message),
          });
        }
        for (const [field, { named, zodOnly }] of byField) {
          if (!zodOnly) continue;
          const label = fieldLabel(named);
          const message = fields[field] ?? '(no message)';
          const byPath = label.startsWith('"');
          if (!message.startsWith(label) || byPath)
            unnamed.push(`${name} ${field} [${label}]: ${message}  <= ${shown(input)}`);
        }
      }
    const distinct = [...new Set(unnamed)];
    expect({ count: distinct.length, first: distinct.slice(0, 40) }).toEqual({ count: 0, first: [] });
  });
});

describe('the sentences said where zod would have spoken', () => {
  it.each<[string, z.ZodType, unknown, Record<string, string>]>([
    [
      'a payload that is text',
      zombieQueuePayloadSchema,
      'sort=idle',
      { _: 'The request must be an object of fields; it was text.' },
    ],
    [
      'a payload that is a list',
      gadgetConfigSchema,
      [],
      { _: 'The request must be an object of fields; it was a list.' },
    ],
    [
      'a missing required field',
      bulkDecidePayloadSchema,
      { decision: { kind: 'kill', reason: 'No longer wanted' }, selection: { keys: ['PROJ-1'] } },
      { idempotencyKey: 'Request id must be given.' },
    ],
    [
      'a number where a required text goes (told as such, not as missing)',
      domainSchemas.outcomeDraftSchema,
      {
        name: 42,
        metric: 'cart drop-off %',
        baseline: 40,
        target: 30,
        direction: 'decrease',
        dueDate: '2027-01-01',
      },
      { name: 'Name must be text.' },
    ],
    [
      'a reason sent as a number',
      bulkDecidePayloadSchema,
      {
        idempotencyKey: 'request-0001',
        decision: { kind: 'kill', reason: 7 },
        selection: { keys: ['PROJ-1'] },
      },
      { 'decision.reason': 'Reason must be text.' },
    ],
    [
      'a fraction for a count',
      zombieQueuePayloadSchema,
      { offset: 1.5 },
      { offset: 'Offset must be a whole number.' },
    ],
    [
      'a number under its least',
      zombieQueuePayloadSchema,
      { offset: -1 },
      { offset: 'Offset must be at least 0.' },
    ],
    [
      'a number over its most',
      decisionLogPayloadSchema,
      { limit: 501 },
      { limit: 'Limit must be at most 500.' },
    ],
    [
      'a number past the safe integers, where a limit of its own is told instead',
      decisionLogPayloadSchema,
      { limit: 2 ** 60 },
      { limit: 'Limit must be at most 500.' },
    ],
    [
      'a boolean sent as text',
      mapFiltersSchema,
      { recipe: 'yes' },
      { recipe: 'The recipe filter is on (true) or left out.' },
    ],
    [
      'a list too long',
      zombieQueuePayloadSchema,
      { listed: Array(1001).fill('PROJ-1') },
      { listed: 'Listed items must have at most 1,000 items.' },
    ],
    [
      'a wrong type in a list',
      zombieQueuePayloadSchema,
      { listed: ['PROJ-1', 7] },
      { 'listed.1': 'Listed items (item 2) must be text; it was a number.' },
    ],
    [
      'text too long',
      savePayloadSchema,
      { issueKey: 'x'.repeat(301), version: 0, draft: {} },
      { issueKey: 'Issue key must be at most 300 characters.' },
    ],
    [
      'an empty name in a list',
      saveMappingPayloadSchema,
      { delivered: ['Done', ' '], abandoned: [] },
      { 'delivered.1': 'Delivered resolutions (item 2) must not be empty.' },
    ],
    [
      'a malformed id',
      applyCalibrationPayloadSchema,
      { runId: 'run id!', idleDays: 30, version: 1 },
      { runId: 'Calibration run must be as the app gave it out: reload the page and try again.' },
    ],
    [
      // No payload of the contract keeps a z.record now (issue type records say their own): one of the shape.
      'a key too long in a record',
      z.strictObject({ byType: z.record(z.string().max(255), z.number()) }),
      { byType: { ['B'.repeat(256)]: 5 } },
      {
        [`byType.${'B'.repeat(256)}`]: `Idle limits per issue type: the name "${'B'.repeat(40)}…" must be at most 255 characters.`,
      },
    ],
    [
      'a null where a group of fields goes',
      savePayloadSchema,
      { version: 0, draft: { killCriteria: { metricThreshold: null } } },
      {
        'draft.killCriteria.metricThreshold':
          'Metric threshold must be an object of fields; it was empty (null).',
      },
    ],
    [
      'a wrong member of a union of text and a word',
      mapFiltersSchema,
      { assignee: 42 },
      { assignee: 'Assignee must be text or "unassigned"; it was a number.' },
    ],
    [
      'a union of a lane given a number',
      mapPagePayloadSchema,
      { lane: 42 },
      { lane: 'Lane must be text or "none".' },
    ],
    [
      'a union of two forms given neither',
      bulkDecidePayloadSchema,
      { idempotencyKey: 'bulk-0001', decision: { kind: 'kill', reason: 'No longer wanted' }, selection: {} },
      { selection: 'Selection must hold "keys" or "filter".' },
    ],
    [
      'a union of two forms given neither, and a field neither knows',
      bulkDecidePayloadSchema,
      {
        idempotencyKey: 'bulk-0001',
        decision: { kind: 'kill', reason: 'No longer wanted' },
        selection: { all: true },
      },
      {
        selection: 'Selection must hold "keys" or "filter".',
        'selection.all': '"all" is not a field this app knows: check its spelling, or leave it out.',
      },
    ],
    [
      'a union left out',
      bulkDecidePayloadSchema,
      { idempotencyKey: 'bulk-0001', decision: { kind: 'kill', reason: 'No longer wanted' } },
      { selection: 'Selection must be given.' },
    ],
    [
      'a union of two forms given text',
      bulkDecidePayloadSchema,
      {
        idempotencyKey: 'bulk-0001',
        decision: { kind: 'kill', reason: 'No longer wanted' },
        selection: 'all',
      },
      { selection: 'Selection must be an object of fields; it was text.' },
    ],
    [
      'a union of two forms, one nearly right',
      bulkDecidePayloadSchema,
      {
        idempotencyKey: 'bulk-0001',
        decision: { kind: 'kill', reason: 'No longer wanted' },
        selection: { filter: { rule: 7 } },
      },
      { 'selection.filter.rule': 'Rule must be text; it was a number.' },
    ],
    [
      'a number sent as text',
      gadgetConfigSchema,
      { projectKeys: ['PROJ'], months: '12' },
      { months: 'Months shown must be a number; it was text.' },
    ],
  ])('%s', (_what, schema, input, expected) => {
    expect(errorsOf(schema, input)).toEqual(expected);
  });

  it('leave every message of the app its place: the field-specific one wins at its field', () => {
    // The safe-integer check speaks first, of a whole number; the schema's own maximum is what is said.
    expect(errorsOf(scanRunsPayloadSchema, { limit: 2 ** 60 })).toEqual({
      limit: 'Ask for at most 30 runs.',
    });
    expect(errorsOf(zombieQueuePayloadSchema, { sort: 'random' })).toEqual({
      sort: 'Sort by idle, age, rule, score or key.',
    });
    expect(errorsOf(domainSchemas.expectedOutcomeSchema, { direction: 'sideways' })).toEqual({
      direction: 'Direction must be "increase" or "decrease".',
    });
    expect(errorsOf(domainSchemas.issueLensDraftSchema, { killCriteria: { maxIdleDays: 'ten' } })).toEqual({
      'killCriteria.maxIdleDays': 'Max idle days must be a number.',
    });
    expect(errorsOf(zombieQueuePayloadSchema, { filter: { rul: 'x' } })).toEqual({
      'filter.rul': '"rul" is not a field this app knows: check its spelling, or leave it out.',
    });
  });

  it('keep the order of the fields as zod found them, the first one leading', () => {
    expect(Object.keys(errorsOf(zombieQueuePayloadSchema, { sort: 'random', offset: -1, limit: 0 }))).toEqual(
      ['sort', 'offset', 'limit'],
    );
  });
});

describe('naming a field', () => {
  it('names a record key that is also a member of every object by the record, not by that member', () => {
    expect(fieldLabel(['byType', 'constructor'])).toBe('Idle limits per issue type ("constructor")');
    expect(fieldLabel(['toString'])).toBe('"toString"');
    expect(fieldLabel(['zombie', 'perIssueType', '__proto__', 'maxIdleDays'])).toBe(
      'Thresholds per issue type ("__proto__") ("maxIdleDays")',
    );
  });
});
