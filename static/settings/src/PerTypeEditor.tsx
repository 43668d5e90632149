/**
 * Zombie thresholds per issue type in Atlaskit's DynamicTable, as the other settings tables: one row per type, a
 * blank cell means the project default; each cell's label names its input and its error sits under it.
 * Rows are edited as text and turned into the settings record on save, so a half-typed number is never lost.
 */
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import { ErrorMessage } from '@atlaskit/form/error-message';
import Textfield from '@atlaskit/textfield';
import type { ChangeEvent, ReactNode } from 'react';
import type { ZombieThresholds } from '../../../src/domain/settings';
import { TableScroll } from '../../shared/TableScroll';
import { cellPath, newRow, THRESHOLD_FIELDS, typeErrorKey, type TypeRow } from './per-type-rows';

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
  const cell = (id: string, error: string | undefined, input: ReactNode) => (
    <>
      {input}
      {error ? (
        <div id={`${id}-error`}>
          <ErrorMessage>{error}</ErrorMessage>
        </div>
      ) : null}
    </>
  );
  return (
    <div className="ol-stack">
      <TableScroll label="Thresholds per issue type, scrolls sideways">
        <DynamicTable
          label="Thresholds per issue type"
          testId="per-type-table"
          head={{
            cells: [
              { key: 'type', content: 'Issue type' },
              ...THRESHOLD_FIELDS.map((f) => ({ key: f.key, content: f.label })),
              ...(p.readOnly ? [] : [{ key: 'remove', content: <span className="ol-sr-only">Remove</span> }]),
            ],
          }}
          emptyView={<p className="ol-muted">Every issue type uses the project thresholds.</p>}
          rows={p.rows.map((row, i) => {
            const typeError = p.error(typeErrorKey(row));
            const typeId = `per-type-${row.id}-type`;
            return {
              key: row.id,
              testId: `per-type-row-${i}`,
              cells: [
                {
                  key: 'type',
                  content: cell(
                    typeId,
                    typeError,
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
                    />,
                  ),
                },
                ...THRESHOLD_FIELDS.map((f) => {
                  const id = `per-type-${row.id}-${f.key}`;
                  const error = row.type.trim() ? p.error(cellPath(row.type, f.key)) : undefined;
                  return {
                    key: f.key,
                    content: cell(
                      id,
                      error,
                      <Textfield
                        id={id}
                        isCompact
                        isReadOnly={p.readOnly}
                        isInvalid={Boolean(error)}
                        inputMode="numeric"
                        aria-label={`${f.label} for ${nameOf(row, i)}`}
                        // No hint while the project threshold above is not a number.
                        placeholder={
                          Number.isFinite(p.defaults[f.key]) ? `${p.defaults[f.key]} (default)` : undefined
                        }
                        value={row.values[f.key]}
                        aria-invalid={error ? true : undefined}
                        aria-describedby={error ? `${id}-error` : 'per-type-help'}
                        onChange={(e: ChangeEvent<HTMLInputElement>) =>
                          update(row.id, (r) => ({
                            ...r,
                            values: { ...r.values, [f.key]: e.target.value },
                          }))
                        }
                      />,
                    ),
                  };
                }),
                ...(p.readOnly
                  ? []
                  : [
                      {
                        key: 'remove',
                        content: (
                          <Button
                            aria-label={`Remove thresholds for ${nameOf(row, i)}`}
                            onClick={() => p.onChange(p.rows.filter((r) => r.id !== row.id))}
                          >
                            Remove
                          </Button>
                        ),
                      },
                    ]),
              ],
            };
          })}
        />
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
