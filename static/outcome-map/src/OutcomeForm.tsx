import { useEffect, useRef, useState } from 'react';
import { PROJECT_PAGE_RESOLVERS as R, type OutcomeView } from '../../../src/contract/project-page';
import { fieldErrors, measurementSchema, outcomeDraftSchema } from '../../../src/domain/schemas';
import { callResolver, flag } from '../../shared/bridge';
import { SelectInput, TextInput } from '../../shared/Field';
import { Message } from '../../shared/Message';

type Draft = Record<'name' | 'metric' | 'baseline' | 'target' | 'unit' | 'direction' | 'dueDate', string>;

const empty: Draft = {
  name: '',
  metric: '',
  baseline: '',
  target: '',
  unit: '',
  direction: 'increase',
  dueDate: '',
};
const num = (s: string) => (s.trim() === '' ? undefined : Number(s));

function fromOutcome(o: OutcomeView): Draft {
  return {
    name: o.name,
    metric: o.metric,
    baseline: String(o.baseline),
    target: String(o.target),
    unit: o.unit ?? '',
    direction: o.direction,
    dueDate: o.dueDate,
  };
}

/** Create or edit an outcome; errors sit at their fields, checked by the same schema as the resolver. */
export function OutcomeForm(props: { outcome?: OutcomeView; onDone: (changed: boolean) => void }) {
  const [d, setD] = useState<Draft>(props.outcome ? fromOutcome(props.outcome) : empty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const idp = props.outcome ? `edit-${props.outcome.id}` : 'new-outcome';
  const set = (k: keyof Draft) => (v: string) => setD({ ...d, [k]: v });
  // The form opens in place: take the keyboard to its first field.
  useEffect(() => document.getElementById(`${idp}-name`)?.focus(), [idp]);

  const submit = async () => {
    const draft = {
      name: d.name,
      metric: d.metric,
      baseline: num(d.baseline),
      target: num(d.target),
      unit: d.unit,
      direction: d.direction,
      dueDate: d.dueDate,
    };
    const local = outcomeDraftSchema.safeParse(draft);
    if (!local.success) {
      setErrors(fieldErrors(local.error));
      return;
    }
    setBusy(true);
    const answer = props.outcome
      ? await callResolver<OutcomeView>(R.updateOutcome, {
          id: props.outcome.id,
          version: props.outcome.version,
          draft,
        })
      : await callResolver<OutcomeView>(R.createOutcome, { draft });
    setBusy(false);
    if (answer.ok) {
      flag(props.outcome ? 'Outcome saved' : 'Outcome created', answer.data.name);
      props.onDone(true);
    } else {
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(answer.error.fields ?? {})) fields[k.replace(/^draft\./, '')] = v;
      setErrors(fields);
      setMessage(answer.error.message);
    }
  };

  return (
    <form
      className="ol-dialog ol-stack"
      aria-label={props.outcome ? `Edit outcome ${props.outcome.name}` : 'New outcome'}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {message ? (
        <Message appearance="error" title="The outcome was not saved">
          <p>{message}</p>
        </Message>
      ) : null}
      <div className="ol-grid">
        <TextInput
          id={`${idp}-name`}
          label="Name"
          value={d.name}
          onChange={set('name')}
          error={errors.name}
        />
        <TextInput
          id={`${idp}-metric`}
          label="Metric"
          value={d.metric}
          onChange={set('metric')}
          error={errors.metric}
        />
        <TextInput
          id={`${idp}-baseline`}
          label="Baseline"
          inputMode="decimal"
          value={d.baseline}
          onChange={set('baseline')}
          error={errors.baseline}
        />
        <TextInput
          id={`${idp}-target`}
          label="Target"
          inputMode="decimal"
          value={d.target}
          onChange={set('target')}
          error={errors.target}
        />
        <TextInput
          id={`${idp}-unit`}
          label="Unit"
          value={d.unit}
          onChange={set('unit')}
          error={errors.unit}
        />
        <SelectInput
          id={`${idp}-direction`}
          label="Direction"
          value={d.direction}
          onChange={set('direction')}
          error={errors.direction}
          options={[
            { value: 'increase', label: 'Increase' },
            { value: 'decrease', label: 'Decrease' },
          ]}
        />
        <TextInput
          id={`${idp}-due`}
          label="Due date"
          type="date"
          value={d.dueDate}
          onChange={set('dueDate')}
          error={errors.dueDate}
        />
      </div>
      <div className="ol-actions">
        <button type="submit" className="ol-btn ol-btn-primary" disabled={busy}>
          {props.outcome ? 'Save outcome' : 'Create outcome'}
        </button>
        <button type="button" className="ol-btn" onClick={() => props.onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function MeasurementForm(props: { outcome: OutcomeView; onDone: (changed: boolean) => void }) {
  const [at, setAt] = useState(new Date().toISOString().slice(0, 10));
  const [value, setValue] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  // A second submit before the first answers would send the same version again and fail its check: the
  // ref refuses it even before the disabled button has rendered.
  const saving = useRef(false);
  const idp = `measure-${props.outcome.id}`;
  useEffect(() => document.getElementById(`${idp}-value`)?.focus(), [idp]);
  const submit = async () => {
    if (saving.current) return;
    const measurement = { at, value: num(value) };
    const local = measurementSchema.safeParse(measurement);
    if (!local.success) return setErrors(fieldErrors(local.error));
    saving.current = true;
    setBusy(true);
    const answer = await callResolver<OutcomeView>(R.addMeasurement, {
      id: props.outcome.id,
      version: props.outcome.version,
      measurement,
    });
    saving.current = false;
    setBusy(false);
    if (answer.ok) props.onDone(true);
    else setErrors({ value: answer.error.message });
  };
  return (
    <form
      className="ol-dialog ol-actions"
      aria-label={`Record a measurement of ${props.outcome.metric}`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <TextInput
        id={`${idp}-at`}
        label="Measured on"
        type="date"
        value={at}
        onChange={setAt}
        error={errors.at}
      />
      <TextInput
        id={`${idp}-value`}
        label={`Value of ${props.outcome.metric}`}
        inputMode="decimal"
        value={value}
        onChange={setValue}
        error={errors.value}
      />
      <button type="submit" className="ol-btn ol-btn-primary" disabled={busy} aria-busy={busy}>
        Record
      </button>
      <button type="button" className="ol-btn" onClick={() => props.onDone(false)}>
        Cancel
      </button>
    </form>
  );
}
