import path from 'node:path';
import zlib from 'node:zlib';
import fs from 'node:fs';
import os from 'node:os';
import { createWorkbenchApp, type WorkbenchApp } from '../../workbench/app';
import {
  importIssues,
  importLog,
  IMPORT_PROPERTY_KEY,
  SKIPPED_LINES_NAMED,
} from '../../workbench/import/importer';

const APACHE = path.resolve(__dirname, '../../data/apache-issues-v2.jsonl.gz');
const FIXTURES = path.resolve(__dirname, '../fixtures/import');
const fixture = (name: string) => path.join(FIXTURES, name);
const NOW = new Date('2026-11-21T10:00:00Z');

let app: WorkbenchApp;

/** The parts of a source issue the comparisons read. */
interface SourceIssue {
  key: string;
  fields: {
    summary: string;
    issuetype: { name: string };
    status: { name: string; statusCategory: { key: string } };
    resolution: { name: string } | null;
    resolutiondate: string | null;
    created: string;
    updated: string;
    labels: string[];
    description: string | null;
    parent?: { key: string };
    comment: { comments: unknown[] };
  };
  changelog: { histories: Array<{ items: unknown[] }> };
}

interface FoundIssue {
  key: string;
  fields: { status?: { statusCategory: { key: string } }; reporter?: { displayName: string } };
}

beforeEach(() => {
  app = createWorkbenchApp({ dataFile: ':memory:', now: () => NOW });
});

afterEach(() => app.close());

/** Searches as a demo user through the emulator's REST face, the way the app does. */
async function search(user: string, jql: string, fields: string[] = ['summary']) {
  const res = await app.jira.handle({
    method: 'POST',
    path: '/rest/api/3/search/jql',
    body: JSON.stringify({ jql, maxResults: 100, fields }),
    actor: { type: 'user', accountId: app.accountIdOf(user) },
  });
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as { issues: FoundIssue[] };
}

/** Source issues of the Apache file, by key, for comparison with what was stored. */
function apacheSource(): Map<string, SourceIssue> {
  const lines = zlib.gunzipSync(fs.readFileSync(APACHE)).toString('utf8').split('\n').filter(Boolean);
  return new Map(lines.map((l) => JSON.parse(l) as SourceIssue).map((i) => [i.key, i]));
}

describe('importing the Apache Jira export (REST v2, jsonl.gz)', () => {
  it('imports all 442 issues into their 20 projects in a few seconds, skipping none', async () => {
    const started = Date.now();
    const report = await importIssues(app, APACHE);
    const ms = Date.now() - started;
    console.log(
      `Apache import: ${report.imported} issues, ${report.skipped.length} skipped, ${report.projects.length} projects, ${ms} ms`,
    );

    expect(report.imported).toBe(442);
    expect(report.skipped).toEqual([]);
    expect(report.projects).toHaveLength(20);
    expect(report.projects).toEqual(expect.arrayContaining(['CB', 'DRILL', 'CLIMATE', 'ANY23', 'TEZ']));
    expect(app.jira.store.countIssues()).toBe(442);
    expect(ms).toBeLessThan(5000);
  });

  it('keeps fields, comments and the changelog of every issue as the source had them', async () => {
    await importIssues(app, APACHE);
    const source = apacheSource();
    let comments = 0;
    let histories = 0;
    for (const [key, raw] of source) {
      const stored = app.jira.store.getIssue(key);
      expect(stored).not.toBeNull();
      if (!stored) continue;
      const f = raw.fields;
      expect(stored.summary).toBe(f.summary);
      expect(stored.type).toBe(f.issuetype.name);
      expect(stored.statusName).toBe(f.status.name);
      expect(stored.statusCategory).toBe(f.status.statusCategory.key);
      expect(stored.resolution).toBe(f.resolution?.name ?? null);
      // When it was resolved, not its last update (every one of these was touched after it was resolved).
      expect(stored.resolutionDate).toBe(f.resolutiondate && new Date(f.resolutiondate).toISOString());
      expect(stored.created).toBe(new Date(f.created).toISOString());
      expect(stored.updated).toBe(new Date(f.updated).toISOString());
      expect(stored.labels).toEqual(f.labels);
      expect(stored.descriptionWiki).toBe(f.description ?? null);
      if (f.parent) expect(stored.parentKey).toBe(f.parent.key);
      const storedComments = app.jira.store.listComments(stored.id);
      expect(storedComments).toHaveLength(f.comment.comments.length);
      comments += storedComments.length;
      const withItems = raw.changelog.histories.filter((h) => h.items.length > 0).length;
      expect(app.jira.store.listChangelog(stored.id)).toHaveLength(withItems);
      histories += withItems;
    }
    console.log(`Apache import kept ${comments} comments and ${histories} changelog entries`);
    expect(comments).toBeGreaterThan(100);
  });

  it('makes the imported projects searchable by the demo users with their usual roles', async () => {
    await importIssues(app, APACHE);
    const drill = await search('viewer', 'project = DRILL ORDER BY key ASC', [
      'summary',
      'status',
      'reporter',
    ]);
    expect(drill.issues).toHaveLength(57);
    expect(drill.issues[0]?.fields.status?.statusCategory.key).toBe('done');
    expect(drill.issues[0]?.fields.reporter?.displayName).toEqual(expect.any(String));
    expect((await search('member', 'project = CB AND issuetype = Bug')).issues.length).toBeGreaterThan(0);
    expect((await search('outsider', 'project = CB')).issues).toHaveLength(0);
  });
});

describe('importing other shapes', () => {
  it('reads REST v3 issues with ADF bodies, Cloud sprints, a parent and account ids', async () => {
    const report = await importIssues(app, fixture('cloud-v3.jsonl'));
    expect(report).toEqual({ imported: 3, skipped: [], projects: ['ORB'] });

    const story = app.jira.store.getIssue('ORB-2');
    expect(story).toMatchObject({
      type: 'Story',
      statusName: 'In Progress',
      statusCategory: 'indeterminate',
      parentKey: 'ORB-1',
      assignee: '5f1a2b3c4d5e6f0011225566',
      reporter: '5f1a2b3c4d5e6f0011223344',
      storyPoints: 5,
      descriptionWiki: null,
    });
    expect(JSON.stringify(story?.description)).toContain('invite my teammates');
    expect(story?.sprints.map((s) => [s.id, s.state])).toEqual([
      [31, 'closed'],
      [32, 'active'],
    ]);
    const comments = app.jira.store.listComments(story!.id);
    expect(comments.map((c) => (c.body as { type: string }).type)).toEqual(['doc', 'doc']);
    expect(JSON.stringify(comments[0]?.body)).toContain('Carried over from Sprint 7');
    expect(app.jira.store.listChangelog(story!.id).map((h) => h.items[0]?.field)).toEqual([
      'Sprint',
      'status',
      'Sprint',
    ]);
    expect(app.jira.store.getIssueProperty('ORB-2', IMPORT_PROPERTY_KEY)).toEqual({
      links: [{ type: 'blocks', direction: 'outward', issueKey: 'ORB-3' }],
    });
    expect(app.findUser('5f1a2b3c4d5e6f0011223344')?.displayName).toBe('Alice Nakamura');
    // A changelog entry with no author (Jira's automation) is kept under a system user.
    const bug = app.jira.store.getIssue('ORB-3')!;
    expect(app.jira.store.listChangelog(bug.id)[0]?.author).toBe('imported:jira-system');
    expect(bug).toMatchObject({ statusCategory: 'done', resolution: 'Done', description: null });
  });

  it('reads a v2 search response with wiki markup, Server sprint strings and an Epic Link field', async () => {
    const report = await importIssues(app, fixture('server-v2-search.json'));
    expect(report).toEqual({ imported: 2, skipped: [], projects: ['LEG'] });
    expect(app.jira.store.getProject('LEG')?.name).toBe('Legacy Merchant Portal');

    const child = app.jira.store.getIssue('LEG-12');
    expect(child).toMatchObject({
      type: 'Improvement',
      parentKey: 'LEG-7',
      descriptionWiki: 'Reject rows with {{price < 0}} and show the line number.',
      assignee: 'jira-server:dan.k',
    });
    expect(child?.sprints).toEqual([
      expect.objectContaining({
        id: 71,
        state: 'closed',
        name: 'Merchant 19.10',
        completeDate: '2019-05-27T16:00:00.000Z',
      }),
      expect.objectContaining({ id: 72, state: 'active', name: 'Merchant 19.11' }),
    ]);
    // Obfuscated addresses are not addresses.
    expect(app.findUser('jira-server:dan.k')?.emailAddress).toBeNull();
    expect(app.findUser('jira-server:carol')?.emailAddress).toBe('carol@example.org');
    expect(app.jira.store.getIssue('LEG-7')?.descriptionWiki).toContain('h3. Goal');
  });

  it('reports malformed lines with their line numbers and imports the good ones', async () => {
    const report = await importIssues(app, fixture('with-bad-lines.jsonl'));
    expect(report.imported).toBe(4);
    expect(report.projects).toEqual(['MIX']);
    expect(report.skipped.map((s) => s.line)).toEqual([2, 4, 6, 7, 8]);
    expect(report.skipped[0]?.reason).toMatch(/not valid JSON/);
    expect(report.skipped[1]?.reason).toBe('MIX-3 has no fields');
    expect(report.skipped[2]?.reason).toMatch(/is not a Jira issue key/);
    expect(report.skipped[3]?.reason).toBe('not an issue object');
    expect(report.skipped[4]?.reason).toBe('MIX-7 has no summary');
    expect(app.jira.store.getIssue('MIX-4')?.summary).toContain('CafÃ©');
    // A raw Latin-1 byte is not valid UTF-8: it becomes a replacement character, not an error.
    expect(app.jira.store.getIssue('MIX-9')?.summary).toMatch(/^Cr.me br.l.e photos/);
  });

  it('moves every issue into another project with projectKey, keeping numbers and parents', async () => {
    const report = await importIssues(app, fixture('cloud-v3.jsonl'), { projectKey: 'SANDBOX' });
    expect(report.projects).toEqual(['SANDBOX']);
    expect(app.jira.store.getIssue('SANDBOX-2')?.parentKey).toBe('SANDBOX-1');
    expect(app.jira.store.getIssue('ORB-2')).toBeNull();
  });
});

describe('importing a secured issue', () => {
  it('keeps its security level: hidden from the demo users until the level lets one in', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'import-')), 'secured.json');
    const issue = (key: string, security?: object) => ({
      key,
      fields: { summary: `Issue ${key}`, issuetype: { name: 'Story' }, ...(security ? { security } : {}) },
    });
    fs.writeFileSync(
      file,
      JSON.stringify([issue('SEC-1'), issue('SEC-2', { id: '10100', name: 'HR only', description: 'HR' })]),
    );
    expect((await importIssues(app, file, { now: NOW })).imported).toBe(2);
    expect(app.jira.store.getSecurityLevel('HR only')).toMatchObject({ description: 'HR', accountIds: [] });
    expect((await search('admin', 'project = SEC')).issues.map((i) => i.key)).toEqual(['SEC-1']);
    app.jira.store.addSecurityLevelMember('HR only', app.accountIdOf('admin'));
    expect((await search('admin', 'project = SEC')).issues.map((i) => i.key).sort()).toEqual([
      'SEC-1',
      'SEC-2',
    ]);
  });
});

describe('importing again', () => {
  it('skips issues that already exist and loses nothing stored since', async () => {
    await importIssues(app, fixture('cloud-v3.jsonl'));
    const store = app.jira.store;
    store.addComment('ORB-2', {
      author: app.accountIdOf('member'),
      body: 'Local note',
      created: NOW.toISOString(),
    });
    store.setIssueProperty('ORB-2', 'outcome-lens', { score: 80 });
    const before = store.getIssue('ORB-2')!;

    const again = await importIssues(app, fixture('cloud-v3.jsonl'));
    expect(again.imported).toBe(0);
    expect(again.skipped).toEqual([
      { line: 1, reason: 'ORB-1 already exists; left as it was' },
      { line: 2, reason: 'ORB-2 already exists; left as it was' },
      { line: 3, reason: 'ORB-3 already exists; left as it was' },
    ]);
    expect(store.getIssue('ORB-2')).toEqual(before);
    expect(store.listComments(before.id).map((c) => JSON.stringify(c.body))).toEqual([
      expect.stringContaining('Carried over'),
      expect.stringContaining('Approved today'),
      expect.stringContaining('Local note'),
    ]);
    expect(store.getIssueProperty('ORB-2', 'outcome-lens')).toEqual({ score: 80 });
    expect(store.countIssues()).toBe(3);
  });

  it('never renames a user the workbench already knows', async () => {
    app.jira.store.upsertUser({ accountId: '5f1a2b3c4d5e6f0011223344', displayName: 'Alice (local)' });
    await importIssues(app, fixture('cloud-v3.jsonl'));
    expect(app.findUser('5f1a2b3c4d5e6f0011223344')?.displayName).toBe('Alice (local)');
  });

  it('refuses a file type it cannot read, writing nothing', async () => {
    await expect(importIssues(app, fixture('nothing.csv'))).rejects.toThrow(/Unsupported file type/);
    expect(app.jira.store.countIssues()).toBe(0);
  });
});

describe('what an import tells the person who ran it', () => {
  it('names the first skipped lines, counts the rest, and says when the file is in another shape', () => {
    const flat = {
      imported: 0,
      projects: [],
      skipped: Array.from({ length: 25 }, (_, i) => ({ line: i + 1, reason: `FLAT-${i + 1} has no fields` })),
    };
    const log = importLog('stories.jsonl', flat);
    expect(log[0]).toBe('imported stories.jsonl: 0 issue(s) into no project');
    expect(log[1]).toMatch(
      /^ {2}no line of stories\.jsonl is a Jira REST issue \(an object with its "fields"\)/,
    );
    expect(log.filter((l) => l.startsWith('  skipped line '))).toHaveLength(SKIPPED_LINES_NAMED);
    expect(log.at(-1)).toBe(`  … and ${25 - SKIPPED_LINES_NAMED} more line(s) skipped`);
  });

  it('says nothing of the shape when some issues were read', () => {
    const log = importLog('mixed.jsonl', {
      imported: 3,
      projects: ['AB'],
      skipped: [{ line: 4, reason: 'AB-4 has no fields' }],
    });
    expect(log).toEqual(['imported mixed.jsonl: 3 issue(s) into AB', '  skipped line 4: AB-4 has no fields']);
  });
});
