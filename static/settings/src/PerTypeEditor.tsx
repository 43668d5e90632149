/**
 * Zombie thresholds per issue type as a table: one row per type, a blank cell means the project default.
 * Rows are edited as text and turned into the settings record on save, so a half-typed number is never lost.
 */
import { ErrorMessage } from '@atlaskit/form/error-message';
import Textfield from '@atlaskit/textfield';
import type { ChangeEvent } from 'react';
import Button from '@atlaskit/button/new';
import type { Settings, ZombieThresholds } from '../../../src/domain/settings';
import { TableScroll } from '../../shared/TableScroll';

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
 * ignored; values that are not numbers become NaN so the settings schema names the problem at the cell.
 */
export function recordOf(rows: TypeRow[]): {
  record: Settings['zombie']['perIssueType'];
  errors: Record<string, string>;
} {
  const record: Settings['zombie']['perIssueType'] = {};
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
    for (const f of filled) t[f.key] = Number(row.values[f.key].trim());
    record[name] = t;
  }
  return { record, errors };
}

export function PerTypeEditor(p: {
  rows: TypeRow[];
  onChange: (rows: TypeRow[]) => void;
  defaults: ZombieThresholds;
  suggestions: string[];
  readOnly: boolean;
  error: (key: string) => string | undefined;
}) {
  const update = (id: string, change: (row: TypeRow) => TypeRow) =>
    p.onChange(p.rows.map((r) => (r.id === id ? change(r) : r)));
  const nameOf = (row: TypeRow, i: number) => row.type.trim() || `row ${i + 1}`;
  return (
    <div className="ol-stack">
      <TableScroll label="Thresholds per issue type, scrolls sideways">
        <table className="ol-table" aria-label="Thresholds per issue type" aria-describedby="per-type-help">
          <thead>
            <tr>
              <th scope="col">Issue type</th>
              {THRESHOLD_FIELDS.map((f) => (
                <th scope="col" key={f.key}>
                  {f.label}
                </th>
              ))}
              {!p.readOnly ? (
                <th scope="col">
                  <span className="ol-sr-only">Remove</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {p.rows.length === 0 ? (
              <tr>
                <td colSpan={THRESHOLD_FIELDS.length + 2} className="ol-muted">
                  Every issue type uses the project thresholds.
                </td>
              </tr>
            ) : null}
            {p.rows.map((row, i) => {
              const typeError = p.error(typeErrorKey(row));
              const typeId = `per-type-${row.id}-type`;
              return (
                <tr key={row.id} data-testid={`per-type-row-${i}`}>
                  <td>
                    <Textfield
                      id={typeId}
                      isCompact
                      isReadOnly={p.readOnly}
                      isInvalid={Boolean(typeError)}
                      aria-label={`Issue type of row ${i + 1}`}
                      list="issue-type-suggestions"
                      value={row.type}
                      aria-invalid={typeError ? true : undefined}
                      aria-describedby={typeError ? `${typeId}-error` : undefined}
                      onChange={(e: ChangeEvent<HTMLInputElement>) =>
                        update(row.id, (r) => ({ ...r, type: e.target.value }))
                      }
                    />
                    {typeError ? (
                      <div id={`${typeId}-error`}>
                        <ErrorMessage>{typeError}</ErrorMessage>
                      </div>
                    ) : null}
                  </td>
                  {THRESHOLD_FIELDS.map((f) => {
                    const id = `per-type-${row.id}-${f.key}`;
                    const error = row.type.trim() ? p.error(cellPath(row.type, f.key)) : undefined;
                    return (
                      <td key={f.key}>
                        <Textfield
                          id={id}
                          isCompact
                          isReadOnly={p.readOnly}
                          isInvalid={Boolean(error)}
                          inputMode="numeric"
                          aria-label={`${f.label} for ${nameOf(row, i)}`}
                          placeholder={`${p.defaults[f.key]} (default)`}
                          value={row.values[f.key]}
                          aria-invalid={error ? true : undefined}
                          aria-describedby={error ? `${id}-error` : undefined}
                          onChange={(e: ChangeEvent<HTMLInputElement>) =>
                            update(row.id, (r) => ({
                              ...r,
                              values: { ...r.values, [f.key]: e.target.value },
                            }))
                          }
                        />
                        {error ? (
                          <div id={`${id}-error`}>
                            <ErrorMessage>{error}</ErrorMessage>
                          </div>
                        ) : null}
                      </td>
                    );
                  })}
                  {!p.readOnly ? (
                    <td>
                      <Button
                        aria-label={`Remove thresholds for ${nameOf(row, i)}`}
                        onClick={() => p.onChange(p.rows.filter((r) => r.id !== row.id))}
                      >
                        Remove
                      </Button>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
      <datalist id="issue-type-suggestions">
        {p.suggestions.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <p className="ol-help" id="per-type-help">
        A blank cell uses the project threshold above.
        {p.suggestions.length ? ` Issue types in this project: ${p.suggestions.join(', ')}.` : ''}
      </p>
      {!p.readOnly ? (
        <div className="ol-actions">
          <Button
            onClick={() => {
              const row = newRow();
              p.onChange([...p.rows, row]);
              // Keyboard users land in the new row's first cell.
              setTimeout(() => document.getElementById(`per-type-${row.id}-type`)?.focus(), 0);
            }}
          >
            Add an issue type
          </Button>
        </div>
      ) : null}
    </div>
  );
}
