/**
 * "Calibrate from history" on the settings page: starts the background calibration, shows its progress, asks
 * the admin which resolutions mean delivered, and lets them preview any idle limit (what it flags today, what
 * became of past items beyond it, beside the current setting, with a picture) before applying it.
 */
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import ProgressBar from '@atlaskit/progress-bar';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import Textfield from '@atlaskit/textfield';
import { useEffect, useRef, useState } from 'react';
import { CALIBRATION_RESOLVERS as C } from '../../../src/contract/calibration-keys';
import type {
  CalibrationStateView,
  CalibrationView,
  StartCalibrationAnswer,
} from '../../../src/contract/calibration';
import type { SettingsData } from '../../../src/contract/settings';
import type { ResolutionMapping } from '../../../src/domain/calibration';
import { callResolver, flag } from '../../shared/bridge';
import { TableScroll } from '../../shared/TableScroll';
import { daysFrom, figuresOf, rowFor, type Figures } from './calibration-figures';
import { counted, progressWords } from './calibration-words';
import { ThresholdCurve } from './ThresholdCurve';
import './calibration.css';

/** How often the page asks how a running calibration is doing. */
const POLL_MS = 1500;

type Meaning = 'delivered' | 'abandoned' | 'neither';
const MEANINGS: Array<{ value: Meaning; label: string }> = [
  { value: 'delivered', label: 'Delivered' },
  { value: 'abandoned', label: 'Closed without delivery' },
  { value: 'neither', label: 'Neither (not counted)' },
];

function meaningsOf(state: CalibrationStateView): Record<string, Meaning> {
  const out: Record<string, Meaning> = {};
  for (const name of state.resolutionNames)
    out[name] = state.mapping?.delivered.includes(name)
      ? 'delivered'
      : state.mapping?.abandoned.includes(name)
        ? 'abandoned'
        : 'neither';
  return out;
}

function mappingOf(meanings: Record<string, Meaning>): ResolutionMapping {
  const pick = (m: Meaning) =>
    Object.entries(meanings)
      .filter(([, v]) => v === m)
      .map(([k]) => k);
  return { delivered: pick('delivered'), abandoned: pick('abandoned') };
}

const FIGURE_COLUMNS: Array<{ key: keyof Omit<Figures, 'at'>; label: string }> = [
  { key: 'flagsToday', label: 'Open items flagged today' },
  { key: 'laterAbandoned', label: 'Later closed unfixed' },
  { key: 'laterDelivered', label: 'Later delivered' },
  { key: 'stillOpen', label: 'Still open (followed up to two years)' },
  { key: 'medianDaysToClose', label: 'Median days until closed' },
];

export function Calibration(props: {
  settingsVersion: number;
  onApplied: (data: SettingsData) => void;
  /** The settings were saved since this page read them (`newerByYou`: in another tab): it loads the newer ones. */
  onStale: (newerByYou: boolean) => Promise<void>;
}) {
  const [view, setView] = useState<CalibrationView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState('');
  const [meanings, setMeanings] = useState<Record<string, Meaning>>({});
  const shownRun = useRef<string | null>(null);

  const load = async () => {
    const a = await callResolver<CalibrationView>(C.state);
    if (!a.ok) {
      setError(a.error.message);
      return;
    }
    setView(a.data);
    const s = a.data.state;
    // A newly finished run resets the preview to its proposal and the mapping to what it used.
    if (s && s.status === 'finished' && shownRun.current !== s.runId) {
      shownRun.current = s.runId;
      setPreview(String(s.result?.thresholds.idleDays ?? a.data.current.idleDays));
      setMeanings(meaningsOf(s));
    }
  };
  useEffect(() => {
    void load();
  }, []);
  const running = view?.state?.status === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => void load(), POLL_MS);
    return () => clearTimeout(timer);
  }, [running, view]);

  const start = async (key: string, payload: Record<string, unknown> = {}) => {
    setBusy(true);
    setError(null);
    const a = await callResolver<StartCalibrationAnswer>(key, payload);
    setBusy(false);
    if (!a.ok) setError(a.error.message);
    await load();
  };

  if (!view)
    return (
      <section className="ol-group ol-calibration" aria-labelledby="calibration-heading">
        <h2 className="ol-heading" id="calibration-heading">
          Calibrate from history
        </h2>
        {error ? (
          <SectionMessage appearance="error" title="Calibration could not load">
            <p>{error}</p>
          </SectionMessage>
        ) : (
          <Spinner label="Loading the calibration" />
        )}
      </section>
    );

  const state = view.state;
  const result = state?.status === 'finished' ? state.result : null;
  const value = daysFrom(preview);
  const row = result && value !== null ? rowFor(result.replay, value) : null;
  const currentRow = result ? rowFor(result.replay, view.current.idleDays) : null;
  const figures = row && result ? figuresOf(row, result.openToday) : null;
  const currentFigures = currentRow && result ? figuresOf(currentRow, result.openToday) : null;
  const mappingChanged =
    state !== null &&
    JSON.stringify(mappingOf(meanings)) !== JSON.stringify(state.mapping ?? { delivered: [], abandoned: [] });

  const apply = async () => {
    if (!state || !result || value === null) return;
    setBusy(true);
    const a = await callResolver<SettingsData>(C.apply, {
      runId: state.runId,
      idleDays: value,
      byType: result.thresholds.byType,
      version: props.settingsVersion,
    });
    setBusy(false);
    if (!a.ok) {
      // Applied on top of settings older than the stored ones (the only conflict that names the write it missed):
      // those are loaded, then Apply can be pressed again. Any other refusal is said as the resolver says it.
      const newer = a.error.code === 'CONFLICT' ? a.error.lastWrite : undefined;
      if (!newer) return setError(a.error.message);
      const own = newer.byYou === true;
      await props.onStale(own);
      setError(
        `${own ? 'You saved the settings in another tab or window' : 'Someone saved the settings'} since this page read them. The newer settings are loaded now; press Apply again to apply the limit on top of them.`,
      );
      return;
    }
    setError(null);
    props.onApplied(a.data);
    flag('Idle limit applied', `Items idle longer than ${value} days are flagged from the next scan.`);
    await load();
  };

  return (
    <section className="ol-group ol-calibration" aria-labelledby="calibration-heading">
      <h2 className="ol-heading" id="calibration-heading">
        Calibrate from history
      </h2>
      <p className="ol-help">
        Replays the last 24 months of this project: at quarterly dates, which items were open, how long each
        had been idle, and what became of it within two years. It proposes the idle limit at the 90th
        percentile of idle time among items that were later delivered. It runs in the background; you can
        leave this page.
      </p>
      {error ? (
        <SectionMessage appearance="error" title="Calibration">
          <p>{error}</p>
        </SectionMessage>
      ) : null}
      {view.canEdit ? (
        <div className="ol-actions">
          <Button
            appearance={result ? 'default' : 'primary'}
            isDisabled={busy || running}
            onClick={() => void start(C.start)}
          >
            Calibrate from history
          </Button>
        </div>
      ) : (
        <p className="ol-muted">{view.readOnlyReason}</p>
      )}
      {!state ? <p className="ol-muted">Not calibrated yet.</p> : null}
      {running && state ? (
        <div className="ol-stack" role="status" data-testid="calibration-progress">
          <ProgressBar isIndeterminate ariaLabel="Reading the project's history" />
          <p className="ol-muted">{progressWords(state.progress)}</p>
        </div>
      ) : null}
      {view.figuresWithheld ? (
        <SectionMessage appearance="information" title="Figures not shown">
          <p data-testid="calibration-withheld">{view.figuresWithheld}</p>
        </SectionMessage>
      ) : null}
      {state?.status === 'failed' ? (
        <SectionMessage appearance="error" title="The calibration failed">
          <p>{state.failure}</p>
        </SectionMessage>
      ) : null}
      {state && result ? (
        <>
          {result.thresholds.idleDays === null ? (
            // The basis under the title starts with why ("Too little history: …"): the title says what follows.
            <SectionMessage appearance="warning" title="No proposal: the current settings stay">
              <p>{result.basis}</p>
            </SectionMessage>
          ) : (
            <SectionMessage
              appearance="information"
              title={`Proposal: ${result.thresholds.idleDays} days idle`}
            >
              <p data-testid="calibration-basis">{result.basis}</p>
            </SectionMessage>
          )}
          <p className="ol-muted">
            As of {state.asOf?.slice(0, 10)}:{' '}
            {state.progress ? `${counted(state.progress.issuesRead, 'issue')} read, ` : ''}
            {result.openToday} open today; {result.delivered} later delivered, {result.abandoned} closed
            without delivery.
          </p>

          <h3 className="ol-heading">What the resolutions mean</h3>
          <p className="ol-help">
            {state.mappingConfirmed
              ? 'Confirmed by an administrator.'
              : 'Proposed from the resolution names: confirm or change it.'}{' '}
            Resolutions counted as neither leave those items out of the shares.
          </p>
          <TableScroll label="What the resolutions mean">
            <DynamicTable
              label="What the resolutions mean"
              testId="resolution-mapping"
              head={{
                cells: [
                  { key: 'resolution', content: 'Resolution' },
                  { key: 'means', content: 'Means' },
                ],
              }}
              rows={state.resolutionNames.map((name, index) => ({
                key: name,
                cells: [
                  {
                    key: 'resolution',
                    // The visible name is the select's label; the hidden words make it a question.
                    content: (
                      <label htmlFor={`meaning-${index}`}>
                        <span className="ol-sr-only">What </span>
                        {name}
                        <span className="ol-sr-only"> means</span>
                      </label>
                    ),
                  },
                  {
                    key: 'means',
                    content: (
                      <Select<{ value: Meaning; label: string }>
                        inputId={`meaning-${index}`}
                        options={MEANINGS}
                        value={MEANINGS.find((m) => m.value === (meanings[name] ?? 'neither')) ?? null}
                        isDisabled={!view.canEdit}
                        isSearchable={false}
                        spacing="compact"
                        onChange={(chosen) => {
                          if (chosen) setMeanings((old) => ({ ...old, [name]: chosen.value }));
                        }}
                      />
                    ),
                  },
                ],
              }))}
            />
          </TableScroll>
          {view.canEdit ? (
            <div className="ol-actions">
              <Button
                isDisabled={busy || running || (!mappingChanged && state.mappingConfirmed)}
                onClick={() => void start(C.saveMapping, { ...mappingOf(meanings), runId: state.runId })}
              >
                {state.mappingConfirmed ? 'Save and recalculate' : 'Confirm and recalculate'}
              </Button>
            </div>
          ) : null}

          <h3 className="ol-heading">What an idle limit means</h3>
          <div className="ol-grid">
            <div className="ol-field">
              <label className="ol-label" htmlFor="calibration-preview">
                Idle limit to preview (days)
              </label>
              <Textfield
                id="calibration-preview"
                type="number"
                min={1}
                max={3650}
                value={preview}
                isInvalid={value === null}
                onChange={(e) => setPreview(e.currentTarget.value)}
              />
              {value === null ? (
                <p className="ol-error">A whole number of days from 1 to 3650.</p>
              ) : figures && figures.at !== value ? (
                <p className="ol-help">Figures at {figures.at} days, the nearest limit replayed below it.</p>
              ) : null}
            </div>
          </div>
          <TableScroll label="What an idle limit means">
            <DynamicTable
              label="What an idle limit means"
              testId="calibration-figures"
              head={{
                cells: [
                  { key: 'limit', content: 'Idle limit' },
                  ...FIGURE_COLUMNS.map((c) => ({ key: c.key, content: c.label })),
                ],
              }}
              rows={[
                ...(figures && value !== null
                  ? [
                      {
                        key: 'preview',
                        cells: [
                          { key: 'limit', content: `Previewed: ${value} days` },
                          ...FIGURE_COLUMNS.map((c) => ({
                            key: c.key,
                            content: <span data-testid={`preview-${c.key}`}>{figures[c.key]}</span>,
                          })),
                        ],
                      },
                    ]
                  : []),
                ...(currentFigures
                  ? [
                      {
                        key: 'current',
                        cells: [
                          { key: 'limit', content: `Current setting: ${view.current.idleDays} days` },
                          ...FIGURE_COLUMNS.map((c) => ({ key: c.key, content: currentFigures[c.key] })),
                        ],
                      },
                    ]
                  : []),
              ]}
            />
          </TableScroll>
          <p className="ol-help">
            Shares of past items: of the items open at a replayed date and idle longer than the limit then,
            how many were later closed without delivery, later delivered, or still open two years on.
          </p>
          <ThresholdCurve
            replay={result.replay}
            value={value ?? view.current.idleDays}
            current={view.current.idleDays}
          />
          {Object.keys(result.thresholds.byType).length > 0 ? (
            <>
              <h3 className="ol-heading">Limits per issue type</h3>
              <p className="ol-help">
                Only for types with at least 30 items later delivered and 5 closed without delivery; other
                types use the project&apos;s limit. Applying writes these too.
              </p>
              <TableScroll label="Limits per issue type">
                <DynamicTable
                  label="Limits per issue type"
                  testId="calibration-by-type"
                  head={{
                    cells: [
                      { key: 'type', content: 'Issue type' },
                      { key: 'proposed', content: 'Proposed' },
                      { key: 'current', content: 'Current' },
                    ],
                  }}
                  rows={Object.entries(result.thresholds.byType).map(([type, days]) => ({
                    key: type,
                    cells: [
                      { key: 'type', content: type },
                      { key: 'proposed', content: `${days} days` },
                      {
                        key: 'current',
                        content: `${view.current.byType[type] ?? view.current.idleDays} days`,
                      },
                    ],
                  }))}
                />
              </TableScroll>
            </>
          ) : null}
          {view.canEdit && result.thresholds.idleDays !== null ? (
            <div className="ol-actions">
              <Button
                appearance="primary"
                isDisabled={busy || running || value === null}
                onClick={() => void apply()}
              >
                {value === null ? 'Apply' : `Apply ${value} days`}
              </Button>
              {value !== null && value !== result.thresholds.idleDays ? (
                <span className="ol-muted">The proposal was {result.thresholds.idleDays} days.</span>
              ) : null}
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
