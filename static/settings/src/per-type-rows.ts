/**
 * The per-issue-type thresholds as the table edits them: rows of text, turned into the settings record on save,
 * so a half-typed number is never lost.
 */
import type { DecimalMark } from '../../../src/domain/amounts';
import type { Settings, ZombieThresholds } from '../../../src/domain/settings';
import { typedValue } from './typed-numbers';

export const THRESHOLD_FIELDS = [
  { key: 'maxIdleDays', label: 'Max idle days' },
  { key: 'maxSprintsCarried', label: 'Max sprints carried over' },
  { key: 'unlinkedMaxAgeDays', label: 'Max age of unlinked work (days)' },
] as const satisfies ReadonlyArray<{ key: keyof ZombieThresholds; label: string }>;
type FieldKey = (typeof THRESHOLD_FIELDS)[number]['key'];

export interface TypeRow {
  /** Stable React key; not saved. */
  id: string;
  type: string;
  values: Record<FieldKey, string>;
}

let counter = 0;
export function newRow(type = ''): TypeRow {
  counter += 1;
  return {
    id: `row-${counter}`,
    type,
    values: { maxIdleDays: '', maxSprintsCarried: '', unlinkedMaxAgeDays: '' },
  };
}

export function rowsOf(perIssueType: Settings['zombie']['perIssueType']): TypeRow[] {
  return Object.entries(perIssueType).map(([type, t]) => {
    const row = newRow(type);
    for (const f of THRESHOLD_FIELDS) row.values[f.key] = t[f.key] === undefined ? '' : String(t[f.key]);
    return row;
  });
}

/** The error key of a row's type-name cell (not a settings path: the name is the record's key). */
export const typeErrorKey = (row: TypeRow) => `perIssueType.row.${row.id}.type`;
/** The settings path of a cell, as the zod errors name it. */
export const cellPath = (type: string, field: FieldKey) => `zombie.perIssueType.${type.trim()}.${field}`;

/**
 * The rows as the settings record, or errors keyed for the cells. A row with no name and no values is
 * ignored; each value is read as the other number fields are, with the person's decimal `mark` ("1.000" is a
 * thousand days to a decimal comma); values that are not numbers become NaN so the settings schema names the
 * problem at the cell.
 */
export function recordOf(
  rows: TypeRow[],
  mark: DecimalMark,
): {
  record: Settings['zombie']['perIssueType'];
  errors: Record<string, string>;
} {
  const kept: Array<[string, Partial<ZombieThresholds>]> = [];
  const errors: Record<string, string> = {};
  const seen = new Set<string>();
  for (const row of rows) {
    const name = row.type.trim();
    const filled = THRESHOLD_FIELDS.filter((f) => row.values[f.key].trim() !== '');
    if (!name) {
      if (filled.length) errors[typeErrorKey(row)] = 'Name the issue type these thresholds are for.';
      continue;
    }
    if (seen.has(name.toLowerCase())) {
      errors[typeErrorKey(row)] = `${name} has a row already.`;
      continue;
    }
    seen.add(name.toLowerCase());
    const t: Partial<ZombieThresholds> = {};
    for (const f of filled) t[f.key] = typedValue(row.values[f.key], mark);
    kept.push([name, t]);
  }
  // Object.fromEntries keeps a type named "__proto__" as a key; `record[name] = t` would set the prototype.
  return { record: Object.fromEntries(kept), errors };
}

/**
 * The error keys of the cells a table edit changed (`before` to `after`): a cell whose text changed, every cell of a
 * row renamed (its refusals were for the old name's thresholds) or removed. A refusal there was about the text the
 * cell held, so the page drops it.
 */
export function changedCells(before: readonly TypeRow[], after: readonly TypeRow[]): string[] {
  const now = new Map(after.map((row) => [row.id, row]));
  const everyCell = (row: TypeRow) => [
    typeErrorKey(row),
    ...THRESHOLD_FIELDS.map((f) => cellPath(row.type, f.key)),
  ];
  return before.flatMap((was) => {
    const row = now.get(was.id);
    if (!row || row.type !== was.type) return everyCell(was);
    return THRESHOLD_FIELDS.filter((f) => row.values[f.key] !== was.values[f.key]).map((f) =>
      cellPath(row.type, f.key),
    );
  });
}
