/**
 * Labelled form controls in Atlaskit: the visible label (Atlaskit's Label) is the accessible name, the helper and
 * error messages (Atlaskit's HelperMessage and ErrorMessage) sit under the field and are linked to it
 * (aria-describedby). A read-only field of any kind is read-only text (Atlaskit's pickers have no read-only mode, and
 * a disabled one is greyed, skipped by the keyboard and looks unlike the text fields beside it): one look, focusable
 * so keyboard users can still read it, "Not set" where it holds nothing rather than an example to type.
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

/** What a read-only field shows when it holds nothing: an example of what to type would read as editable. */
const NOT_SET = 'Not set';

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
        placeholder={p.readOnly ? NOT_SET : p.placeholder}
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
        placeholder={p.readOnly ? NOT_SET : p.placeholder}
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
 * and error are linked to it; the keyboard opens it with the arrow keys and picks with Enter. A read-only one
 * shows its choice's label as read-only text.
 */
export function ChoiceSelect(
  p: Common & { options: Choice[]; placeholder?: string; wrapLongLabels?: boolean },
) {
  if (p.readOnly) {
    // A value no option names (an outcome the page does not list) is shown as it is, not as "Not set".
    const shown = p.options.find((o) => o.value === p.value)?.label ?? p.value;
    // A long label wraps, as the select wraps it, rather than being cut at the field's end.
    return p.wrapLongLabels ? (
      <TextArea {...p} value={shown} rows={1} onChange={() => undefined} />
    ) : (
      <ReadOnlyText {...p} value={shown} />
    );
  }
  return (
    <Shell {...p}>
      <Select<Choice>
        inputId={p.id}
        name={p.id}
        options={p.options}
        value={p.options.find((o) => o.value === p.value) ?? null}
        onChange={(o) => p.onChange(o?.value ?? '')}
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
 * date ('' when cleared), as the browser's date input gave. A read-only one is read-only text, as ChoiceSelect's is.
 * Text it cannot read ("01.03.2027", "2027-04-31") becomes the value (TypedDatePicker), for the form's date
 * rule to refuse at the field, quoted, instead of a save without the date.
 */
export function DateInput(p: Common) {
  if (p.readOnly) return <ReadOnlyText {...p} />;
  const error = p.error && isUnreadableDay(p.value) ? quoteTyped(p.error, p.value) : p.error;
  return (
    <Shell {...p} error={error}>
      <TypedDatePicker
        id={p.id}
        name={p.id}
        value={p.value}
        onChange={p.onChange}
        isInvalid={Boolean(error)}
        aria-describedby={describedBy({ ...p, error })}
        {...(p.onBlur ? { onBlur: p.onBlur } : {})}
      />
    </Shell>
  );
}

/** A picker's value where it cannot be changed: read-only text, as the text fields are. */
function ReadOnlyText(p: Common) {
  return <TextInput {...p} onChange={() => undefined} />;
}
