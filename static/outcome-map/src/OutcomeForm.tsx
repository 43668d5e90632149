import Button from '@atlaskit/button/new';
import Form, { ErrorMessage, Field, HelperMessage } from '@atlaskit/form';
import SectionMessage from '@atlaskit/section-message';
import Select, { components, type InputProps } from '@atlaskit/select';
import Textfield from '@atlaskit/textfield';
import { useEffect, useRef, useState } from 'react';
import { PROJECT_PAGE_RESOLVERS as R } from '../../../src/contract/project-page-keys';
import type {
  MeasurementRecorded,
  OutcomeView,
  ProjectPageLoadData,
} from '../../../src/contract/project-page';
import type { Answer } from '../../../src/contract/answer';
import { amountText, readTypedNumber, typedNumberText, type DecimalMark } from '../../../src/domain/amounts';
import { expectationConflict, ISO_DATE_PATTERN } from '../../../src/domain/draft-rules';
// The resolver's schema refuses the same metrics by the same rule; here it is said before a round trip.
import { MAX_ABS_VALUE, outOfRangeMessage } from '../../../src/domain/measurement-input';
import { metricNameProblem } from '../../../src/domain/says-something';
import { dueDateProblem } from '../../../src/domain/outcome-due-date';
import { callResolver, flag } from '../../shared/bridge';
import { localToday } from '../../shared/date-format';
import { newRequestId } from '../../shared/requestId';
import { TypedDatePicker } from '../../shared/TypedDatePicker';
import { typedDayProblem } from './typed-day';
import { useDecimalMark } from '../../shared/useDecimalMark';

type Direction = 'increase' | 'decrease';
interface DirectionOption {
  value: Direction;
  label: string;
}
const DIRECTIONS: DirectionOption[] = [
  { value: 'increase', label: 'Increase' },
  { value: 'decrease', label: 'Decrease' },
];

interface Draft {
  name: string;
  metric: string;
  baseline: string;
  target: string;
  unit: string;
  direction: DirectionOption;
  dueDate: string;
}
type Errors = Partial<Record<keyof Draft | 'at' | 'value', string>>;

/**
 * A typed number ("1,200", "12,5", read with the person's decimal mark); undefined when blank, for the resolver
 * to say the field is required. Text that is no number never gets here: its field refuses it (numberProblem).
 */
const num = (s: string | undefined, mark: DecimalMark) =>
  s === undefined || s.trim() === '' ? undefined : (readTypedNumber(s, mark) ?? undefined);

/**
 * Said at a number field when its text is no number. Sent on, it would reach the resolver as nothing (JSON has
 * no NaN) and be refused as a missing value, which is not what happened.
 */
function numberProblem(typed: string | undefined, mark: DecimalMark, label: string): string | undefined {
  if (typed === undefined || typed.trim() === '') return undefined;
  const n = readTypedNumber(typed, mark);
  if (n === null)
    return `"${typed.trim()}" is not a number: type digits, as in ${typedNumberText(1200.5, mark)}.`;
  // Said here, as the resolver says it: a number out of range must not go on to be judged against another.
  if (!inRange(n)) return outOfRangeMessage(label);
  return undefined;
}

const inRange = (n: number | undefined) => n === undefined || Math.abs(n) <= MAX_ABS_VALUE;

/** An answer's field errors, keyed by the form's field names (the resolver nests them under a prefix). */
function answerErrors<T>(answer: Answer<T>, prefix: string): Record<string, string> {
  if (answer.ok) return {};
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(answer.error.fields ?? {})) fields[k.replace(prefix, '')] = v;
  return fields;
}

/**
 * What the numbers contradict, said at `field` (the target when it equals the baseline, the direction when it
 * points the other way), with the person's decimal mark: the resolver's own refusal writes them with a point.
 * Judged at the fields, so a save refused for another field says this too.
 */
function conflictAt(
  field: 'target' | 'direction',
  values: Partial<Draft>,
  mark: DecimalMark,
): string | undefined {
  const baseline = num(values.baseline, mark);
  const target = num(values.target, mark);
  // A number out of range is refused at its own field; what it contradicts is not worth saying.
  if (!inRange(baseline) || !inRange(target)) return undefined;
  const conflict = expectationConflict(baseline, target, values.direction?.value, mark);
  return conflict?.field === field ? conflict.message : undefined;
}

/** A text field whose visible label is its accessible name, with its error under it (Atlaskit Form). */
function TextField(props: {
  idp: string;
  name: keyof Draft | 'value';
  label: string;
  defaultValue: string;
  numeric?: boolean;
  /** Refused blank, as the resolver refuses it. */
  required?: boolean;
  helper?: string;
  /**
   * A message when the value breaks a rule the form can judge before asking the resolver; `values` are the
   * form's, for a rule between fields.
   */
  validate?: (value: string | undefined, values: Partial<Draft>) => string | undefined;
}) {
  const mark = useDecimalMark();
  const { numeric, required, validate } = props;
  return (
    <Field<string>
      name={props.name}
      id={`${props.idp}-${props.name}`}
      label={props.label}
      isRequired={required}
      defaultValue={props.defaultValue}
      validate={(value, values) =>
        (required && (value ?? '').trim() === '' ? `${props.label} is required.` : undefined) ??
        (numeric ? numberProblem(value, mark, props.label) : undefined) ??
        validate?.(value, values)
      }
    >
      {({ fieldProps, error }) => (
        <>
          <Textfield {...fieldProps} inputMode={props.numeric ? 'decimal' : undefined} />
          {props.helper && !error ? <HelperMessage>{props.helper}</HelperMessage> : null}
          {error ? <ErrorMessage>{error}</ErrorMessage> : null}
        </>
      )}
    </Field>
  );
}

/**
 * Atlaskit's date picker in a form field: the calendar or the keyboard, the label its name. Typed text that is
 * no day stays the field's value and is refused here, quoted, so the form sends nothing until it is a day.
 */
function DateField(props: {
  id: string;
  name: string;
  label: string;
  /** What the resolver's messages call the field ("Measurement date"), for the same words here. */
  ruleLabel: string;
  defaultValue: string;
  minDate?: string;
  maxDate?: string;
  /** Refused blank, as the resolver refuses it. */
  required?: boolean;
  /** A rule of the field's own beyond being a real day, judged as the person leaves the field (as the save is). */
  rule?: (day: string) => string | null;
}) {
  return (
    <Field<string>
      name={props.name}
      id={props.id}
      label={props.label}
      isRequired={props.required}
      defaultValue={props.defaultValue}
      validate={(value) => {
        const day = value ?? '';
        if (props.required && day.trim() === '') return `${props.ruleLabel} is required.`;
        const unread = typedDayProblem(props.ruleLabel, day);
        if (unread || !ISO_DATE_PATTERN.test(day)) return unread;
        return props.rule?.(day) ?? undefined;
      }}
    >
      {({ fieldProps, error }) => (
        <>
          <TypedDatePicker
            id={fieldProps.id}
            name={fieldProps.name}
            value={fieldProps.value}
            onChange={fieldProps.onChange}
            onBlur={fieldProps.onBlur}
            onFocus={fieldProps.onFocus}
            isInvalid={fieldProps.isInvalid}
            isRequired={props.required}
            aria-describedby={fieldProps['aria-describedby']}
            {...(props.minDate ? { minDate: props.minDate } : {})}
            {...(props.maxDate ? { maxDate: props.maxDate } : {})}
          />
          {error ? <ErrorMessage>{error}</ErrorMessage> : null}
        </>
      )}
    </Field>
  );
}

const FIELD_LABELS: Record<keyof Draft, string> = {
  name: 'Name',
  metric: 'Metric',
  baseline: 'Baseline',
  target: 'Target',
  unit: 'Unit',
  direction: 'Direction',
  dueDate: 'Due date',
};
/** The end of each field's element id (after the form's prefix). */
const FIELD_IDS: Record<keyof Draft, string> = {
  name: 'name',
  metric: 'metric',
  baseline: 'baseline',
  target: 'target',
  unit: 'unit',
  direction: 'direction',
  dueDate: 'due',
};

/**
 * The direction select's typing box, named as the field: a refused Create takes the keyboard to the first refused
 * field by its name, which otherwise only the select's hidden input carries, and that cannot take focus.
 */
function DirectionInput(props: InputProps<DirectionOption, false>) {
  return <components.Input {...props} name="direction" />;
}

/** An outcome as its form shows it: numbers as typed with the person's decimal mark. */
function draftOf(o: OutcomeView, mark: DecimalMark): Draft {
  return {
    name: o.name,
    metric: o.metric,
    baseline: typedNumberText(o.baseline, mark),
    target: typedNumberText(o.target, mark),
    unit: o.unit ?? '',
    direction: DIRECTIONS.find((d) => d.value === o.direction) ?? DIRECTIONS[0]!,
    dueDate: o.dueDate,
  };
}

const fieldText = (d: Partial<Draft>, field: keyof Draft): string =>
  field === 'direction' ? (d.direction?.label ?? '') : (d[field] ?? '').trim();

/** Where a save that met someone else's change is: told, their version being read, or read and compared. */
type Conflict =
  | { step: 'told' }
  | { step: 'loading' }
  | { step: 'compared'; theirs: OutcomeView; differences: Array<{ field: keyof Draft; yours: string }> };

/**
 * A save refused because someone else saved first: loads their version into the form's base (so the next save
 * goes on top of it, knowingly), keeps what the person typed, and lists each field where theirs differs from it,
 * with the offer to take theirs instead.
 */
function ConflictPanel(props: {
  conflict: Conflict;
  idp: string;
  onLoad: () => void;
  onUseTheirs: (field: keyof Draft) => void;
  taken: ReadonlySet<keyof Draft>;
}) {
  const mark = useDecimalMark();
  const { conflict } = props;
  if (conflict.step !== 'compared')
    return (
      <div role="alert">
        <SectionMessage appearance="warning" title="Someone else changed this outcome meanwhile">
          <p>
            Nothing of yours was saved. Load their version to see what they changed: what you typed stays in
            the form, and your next Save goes on top of their version.
          </p>
          <Button onClick={props.onLoad} isDisabled={conflict.step === 'loading'}>
            Load their version
          </Button>
        </SectionMessage>
      </div>
    );
  const theirs = draftOf(conflict.theirs, mark);
  return (
    <div role="status" data-testid={`${props.idp}-conflict`}>
      <SectionMessage appearance="information" title="Their version is loaded">
        <p>
          Saved as version {conflict.theirs.version}
          {conflict.theirs.status !== 'active' ? `, now ${conflict.theirs.status}` : ''}. What you typed is
          still in the form; Save puts it on top of their version.
          {conflict.differences.length === 0 ? ' Their values are the same as yours.' : ''}
        </p>
        {conflict.differences.length > 0 ? (
          <ul aria-label="Where their version differs from yours">
            {conflict.differences.map(({ field, yours }) => (
              <li key={field}>
                {FIELD_LABELS[field]}: theirs “{fieldText(theirs, field)}”, yours “{yours}”{' '}
                {props.taken.has(field) ? (
                  <span className="ol-muted">(theirs is in the form now)</span>
                ) : (
                  <Button appearance="subtle" onClick={() => props.onUseTheirs(field)}>
                    Use theirs: {FIELD_LABELS[field]}
                  </Button>
                )}
              </li>
            ))}
          </ul>
        ) : null}
      </SectionMessage>
    </div>
  );
}

/** Create or edit an outcome; the resolver's schema checks it, and its refusals sit at their fields. */
export function OutcomeForm(props: { outcome?: OutcomeView; onDone: (changed: boolean) => void }) {
  const o = props.outcome;
  const mark = useDecimalMark();
  const [message, setMessage] = useState<string | null>(null);
  // The version the next save builds on: the one opened, or a newer one loaded after a conflict.
  const [base, setBase] = useState(o);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [taken, setTaken] = useState<ReadonlySet<keyof Draft>>(new Set());
  const idp = o ? `edit-${o.id}` : 'new-outcome';
  // A new outcome's id, chosen once per form: Create pressed again after an answer was lost makes no second one.
  const newId = useRef<string | null>(null);
  newId.current ??= newRequestId();
  // The form opens in place: take the keyboard to its first field.
  useEffect(() => document.getElementById(`${idp}-name`)?.focus(), [idp]);

  const submit = async (d: Draft): Promise<Errors | undefined> => {
    const draft = {
      name: d.name,
      metric: d.metric,
      baseline: num(d.baseline, mark),
      target: num(d.target, mark),
      unit: d.unit,
      direction: d.direction.value,
      dueDate: d.dueDate,
    };
    // The resolver checks the draft with its schema and answers each refusal at its field.
    const answer = base
      ? await callResolver<OutcomeView>(R.updateOutcome, { id: base.id, version: base.version, draft })
      : await callResolver<OutcomeView>(R.createOutcome, { draft, id: newId.current });
    if (answer.ok) {
      flag(o ? 'Outcome saved' : 'Outcome created', answer.data.name);
      props.onDone(true);
      return undefined;
    }
    if (!answer.ok && answer.error.code === 'CONFLICT' && base) {
      setMessage(null);
      setConflict({ step: 'told' });
      return undefined;
    }
    setConflict(null);
    const fields = answerErrors(answer, 'draft.');
    // Refusals at the fields speak for themselves; anything else is said above the form.
    setMessage(Object.keys(fields).length ? null : answer.error.message);
    return fields;
  };

  const loadTheirs = async (yours: Partial<Draft>) => {
    if (!o) return;
    setConflict({ step: 'loading' });
    const answer = await callResolver<ProjectPageLoadData>(R.load, {});
    const newer = answer.ok ? answer.data.outcomes.find((x) => x.id === o.id) : undefined;
    if (!newer) {
      setConflict({ step: 'told' });
      return setMessage(
        answer.ok
          ? 'This outcome no longer exists: someone deleted it. Cancel to close the form.'
          : answer.error.message,
      );
    }
    const theirs = draftOf(newer, mark);
    const differences = (Object.keys(FIELD_LABELS) as Array<keyof Draft>)
      .filter((field) => fieldText(theirs, field) !== fieldText(yours, field))
      .map((field) => ({ field, yours: fieldText(yours, field) }));
    setMessage(null);
    setBase(newer);
    setTaken(new Set());
    setConflict({ step: 'compared', theirs: newer, differences });
  };

  return (
    // noValidate: the required fields are marked (an asterisk, aria-required), and every refusal is said at its field
    // at once; the browser's own check would stop at the first blank one, in its own words.
    <Form<Draft> onSubmit={submit} noValidate>
      {({ formProps, submitting, getValues, setFieldValue }) => (
        <form
          {...formProps}
          className="ol-dialog ol-stack"
          aria-label={o ? `Edit outcome ${o.name}` : 'New outcome'}
        >
          {conflict ? (
            <ConflictPanel
              conflict={conflict}
              idp={idp}
              taken={taken}
              onLoad={() => void loadTheirs(getValues())}
              onUseTheirs={(field) => {
                if (conflict.step !== 'compared') return;
                setFieldValue(field, draftOf(conflict.theirs, mark)[field]);
                setTaken((old) => new Set([...old, field]));
                // The keyboard goes to the field that changed, where its new value can be read.
                setTimeout(() => document.getElementById(`${idp}-${FIELD_IDS[field]}`)?.focus(), 0);
              }}
            />
          ) : null}
          {message ? (
            <div role="alert">
              <SectionMessage appearance="error" title="The outcome was not saved">
                <p>{message}</p>
              </SectionMessage>
            </div>
          ) : null}
          <div className="ol-grid">
            <TextField idp={idp} name="name" label="Name" required defaultValue={o?.name ?? ''} />
            <TextField
              idp={idp}
              name="metric"
              label="Metric"
              required
              defaultValue={o?.metric ?? ''}
              helper="What you count, e.g. repeat orders per week"
              validate={(v) => metricNameProblem(v ?? '') ?? undefined}
            />
            <TextField
              idp={idp}
              name="baseline"
              label="Baseline"
              numeric
              required
              defaultValue={o ? typedNumberText(o.baseline, mark) : ''}
            />
            <TextField
              idp={idp}
              name="target"
              label="Target"
              numeric
              required
              defaultValue={o ? typedNumberText(o.target, mark) : ''}
              validate={(_, values) => conflictAt('target', values, mark)}
            />
            <TextField idp={idp} name="unit" label="Unit" defaultValue={o?.unit ?? ''} />
            <Field<DirectionOption>
              name="direction"
              id={`${idp}-direction`}
              label="Direction"
              defaultValue={DIRECTIONS.find((d) => d.value === (o?.direction ?? 'increase'))}
              validate={(_, values) => conflictAt('direction', values, mark)}
            >
              {({ fieldProps, error }) => (
                <>
                  <Select<DirectionOption>
                    inputId={fieldProps.id}
                    name={fieldProps.name}
                    value={fieldProps.value}
                    onChange={(v) => v && fieldProps.onChange(v)}
                    onBlur={fieldProps.onBlur}
                    onFocus={fieldProps.onFocus}
                    isInvalid={fieldProps.isInvalid}
                    // The field's error (or helper) text, said with the select as it is with a text field.
                    aria-describedby={fieldProps['aria-describedby']}
                    options={DIRECTIONS}
                    components={{ Input: DirectionInput }}
                  />
                  {error ? <ErrorMessage>{error}</ErrorMessage> : null}
                </>
              )}
            </Field>
            <DateField
              id={`${idp}-due`}
              name="dueDate"
              label="Due date"
              ruleLabel="Due date"
              required
              defaultValue={o?.dueDate ?? ''}
              // The calendar offers no day already past; a stored day come due since may stay as it is.
              minDate={localToday()}
              rule={(day) => dueDateProblem(day, o?.dueDate, localToday())}
            />
          </div>
          <div className="ol-actions">
            <Button type="submit" appearance="primary" isDisabled={submitting}>
              {o ? 'Save outcome' : 'Create outcome'}
            </Button>
            <Button onClick={() => props.onDone(false)}>Cancel</Button>
          </div>
        </form>
      )}
    </Form>
  );
}

interface Measurement {
  at: string;
  value: string;
}

/** A typed reading's id (letters, digits and . _ - : only, at most 100, as the server reads ids). */
function typedId(formId: string, at: string | undefined, value: number | undefined): string {
  // "+" is kept apart from "-" (1e+21 and 1e-21 are two readings); anything else the server does not read goes.
  const safe = (part: string) =>
    part
      .replace(/\+/g, 'p')
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 24);
  return `typed:${safe(formId.replace(/-/g, ''))}:${safe(String(at))}:${safe(String(value))}`;
}

/** In words, what a full history let go to keep a typed reading; null when nothing went. */
function letGoNote(recorded: MeasurementRecorded, mark: DecimalMark): string | null {
  const gone = recorded.pushedOut;
  const first = gone[0];
  if (!first) return null;
  const which =
    gone.length === 1
      ? `the oldest, ${amountText(first.value, recorded.unit, mark)} on ${first.at}, is`
      : `the ${gone.length} oldest, from ${first.at} to ${gone[gone.length - 1]!.at}, are`;
  return `Recorded. ${recorded.name} keeps its latest ${recorded.measurementsHeld} measurements: ${which} no longer kept.`;
}

export function MeasurementForm(props: {
  outcome: OutcomeView;
  /** `note`: what the card should say after a recorded reading (set when it pushed older ones out). */
  onDone: (changed: boolean, note?: string | null) => void;
}) {
  // A second submit before the first answers would send the reading twice at once: the ref refuses it even before
  // the disabled button has rendered.
  const saving = useRef(false);
  // One id for this form: Record pressed again after an answer that was lost sends the same reading under the same
  // id, which the outcome takes once. The day and value are part of it, so a reading corrected meanwhile is new.
  const formId = useRef<string | null>(null);
  formId.current ??= newRequestId();
  const mark = useDecimalMark();
  const [busy, setBusy] = useState(false);
  const idp = `measure-${props.outcome.id}`;
  const today = localToday();
  useEffect(() => document.getElementById(`${idp}-value`)?.focus(), [idp]);
  const submit = async (m: Measurement): Promise<Errors | undefined> => {
    if (saving.current) return undefined;
    const value = num(m.value, mark);
    const measurement = { at: m.at, value, id: typedId(formId.current!, m.at, value) };
    saving.current = true;
    setBusy(true);
    const answer = await callResolver<MeasurementRecorded>(R.addMeasurement, {
      id: props.outcome.id,
      version: props.outcome.version,
      measurement,
    });
    saving.current = false;
    setBusy(false);
    if (answer.ok) {
      // A full history keeps the reading by letting its oldest go: said, not done silently.
      props.onDone(true, letGoNote(answer.data, mark));
      return undefined;
    }
    // The resolver's schema refuses a date or a value at its field; any other refusal shows at the value.
    const fields = answerErrors(answer, 'measurement.');
    const refused: Errors = Object.keys(fields).length ? fields : { value: answer.error.message };
    // Record was disabled while the reading was sent, which took the keyboard from it: it goes to the field
    // refused, the date first as the form reads.
    const first = refused.at !== undefined ? 'at' : 'value';
    setTimeout(() => document.getElementById(`${idp}-${first}`)?.focus(), 0);
    return refused;
  };
  return (
    <>
      <Form<Measurement> onSubmit={submit}>
        {({ formProps }) => (
          <form
            {...formProps}
            className="ol-dialog ol-actions ol-measure"
            aria-label={`Record a measurement of ${props.outcome.metric}`}
          >
            <DateField
              id={`${idp}-at`}
              name="at"
              label="Measurement date"
              ruleLabel="Measurement date"
              defaultValue={today}
              // A measurement is of a day that has come; the calendar offers none after today.
              maxDate={today}
            />
            <TextField
              idp={idp}
              name="value"
              label={`Measured value of ${props.outcome.metric}`}
              numeric
              defaultValue=""
            />
            <Button type="submit" appearance="primary" isDisabled={busy} aria-busy={busy}>
              Record
            </Button>
            <Button onClick={() => props.onDone(false)}>Cancel</Button>
          </form>
        )}
      </Form>
      <RecentMeasurements outcome={props.outcome} onRemoved={() => props.onDone(true)} />
    </>
  );
}

/** How many of the latest measurements the card offers to take off. */
const REMOVABLE = 5;

/**
 * The latest measurements, each of which can be taken off (one typed by mistake): asked once more, then removed
 * by its id, so another reading of the same day and value stays.
 */
function RecentMeasurements(props: { outcome: OutcomeView; onRemoved: () => void }) {
  const o = props.outcome;
  const mark = useDecimalMark();
  const [asking, setAsking] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Each question replaces the button that asked it: the keyboard goes to its safe answer, Keep it, and back to the
  // row's Remove… once answered so.
  const rowId = (index: number, part: 'ask' | 'keep') => `remove-${o.id}-${index}-${part}`;
  const ask = (index: number | null, focus: string) => {
    setAsking(index);
    setTimeout(() => document.getElementById(focus)?.focus(), 0);
  };
  const latest = [...o.measurements]
    .map((m, index) => ({ ...m, index }))
    .sort((a, b) => b.at.localeCompare(a.at) || b.index - a.index)
    .slice(0, REMOVABLE);
  if (latest.length === 0) return null;
  const remove = async (m: { at: string; value: number; id?: string | undefined; index: number }) => {
    setBusy(true);
    // Its id names exactly this reading; one stored without an id is named by its place on this version.
    const answer = await callResolver<OutcomeView>(R.removeMeasurement, {
      id: o.id,
      version: o.version,
      // The card holds the newest of the outcome's measurements: its place among all it holds is past the rest.
      measurement: {
        at: m.at,
        value: m.value,
        position: o.measurementsFrom + m.index,
        ...(m.id ? { id: m.id } : {}),
      },
    });
    setBusy(false);
    if (answer.ok) return props.onRemoved();
    setError(answer.error.message);
    ask(null, rowId(m.index, 'ask'));
  };
  return (
    <div className="ol-recent">
      <h4 id={`recent-${o.id}`}>Latest measurements</h4>
      {error ? (
        <p className="ol-error" role="alert">
          {error}
        </p>
      ) : null}
      <ul aria-labelledby={`recent-${o.id}`}>
        {latest.map((m) => {
          const said = `${amountText(m.value, o.unit, mark)} on ${m.at}`;
          return (
            <li key={m.index}>
              {said}{' '}
              {asking === m.index ? (
                <>
                  <Button appearance="danger" isDisabled={busy} onClick={() => void remove(m)}>
                    Remove {said}
                  </Button>{' '}
                  <Button id={rowId(m.index, 'keep')} onClick={() => ask(null, rowId(m.index, 'ask'))}>
                    Keep it
                  </Button>
                </>
              ) : (
                <Button
                  id={rowId(m.index, 'ask')}
                  appearance="subtle"
                  onClick={() => ask(m.index, rowId(m.index, 'keep'))}
                  aria-label={`Remove ${said}…`}
                >
                  Remove…
                </Button>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
