/**
 * A Jira REST export of one project's history, generated from a seed: issues as `GET /rest/api/2/issue/{key}
 * ?expand=changelog` returns them (fields, comments, a changelog with status and resolution changes), over two
 * and a half years before `asOf`. Large enough to propose limits (the Apache file in data/ is not: no project
 * there has 100 delivered items), read the same way by `outcome-lens calibrate` and by the workbench's importer.
 */
import fs from 'node:fs';

export interface HistoryExportOptions {
  projectKey: string;
  issues: number;
  asOf: Date;
  seed?: number;
}

const DAY = 86_400_000;
const TYPES = ['Story', 'Bug', 'Task', 'Improvement'];
const PEOPLE = ['ana', 'bo', 'cy', 'di'];

export function generateHistoryExport(options: HistoryExportOptions): Array<Record<string, unknown>> {
  let seed = options.seed ?? 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const iso = (ms: number) => new Date(Math.floor(ms)).toISOString().replace('Z', '+0000');
  const asOf = options.asOf.getTime();
  const start = asOf - 900 * DAY;
  const user = (name: string) => ({ name, key: name, displayName: name.toUpperCase() });
  const out: Array<Record<string, unknown>> = [];
  for (let n = 1; n <= options.issues; n++) {
    const type = TYPES[n % TYPES.length]!;
    const created = start + random() * 880 * DAY;
    // Bugs are picked up sooner and abandoned less often: the types differ, as on a real site.
    const fate = random();
    const closeAfter = (type === 'Bug' ? 3 : 10) + random() * (type === 'Bug' ? 200 : 420) * (0.3 + random());
    const closedAt = created + closeAfter * DAY;
    const closes = fate < 0.78 && closedAt < asOf;
    const resolution = !closes
      ? null
      : fate < (type === 'Bug' ? 0.62 : 0.5)
        ? 'Fixed'
        : fate < 0.6
          ? 'Done'
          : fate < 0.7
            ? "Won't Fix"
            : 'Duplicate';
    const comments = Array.from({ length: Math.floor(random() * 6) }, () => ({
      author: user(PEOPLE[Math.floor(random() * PEOPLE.length)]!),
      body: 'Looked at this again.',
      created: iso(created + random() * Math.min(closeAfter, (asOf - created) / DAY) * DAY),
    }));
    const histories: Array<Record<string, unknown>> = [];
    if (random() < 0.6) {
      const at = created + random() * Math.min(closeAfter, (asOf - created) / DAY) * DAY;
      histories.push({
        id: `${n}1`,
        author: user('ana'),
        created: iso(at),
        items: [{ field: 'status', fieldtype: 'jira', fromString: 'Open', toString: 'In Progress' }],
      });
    }
    if (resolution) {
      histories.push({
        id: `${n}2`,
        author: user('bo'),
        created: iso(closedAt),
        items: [
          { field: 'status', fieldtype: 'jira', fromString: 'In Progress', toString: 'Resolved' },
          { field: 'resolution', fieldtype: 'jira', fromString: null, toString: resolution },
        ],
      });
    }
    const last = Math.max(
      created,
      ...comments.map((c) => Date.parse(c.created.replace('+0000', 'Z'))),
      ...histories.map((h) => Date.parse(String(h.created).replace('+0000', 'Z'))),
    );
    out.push({
      key: `${options.projectKey}-${n}`,
      fields: {
        summary: `${type} ${n} of the generated history`,
        issuetype: { name: type },
        status: resolution
          ? { name: 'Resolved', statusCategory: { key: 'done' } }
          : { name: 'Open', statusCategory: { key: 'new' } },
        resolution: resolution ? { name: resolution } : null,
        resolutiondate: resolution ? iso(closedAt) : null,
        created: iso(created),
        updated: iso(last),
        reporter: user('cy'),
        comment: { comments, total: comments.length },
      },
      changelog: { histories },
    });
  }
  return out;
}

export function writeJsonl(file: string, issues: ReadonlyArray<Record<string, unknown>>): void {
  fs.writeFileSync(file, issues.map((i) => JSON.stringify(i)).join('\n') + '\n');
}
