/**
 * Labelled form controls: the visible label is the accessible name, the error sits under the field and is
 * linked to it (aria-describedby), and read-only fields stay focusable so keyboard users can still read them.
 */
import type { ChangeEvent, ReactNode } from 'react';

interface Common {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  help?: ReactNode;
  readOnly?: boolean;
  onBlur?: () => void;
}

function describedBy(p: Common): string | undefined {
  const ids = [p.error ? `${p.id}-error` : null, p.help ? `${p.id}-help` : null].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

function Shell(p: Common & { children: ReactNode }) {
  return (
    <div className="ol-field">
      <label className="ol-label" htmlFor={p.id}>
        {p.label}
      </label>
      {p.children}
      {p.help ? (
        <span className="ol-help" id={`${p.id}-help`}>
          {p.help}
        </span>
      ) : null}
      {p.error ? (
        <span className="ol-error" id={`${p.id}-error`}>
          {p.error}
        </span>
      ) : null}
    </div>
  );
}

export function TextInput(
  p: Common & { type?: 'text' | 'date' | 'number'; placeholder?: string; inputMode?: 'decimal' | 'numeric' },
) {
  return (
    <Shell {...p}>
      <input
        id={p.id}
        name={p.id}
        className="ol-input"
        type={p.type ?? 'text'}
        inputMode={p.inputMode}
        placeholder={p.placeholder}
        value={p.value}
        readOnly={p.readOnly}
        aria-invalid={p.error ? true : undefined}
        aria-describedby={describedBy(p)}
        onBlur={p.onBlur}
        onChange={(e: ChangeEvent<HTMLInputElement>) => p.onChange(e.target.value)}
      />
    </Shell>
  );
}

export function TextArea(p: Common & { rows?: number; placeholder?: string }) {
  return (
    <Shell {...p}>
      <textarea
        id={p.id}
        name={p.id}
        className="ol-input"
        rows={p.rows ?? 2}
        placeholder={p.placeholder}
        value={p.value}
        readOnly={p.readOnly}
        aria-invalid={p.error ? true : undefined}
        aria-describedby={describedBy(p)}
        onBlur={p.onBlur}
        onChange={(e: ChangeEvent<HTMLTextAreaElement>) => p.onChange(e.target.value)}
      />
    </Shell>
  );
}

/** A native select (keyboard and screen readers for free, a fraction of a rich select's bytes). */
export function SelectInput(
  p: Common & { options: Array<{ value: string; label: string }>; placeholder?: string },
) {
  return (
    <Shell {...p}>
      <select
        id={p.id}
        name={p.id}
        className="ol-input"
        value={p.value}
        disabled={p.readOnly}
        aria-invalid={p.error ? true : undefined}
        aria-describedby={describedBy(p)}
        onBlur={p.onBlur}
        onChange={(e: ChangeEvent<HTMLSelectElement>) => p.onChange(e.target.value)}
      >
        {/* With a placeholder nothing is chosen for the person: the first real option is a choice, not a default. */}
        {p.placeholder !== undefined ? (
          <option value="" disabled>
            {p.placeholder}
          </option>
        ) : null}
        {p.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </Shell>
  );
}
