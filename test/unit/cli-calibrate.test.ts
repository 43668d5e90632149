import { PassThrough } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { runCli } from '../../src/cli/main';

interface ProjectLine {
  project: string;
  thresholds: { idleDays: number | null; byType: Record<string, number> };
  delivered: number;
  abandoned: number;
  basis: string;
  replay: Array<Record<string, number>>;
}

const ROOT = path.resolve(__dirname, '../..');

async function calibrate(file: string) {
  let out = '';
  let err = '';
  const code = await runCli(['calibrate', file], {
    stdin: new PassThrough(),
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    // The command replays as of the file's latest date, never the clock.
    now: () => new Date('2099-01-01T00:00:00Z'),
  });
  const lines = out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ProjectLine);
  return { code, err, lines };
}

describe('outcome-lens calibrate', () => {
  it('prints one line a project in the documented shape, and says why it keeps the defaults', async () => {
    const { code, err, lines } = await calibrate(
      path.join(ROOT, 'test/fixtures/calibrate/small-v3-search.json'),
    );
    expect(code).toBe(0);
    expect(lines.map((l) => l.project)).toEqual(['OPS', 'SHOP']);
    const shop = lines[1]!;
    expect(Object.keys(shop)).toEqual(['project', 'thresholds', 'delivered', 'abandoned', 'basis', 'replay']);
    expect(shop.thresholds).toEqual({ idleDays: null, byType: {} });
    expect([shop.delivered, shop.abandoned]).toEqual([1, 1]);
    expect(shop.basis).toMatch(
      /^Too little history: 1 item open at a replayed scan date was later delivered/,
    );
    expect(Object.keys(shop.replay[0]!)).toEqual([
      'idleDays',
      'flaggedShare',
      'laterAbandoned',
      'laterDelivered',
      'stillOpen',
    ]);
    // SHOP-3 is the one open item, last commented 42 days before the file's latest date.
    expect(shop.replay.find((r) => r.idleDays === 30)?.flaggedShare).toBe(1);
    expect(shop.replay.find((r) => r.idleDays === 45)?.flaggedShare).toBe(0);
    expect(err).toMatch(/as of 2026-01-31T09:00:00.000Z/);
    expect(err).toMatch(/Not placed, counted as neither: \(no resolution\)/);
  });

  it('proposes a limit when the history is long enough', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calibrate-'));
    const file = path.join(dir, 'big.jsonl.gz');
    const scan = Date.parse('2025-12-01T00:00:00Z');
    const iso = (ms: number) => new Date(ms).toISOString();
    const lines: unknown[] = [];
    for (let n = 1; n <= 126; n++) {
      const resolution = n <= 120 ? 'Fixed' : "Won't Fix";
      lines.push({
        key: `BIG-${n}`,
        fields: {
          created: '2025-09-01T12:00:00.000+0000',
          updated: '2026-01-15T00:00:00.000+0000',
          issuetype: { name: 'Story' },
          resolution: { name: resolution },
          resolutiondate: '2026-01-15T00:00:00.000+0000',
          // Idle at the 2025-12-01 scan date: floor(n / 2) days.
          comment: { comments: [{ created: iso(scan - n * 43_200_000), body: 'still on it' }] },
        },
        changelog: {
          histories: [
            {
              created: '2026-01-15T00:00:00.000+0000',
              items: [{ field: 'resolution', toString: resolution }],
            },
          ],
        },
      });
    }
    // Open: BIG-200 touched on the file's latest day (idle 0), BIG-201 untouched since 2025-10-01 (idle 61 at
    // the scan date, 151 at the end).
    lines.push({
      key: 'BIG-200',
      fields: { created: '2025-12-15T00:00:00.000+0000', updated: '2026-03-01T00:00:00.000+0000' },
    });
    lines.push({ key: 'BIG-201', fields: { created: '2025-10-01T00:00:00.000+0000' } });
    fs.writeFileSync(file, zlib.gzipSync(lines.map((l) => JSON.stringify(l)).join('\n')));

    const { code, lines: out } = await calibrate(file);
    expect(code).toBe(0);
    const [big] = out;
    // The 108th (90%) of 120 delivered idle times floor(n / 2), n = 1..120.
    expect(big).toMatchObject({
      project: 'BIG',
      thresholds: { idleDays: 54, byType: {} },
      delivered: 120,
      abandoned: 6,
    });
    expect(big!.basis).toMatch(/^54 days: the 90th percentile/);
    expect(big!.replay.find((r) => r.idleDays === 54)).toEqual({
      idleDays: 54,
      // Beyond 54 days at the scan date: 11 delivered (n = 110..120), 6 abandoned, BIG-201 still open.
      flaggedShare: 0.5,
      laterAbandoned: 0.333,
      laterDelivered: 0.611,
      stillOpen: 0.056,
    });
    fs.rmSync(dir, { recursive: true });
  });

  it('reads the Apache export and answers for each of its projects', async () => {
    const { code, lines, err } = await calibrate(path.join(ROOT, 'data/apache-issues-v2.jsonl.gz'));
    expect(code).toBe(0);
    expect(lines).toHaveLength(20);
    expect(err).toMatch(/442 issues, as of 2015-01-24/);
    const cb = lines.find((l) => l.project === 'CB')!;
    // 442 resolved issues sampled across 20 projects are too thin for a proposal: it says so, with figures.
    expect(cb.thresholds.idleDays).toBeNull();
    expect(cb.delivered).toBeGreaterThan(0);
    expect(cb.basis).toMatch(
      /Too little history: \d+ items open at a replayed scan date were later delivered.*at least 100/,
    );
    expect(cb.replay.map((r) => r.idleDays)).toEqual([14, 30, 45, 60, 90, 120, 180, 270, 365]);
  });

  it('refuses a missing file or a file with no issue', async () => {
    expect((await calibrate('/nonexistent/x.jsonl')).code).toBe(1);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calibrate-'));
    const empty = path.join(dir, 'none.jsonl');
    fs.writeFileSync(empty, 'not json\n{"no":"key"}\n');
    const { code, err } = await calibrate(empty);
    expect(code).toBe(1);
    expect(err).toMatch(/line 1: skipped, not valid JSON/);
    expect(err).toMatch(/line 2: skipped, not a Jira issue/);
    fs.rmSync(dir, { recursive: true });
  });
  it('reads an export saved under the other name: issues a line as .json, a search response as .jsonl', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calibrate-names-'));
    const search = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'test/fixtures/calibrate/small-v3-search.json'), 'utf8'),
    ) as { issues: unknown[] };
    const linesFile = path.join(dir, 'export.json');
    fs.writeFileSync(linesFile, search.issues.map((i) => JSON.stringify(i)).join('\n') + '\n');
    const oneLineFile = path.join(dir, 'export.jsonl');
    fs.writeFileSync(oneLineFile, JSON.stringify(search) + '\n');
    const properly = path.join(ROOT, 'test/fixtures/calibrate/small-v3-search.json');
    const expected = (await calibrate(properly)).lines;
    expect(expected.length).toBeGreaterThan(0);
    for (const file of [linesFile, oneLineFile]) {
      const read = await calibrate(file);
      expect(read.err).not.toMatch(/skipped/);
      expect([read.code, read.lines]).toEqual([0, expected]);
    }
    // Neither a document nor one a line: said, with the name that reads one issue a line.
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{"key": "A-1",\n');
    expect((await calibrate(broken)).err).toMatch(
      /line 1: skipped, not valid JSON: .* \(a file of one issue a line is read when named \.jsonl\)/,
    );
    fs.rmSync(dir, { recursive: true });
  });

  describe('a .gz file it cannot unpack', () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-calibrate-gz-'))));
    afterEach(() => fs.rmSync(dir, { recursive: true }));

    it('names a .jsonl.gz cut short, says it is truncated and how far it was read, and calibrates nothing', async () => {
      const whole = fs.readFileSync(path.join(ROOT, 'data/apache-issues-v2.jsonl.gz'));
      const file = path.join(dir, 'export.jsonl.gz');
      fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
      const { code, err, lines } = await calibrate(file);
      expect(code).toBe(1);
      expect(lines).toEqual([]);
      const said =
        /^outcome-lens: stopped reading (.+) at line (\d+): the file is cut short \(truncated\): its gzip data ends before the end, as when a copy or download did not finish; the (\d+) line\(s\) before it were read\. Nothing was calibrated\.$/m.exec(
          err,
        );
      expect(said?.[1]).toBe(file);
      expect(Number(said?.[2])).toBe(Number(said?.[3]) + 1);
      expect(Number(said?.[3])).toBeGreaterThan(0);
      expect(err).not.toMatch(/unexpected end of file/);
    });

    it('names a .json.gz that is not gzip and says so, instead of "incorrect header check"', async () => {
      const file = path.join(dir, 'export.json.gz');
      fs.copyFileSync(path.join(ROOT, 'test/fixtures/calibrate/small-v3-search.json'), file);
      const { code, err } = await calibrate(file);
      expect(code).toBe(1);
      expect(err).toBe(
        `outcome-lens: cannot read ${file}: the file is not gzip data, though its name ends in .gz: name it without .gz if it is plain JSON. Nothing was calibrated.\n`,
      );
    });

    it('says the same of a .jsonl.gz that is not gzip, before any line', async () => {
      const file = path.join(dir, 'export.jsonl.gz');
      fs.writeFileSync(file, '{"key":"A-1"}\n');
      const { code, err } = await calibrate(file);
      expect(code).toBe(1);
      expect(err).toMatch(
        new RegExp(`^outcome-lens: cannot read ${file.replace(/[.]/g, '\\.')}: the file is not gzip data`),
      );
    });

    it('names a .json.gz cut short and says it is truncated', async () => {
      const whole = zlib.gzipSync(
        fs.readFileSync(path.join(ROOT, 'test/fixtures/calibrate/small-v3-search.json')),
      );
      const file = path.join(dir, 'export.json.gz');
      fs.writeFileSync(file, whole.subarray(0, whole.length - 20));
      const { code, err } = await calibrate(file);
      expect(code).toBe(1);
      expect(err).toMatch(
        new RegExp(
          `^outcome-lens: cannot read ${file.replace(/[.]/g, '\\.')}: the file is cut short \\(truncated\\)`,
        ),
      );
      expect(err).toMatch(/Nothing was calibrated\.\n$/);
    });
  });

  it('says a JSON document too large to hold is to be exported one issue a line, without reading it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-calibrate-'));
    const file = path.join(dir, 'huge.json');
    // Sparse: 600 MB long on paper, nothing written.
    fs.closeSync(fs.openSync(file, 'w'));
    fs.truncateSync(file, 600 * 1_048_576);
    const { code, err } = await calibrate(file);
    expect(code).toBe(1);
    expect(err).toMatch(/huge\.json is too large to read as one JSON document \(600 MB; at most 511 MB\)/);
    expect(err).toMatch(/\.jsonl or \.jsonl\.gz/);
    expect(err).not.toMatch(/not valid JSON/);
    fs.rmSync(dir, { recursive: true });
  });
});
