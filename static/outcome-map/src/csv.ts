/** CSV and JSON exports built in the browser from what the page already loaded. */
import type { DecisionEntry, HealthData } from '../../../src/contract/project-page';
import type { HealthExample } from '../../../src/domain/backlog-health';
import { ruleLabel } from '../../../src/domain/zombie-rule-labels';

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

/**
 * Excel reads a CSV file without a byte order mark in the system's code page ("Schaltfläche" shows as
 * "SchaltflÃ¤che"); with one it reads UTF-8. Other spreadsheets and CSV readers skip it.
 */
const UTF8_BOM = '\ufeff';

export function toCsv(header: string[], rows: unknown[][]): string {
  return UTF8_BOM + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
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

/** A 0..1 share as a percentage with one decimal, the unit of the health CSV's percent columns. */
const percent = (share: number) => Math.round(share * 1000) / 10;

/** The same phrase found twice in one story says nothing new: each once, in the order first found. */
function distinctPhrases(phrases: readonly string[]): string[] {
  const seen = new Set<string>();
  return phrases.filter((p) => {
    const key = p.trim().toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The backlog health CSV's columns: each holds one unit, so a spreadsheet can sum or chart it as it is. */
export const HEALTH_CSV_HEADER = [
  'section',
  'item',
  'open items',
  'percent of open items',
  'score',
  'change in open items since last scan',
  'change in percentage points since last scan',
  'change in score since last scan',
  'recipe phrases',
];

export function healthCsv(h: HealthData): string {
  const rows: unknown[][] = [];
  const c = h.current;
  const m = h.movement;
  const points = (share: number | undefined) => (share === undefined ? '' : percent(share));
  // One row: the cells a row leaves out stay empty, so a column never mixes units.
  const row = (
    section: string,
    item: string,
    cells: {
      count?: number;
      share?: number;
      score?: number | null;
      countChange?: number;
      shareChange?: number;
      scoreChange?: number | null;
      phrases?: string[];
    },
  ) =>
    rows.push([
      section,
      item,
      cells.count ?? '',
      points(cells.share),
      cells.score ?? '',
      cells.countChange ?? '',
      points(cells.shareChange),
      cells.scoreChange ?? '',
      cells.phrases ? distinctPhrases(cells.phrases).join('; ') : '',
    ]);
  row('total', 'open items', { count: c.total, countChange: m?.total });
  for (const r of c.reporters) row('reporter', r.reporter ?? 'unknown', { count: r.count, share: r.share });
  row('framing', 'recipes', { count: c.recipes.count, share: c.recipes.share, shareChange: m?.recipeShare });
  row('framing', 'problems', { count: c.problems.count, share: c.problems.share });
  for (const ex of c.recipes.examples)
    row('recipe example', `${ex.key} ${ex.summary}`, { phrases: ex.phrases });
  const links = c.links;
  row('links', 'linked', {
    count: links.linked.count,
    share: links.linked.share,
    shareChange: m?.linkedShare,
  });
  row('links', 'direct', { count: links.direct.count, share: links.direct.share });
  row('links', 'through epic', { count: links.inherited.count, share: links.inherited.share });
  row('links', 'none', { count: links.none.count, share: links.none.share });
  const shareOf = (n: number) => (c.total ? n / c.total : 0);
  for (const b of c.scores.buckets)
    row('score', `${b.from}-${b.to}`, { count: b.count, share: shareOf(b.count) });
  row('score', 'mean', { score: c.scores.mean, scoreChange: m?.meanScore });
  row('score', 'median', { score: c.scores.median });
  row('zombies', 'all', { count: c.zombies.count, share: c.zombies.share, countChange: m?.zombies });
  for (const [rule, n] of Object.entries(c.zombies.byRule))
    row('zombies by rule', ruleLabel(rule), { count: n, share: shareOf(n) });
  return toCsv(HEALTH_CSV_HEADER, rows);
}

export const RECIPES_CSV_HEADER = ['key', 'summary', 'recipe phrases'];

/** Every recipe listed, one row each, with the phrases that make it one. */
export function recipesCsv(recipes: readonly HealthExample[]): string {
  return toCsv(
    RECIPES_CSV_HEADER,
    recipes.map((r) => [r.key, r.summary, distinctPhrases(r.phrases).join('; ')]),
  );
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
