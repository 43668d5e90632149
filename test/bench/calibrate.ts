/**
 * Calibration replay of a 10,000-issue project: the pure core (src/domain/calibration.ts) over a generated
 * history of two and a half years (issue types, comments, resolutions, reopens), quarterly scan dates over 24
 * months. Jira calls are not counted here: the app's paged run over Jira is not built yet (issue 11, part D).
 */
import { calibrateProject, type HistoryIssue, type ResolutionMapping } from '../../src/domain/calibration';

const ISSUES = 10_000;
const AS_OF = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const START = AS_OF.getTime() - 900 * DAY;
const TYPES = ['Story', 'Bug', 'Task', 'Improvement'];
const MAPPING: ResolutionMapping = {
  delivered: ['Fixed', 'Done'],
  abandoned: ["Won't Fix", 'Duplicate', 'Obsolete'],
};

// A small deterministic generator, so every run measures the same history.
let seed = 42;
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const iso = (ms: number) => new Date(ms).toISOString();

const issues: HistoryIssue[] = [];
for (let i = 1; i <= ISSUES; i++) {
  const created = START + random() * 880 * DAY;
  const activity = Array.from({ length: Math.floor(random() * 8) }, () =>
    iso(created + random() * 400 * DAY),
  );
  const changes: HistoryIssue['resolutionChanges'] = [];
  const fate = random();
  if (fate < 0.75) {
    const closed = created + (5 + random() * 500) * DAY;
    if (closed < AS_OF.getTime()) {
      const name = fate < 0.5 ? 'Fixed' : fate < 0.6 ? 'Done' : fate < 0.7 ? "Won't Fix" : 'Duplicate';
      changes.push({ at: iso(closed), to: name });
      if (random() < 0.03) changes.push({ at: iso(closed + 10 * DAY), to: null });
    }
  }
  issues.push({
    key: `BIG-${i}`,
    projectKey: 'BIG',
    issueType: TYPES[i % TYPES.length]!,
    created: iso(created),
    activity,
    resolutionChanges: changes,
  });
}

const options = { asOf: AS_OF, mapping: MAPPING, currentIdleDays: 60 };
calibrateProject('BIG', issues.slice(0, 1000), options); // warm up
const start = process.hrtime.bigint();
const result = calibrateProject('BIG', issues, options);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;

console.log(
  JSON.stringify(
    {
      bench: 'calibrate',
      what: 'replay of a 10,000-issue history at quarterly scan dates, pure core, one core',
      issues: ISSUES,
      scanDates: result.scanDates.length,
      seconds: Math.round(seconds * 1000) / 1000,
      jiraCalls: null,
      heapUsedMB: Math.round(process.memoryUsage().heapUsed / 1e6),
      proposal: result.thresholds,
      delivered: result.delivered,
      abandoned: result.abandoned,
    },
    null,
    2,
  ),
);
