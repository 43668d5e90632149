/**
 * Labelled form controls in Atlaskit: the visible label (Atlaskit's Label) is the accessible name, the helper and
 * error messages (Atlaskit's HelperMessage and ErrorMessage) sit under the field and are linked to it
 * (aria-describedby). Read-only text fields stay focusable so keyboard users can still read them; a read-only
 * select or date picker is disabled (Atlaskit's pickers have no read-only mode) and shows its value as text.
 *
 * One select, ChoiceSelect: Atlaskit's Select (react-select, about 39 KB gzipped), which settings and the issue
 * panel can hold since their bundles carry no zod; one date, DateInput: Atlaskit's DatePicker (TypedDatePicker).
 */
// First, where the date picker was imported before: the bundle keeps its order (and gzips as well as it did).
import { TypedDatePicker } from './TypedDatePicker';
import { ErrorMessage } from '@atlaskit/form/error-message';
import { HelperMessage } from '@atlaskit/form/helper-message';
import { Label } from '@atlaskit/form/label';
import Select, { type CSSObjectWithLabel } from '@atlaskit/select';
import AkTextArea from '@atlaskit/textarea';
import Textfield from '@atlaskit/textfield';
import { type ChangeEvent, type ReactNode } from 'react';
import { isUnreadableDay, quoteTyped } from './date-format';

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
      <Label htmlFor={p.id}>{p.label}</Label>
      {p.children}
      {p.help ? (
        <div id={`${p.id}-help`}>
          <HelperMessage>{p.help}</HelperMessage>
        </div>
      ) : null}
      {p.error ? (
        <div id={`${p.id}-error`} className="ol-field-error">
          <ErrorMessage>{p.error}</ErrorMessage>
        </div>
      ) : null}
    </div>
  );
}

export function TextInput(
  p: Common & { type?: 'text' | 'number'; placeholder?: string; inputMode?: 'decimal' | 'numeric' },
) {
  return (
    <Shell {...p}>
      <Textfield
        id={p.id}
        name={p.id}
        type={p.type ?? 'text'}
        inputMode={p.inputMode}
        placeholder={p.placeholder}
        value={p.value}
        isReadOnly={p.readOnly}
        isInvalid={Boolean(p.error)}
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
      <AkTextArea
        id={p.id}
        name={p.id}
        minimumRows={p.rows ?? 2}
        resize="vertical"
        placeholder={p.placeholder}
        value={p.value}
        isReadOnly={p.readOnly}
        isInvalid={Boolean(p.error)}
        aria-invalid={p.error ? true : undefined}
        aria-describedby={describedBy(p)}
        onBlur={p.onBlur}
        onChange={(e: ChangeEvent<HTMLTextAreaElement>) => p.onChange(e.target.value)}
      />
    </Shell>
  );
}

interface Choice {
  value: string;
  label: string;
}

const WRAPPED_LABELS = {
  singleValue: (base: CSSObjectWithLabel): CSSObjectWithLabel => ({
    ...base,
    whiteSpace: 'normal',
    overflowWrap: 'anywhere',
  }),
};

/**
 * Atlaskit's Select for one choice: its input takes the field's id, so the visible label names it; the helper
 * and error are linked to it; the keyboard opens it with the arrow keys and picks with Enter. A read-only
 * one is disabled, as the browser's select was.
 */
export function ChoiceSelect(
  p: Common & { options: Choice[]; placeholder?: string; wrapLongLabels?: boolean },
) {
  return (
    <Shell {...p}>
      <Select<Choice>
        inputId={p.id}
        name={p.id}
        options={p.options}
        value={p.options.find((o) => o.value === p.value) ?? null}
        onChange={(o) => p.onChange(o?.value ?? '')}
        isDisabled={p.readOnly}
        isInvalid={Boolean(p.error)}
        aria-describedby={describedBy(p)}
        placeholder={p.placeholder ?? 'Choose…'}
        isSearchable={false}
        // react-select cuts the chosen label to one line with an ellipsis; long names (an outcome's name and
        // metric) wrap instead, so the choice stays readable in a narrow panel.
        {...(p.wrapLongLabels ? { styles: WRAPPED_LABELS } : {})}
        {...(p.onBlur ? { onBlur: p.onBlur } : {})}
      />
    </Shell>
  );
}

/**
 * Atlaskit's date picker: a date typed as YYYY-MM-DD, taken as it is typed, or chosen from its calendar with the
 * arrow keys or the mouse. Its input takes the field's id, so the visible label names it; the value is the ISO
 * date ('' when cleared), as the browser's date input gave. A read-only one is disabled, as ChoiceSelect is.
 * Text it cannot read ("01.03.2027", "2027-04-31") becomes the value (TypedDatePicker), for the form's date
 * rule to refuse at the field, quoted, instead of a save without the date.
 */
export function DateInput(p: Common) {
  const error = p.error && isUnreadableDay(p.value) ? quoteTyped(p.error, p.value) : p.error;
  return (
    <Shell {...p} error={error}>
      <TypedDatePicker
        id={p.id}
        name={p.id}
        value={p.value}
        onChange={p.onChange}
        isDisabled={p.readOnly}
        isInvalid={Boolean(error)}
        aria-describedby={describedBy({ ...p, error })}
        {...(p.onBlur ? { onBlur: p.onBlur } : {})}
      />
    </Shell>
  );
}
