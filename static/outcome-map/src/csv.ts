/** CSV and JSON exports built in the browser from what the page already loaded. */
import type { DecisionEntry, HealthData } from '../../../src/contract/project-page';
import { ruleLabel } from '../../shared/zombie-rules';

/**
 * Spreadsheets start a formula at `=`, `+`, `-` or `@`, even after leading spaces or control characters, and
 * some at a leading tab or carriage return (OWASP's CSV injection guidance). Such text cells get a `'` in front.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this guard looks for
const FORMULA_START = /^[\s\u0000-\u001f]*[=+\-@]|^[\t\r]/;

/** One CSV cell: finite numbers as numbers (a negative stays a number); everything else quoted text. */
export function csvCell(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = typeof value === 'string' ? value : value == null ? '' : (JSON.stringify(value) ?? '');
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The decision log, what was decided in its own columns: dates as ISO text, counts and values as numbers. */
export const DECISION_COLUMNS = [
  'when',
  'issue',
  'decision',
  'by',
  'reason',
  'rules',
  'relinked to',
  'previous outcome',
  'snooze until',
  'kill date',
  'max idle days',
  'max sprints carried',
  'threshold metric',
  'threshold comparison',
  'threshold value',
  'threshold by',
  'kill condition',
  'condition review date',
  'transition',
  'resolution',
];

export function decisionsCsv(entries: DecisionEntry[]): string {
  return toCsv(
    DECISION_COLUMNS,
    entries.map((e) => {
      const k = e.killCriteria;
      const t = k?.metricThreshold;
      return [
        e.at,
        e.issueKey,
        e.kind,
        // People read the CSV: the name; the JSON export keeps the account id for tools.
        e.byName ?? e.by,
        e.reason,
        e.rules.map((r) => `${ruleLabel(r.rule)} since ${r.since}`).join('; '),
        e.relinkedTo?.name ?? '',
        e.previousOutcome ? (e.previousOutcome.name ?? e.previousOutcome.id) : '',
        e.snoozeUntil ?? '',
        k?.deadline ?? '',
        k?.maxIdleDays ?? '',
        k?.maxSprintsCarried ?? '',
        t?.metric ?? '',
        t ? (t.comparison === 'atLeast' ? 'at least' : 'at most') : '',
        t?.value ?? '',
        t?.by ?? '',
        k?.condition?.text ?? '',
        k?.condition?.reviewDate ?? '',
        e.transition ?? '',
        e.resolution ?? '',
      ];
    }),
  );
}

export function healthCsv(h: HealthData): string {
  const rows: unknown[][] = [];
  const c = h.current;
  const m = h.movement;
  rows.push(['total', 'open items', c.total, '', m?.total ?? '']);
  for (const r of c.reporters) rows.push(['reporter', r.reporter ?? 'unknown', r.count, r.share, '']);
  rows.push(['framing', 'recipes', c.recipes.count, c.recipes.share, m?.recipeShare ?? '']);
  rows.push(['framing', 'problems', c.problems.count, c.problems.share, '']);
  for (const ex of c.recipes.examples)
    rows.push(['recipe example', `${ex.key} ${ex.summary}`, '', '', ex.phrases.join('; ')]);
  rows.push(['links', 'linked', c.links.linked.count, c.links.linked.share, m?.linkedShare ?? '']);
  rows.push(['links', 'direct', c.links.direct.count, c.links.direct.share, '']);
  rows.push(['links', 'through epic', c.links.inherited.count, c.links.inherited.share, '']);
  rows.push(['links', 'none', c.links.none.count, c.links.none.share, '']);
  for (const b of c.scores.buckets) rows.push(['score', `${b.from}-${b.to}`, b.count, '', '']);
  rows.push(['score', 'mean', c.scores.mean ?? '', '', m?.meanScore ?? '']);
  rows.push(['zombies', 'all', c.zombies.count, c.zombies.share, m?.zombies ?? '']);
  for (const [rule, n] of Object.entries(c.zombies.byRule))
    rows.push(['zombies by rule', ruleLabel(rule), n, '', '']);
  return toCsv(['section', 'item', 'count', 'share', 'change since last scan'], rows);
}

/** Offers text as a file download; returns the object URL's file name for the page to announce. */
export function download(filename: string, text: string, mime: string): string {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.setAttribute('data-testid', 'download-link');
  document.body.appendChild(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
    a.remove();
  }, 1000);
  return filename;
}
