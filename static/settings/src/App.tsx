import Button from '@atlaskit/button/new';
import { Checkbox } from '@atlaskit/checkbox';
import Spinner from '@atlaskit/spinner';
import { useEffect, useRef, useState } from 'react';
import { SETTINGS_RESOLVERS as R } from '../../../src/contract/settings-keys';
import type { ErrorAnswer } from '../../../src/contract/answer';
import type { SettingsData } from '../../../src/contract/settings';
import type { Settings } from '../../../src/domain/settings';
import { weightsTotalError } from '../../../src/domain/score-weights';
import type { DecimalMark } from '../../../src/domain/amounts';
import { callResolver, flag, personDecimalMark } from '../../shared/bridge';
import { LINKS_IN_USE_SHARE } from '../../../src/domain/links-in-use';
import { ConfirmDialog } from '../../shared/ConfirmDialog';
import { ChoiceSelect, TextInput } from '../../shared/Field';
import { JqlSearchLink } from '../../shared/JqlSearchLink';
import { LoadError } from '../../shared/LoadError';
import { Message } from '../../shared/Message';
import { useDecimalMark } from '../../shared/useDecimalMark';
import { PerTypeEditor } from './PerTypeEditor';
import { changedCells, recordOf } from './per-type-rows';
import { Tokens } from './Tokens';
import { Weights } from './Weights';
import { ScanPacing } from './ScanPacing';
import { Calibration } from './Calibration';
import { readNumbers, type NumberPath } from './typed-numbers';
import {
  EXEMPTION_KEYS,
  EXEMPTIONS,
  formOf,
  list,
  rebase,
  type Rebased,
  type SettingsForm,
} from './settings-form';

/**
 * The settings' history in words: the version counts saves (a reset is one too). The answer names the last
 * saver only by account id, which means nothing on screen, so the line says when, not who.
 */
function savedHistory(d: Pick<SettingsData, 'version' | 'updatedAt'>): string {
  if (d.version === 0) return 'Defaults, never saved';
  if (!d.updatedAt) return `Saved (version ${d.version})`;
  const times = d.version === 1 ? 'once' : `${d.version} times`;
  return `Saved ${times}, last on ${d.updatedAt.slice(0, 16).replace('T', ' ')} UTC`;
}

function Check(p: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  readOnly: boolean;
}) {
  return (
    <Checkbox
      id={p.id}
      name={p.id}
      label={p.label}
      isChecked={p.checked}
      isDisabled={p.readOnly}
      onChange={(e) => p.onChange(e.target.checked)}
    />
  );
}

/** What the page says above the form; a stale save offers to load the newer settings. */
interface PageMessage {
  kind: 'error' | 'success' | 'warning';
  title: string;
  text: string;
  details?: string[];
  /** A stale save or reset: offers to load the newer settings (after a save, with the person's edits on top). */
  offerLatest?: 'save' | 'reset';
  /** The newer settings were saved by the person themselves, in another tab or window. */
  newerByYou?: boolean;
}
const refused = (text: string, more: Partial<PageMessage> = {}): PageMessage => ({
  kind: 'error',
  title: 'Not saved',
  text,
  ...more,
});

/**
 * A save or reset refused beside a newer version saved meanwhile (the only conflict that names the write it
 * missed), said as who saved it: the person themselves, in another tab, or someone else. Null for any other refusal.
 */
function savedMeanwhile(
  error: ErrorAnswer,
  action: 'save' | 'reset',
): { text: string; newerByYou: boolean } | null {
  const newer = error.code === 'CONFLICT' ? error.lastWrite : undefined;
  if (!newer) return null;
  const own = newer.byYou === true;
  const who = own ? 'You saved these settings in another tab or window' : 'Someone else saved these settings';
  const text =
    action === 'save'
      ? `${who} while you were editing${own ? ' here' : ''}. Your changes are still in the form: load the latest settings to keep them on top of the newer ones, then save again.`
      : `${who} after ${own ? 'this page opened' : 'you opened the page'}, so nothing was reset. Load the latest settings to see ${own ? 'them' : 'theirs'}, then press Reset to defaults again if you still want the defaults.`;
  return { text, newerByYou: own };
}

/** A save or reset refused: said as savedMeanwhile says a stale one, anything else as the resolver says it. */
function refusedWrite(
  error: ErrorAnswer,
  action: 'save' | 'reset',
  more: Partial<PageMessage> = {},
): PageMessage {
  const stale = savedMeanwhile(error, action);
  return stale
    ? refused(stale.text, { ...more, offerLatest: action, newerByYou: stale.newerByYou })
    : refused(error.message, { ...more, offerLatest: action });
}
/** After a refused reset: the newer settings are in the form, and a Save would store them, not the defaults. */
const RESET_AFTER_LATEST: PageMessage = {
  kind: 'warning',
  title: 'Newer settings loaded, not reset',
  text: 'Loaded the latest settings, as they were saved. Nothing was reset: press Reset to defaults again to reset them.',
};

/** Settings loaded with a value a save would refuse: the fields say which and what to do. */
const STORED_PROBLEMS: PageMessage = {
  kind: 'warning',
  title: 'Some settings take no effect',
  text: 'Some saved settings can never match an issue: the message at each such field says why and how to mend it. A save is refused until they are mended.',
};

/** The message after loading newer settings under the person's edits: whose values the form now holds. */
function rebasedMessage(r: Rebased, newerByYou: boolean): PageMessage {
  const text = r.kept.length
    ? `Loaded the latest settings. Your changes are kept on top of them: ${r.kept.join(', ')}.`
    : 'Loaded the latest settings. You had changed nothing, so the form shows them as saved.';
  const details = r.replaced.map((x) =>
    newerByYou
      ? `${x.label}: your other tab saved ${x.theirs}; this one's, ${x.mine}, replaces it when you save.`
      : `${x.label}: they saved ${x.theirs}; yours, ${x.mine}, replaces it when you save.`,
  );
  if (r.taken.length)
    details.push(
      `${newerByYou ? "Your other tab's" : 'Their'} other changes are in the form: ${r.taken.join(', ')}.`,
    );
  details.push('Nothing is saved until you press Save settings.');
  return { kind: 'warning', title: 'Newer settings loaded', text, details };
}

export function App() {
  const mark = useDecimalMark();
  const [data, setData] = useState<SettingsData | null>(null);
  // Numbers and comma lists are kept as typed, and read with the person's decimal mark when judged and saved.
  const [form, setForm] = useState<SettingsForm | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [loadError, setLoadError] = useState<string | null>(null);
  const [message, setMessage] = useState<PageMessage | null>(null);
  const messageRef = useRef<HTMLDivElement>(null);
  /** Once the message is drawn, the keyboard goes to it, and focusing scrolls it into view. */
  const focusMessage = () => setTimeout(() => messageRef.current?.focus(), 0);
  const saveRef = useRef<HTMLButtonElement>(null);
  // A refused save or reset is said at the top of a long form, far above the button pressed, perhaps out of view.
  const showRefusal = (refusal: PageMessage) => {
    setMessage(refusal);
    focusMessage();
  };
  const [busy, setBusy] = useState(false);
  const [confirmReset, setConfirmReset] = useState(false);
  // Set at once, unlike `busy`: a second press of Reset settings in the same moment finds the reset under way.
  const resetting = useRef(false);
  // Once the reset's dialog has left, the keyboard goes to the message saying how the reset went: the dialog hands
  // it back to Reset to defaults only when the person cancels.
  const messageAfterReset = useRef(false);

  // What of the stored settings a save would refuse (an exempt label Jira cannot hold) is told at its field.
  const accept = (d: SettingsData, decimalMark: DecimalMark = mark) => {
    setData(d);
    setForm(formOf(d.settings, decimalMark));
    setErrors(d.storedProblems);
  };
  const load = async () => {
    // The decimal mark is known before a number is shown: "1.234" means one thing to each person.
    const [a, decimalMark] = await Promise.all([callResolver<SettingsData>(R.load), personDecimalMark()]);
    if (a.ok) {
      setLoadError(null);
      accept(a.data, decimalMark);
      if (Object.keys(a.data.storedProblems).length) setMessage(STORED_PROBLEMS);
    } else setLoadError(a.error.message);
  };
  useEffect(() => {
    void load();
  }, []);

  if (!data || !form)
    return (
      <main className="ol-root">
        {loadError ? (
          <LoadError
            title="Settings could not load"
            message={loadError}
            onRetry={load}
            testId="settings-load-error"
          />
        ) : (
          <p className="ol-muted ol-loading" role="status">
            <Spinner size="small" /> Loading settings…
          </p>
        )}
      </main>
    );
  const ro = !data.canEdit;
  const { settings: s, numbers, exemptions: exempt, perType: rows } = form;
  const edit = (change: (draft: SettingsForm) => void) =>
    setForm((old) => {
      if (!old) return old;
      const next = structuredClone(old);
      change(next);
      return next;
    });
  const typed = readNumbers(s, numbers, mark);
  const current = typed.settings;
  // A number field's text is judged as it is typed; the save's refusals are told until the field changes.
  const err = (path: string) =>
    typed.problems[path as NumberPath] ?? errors[`settings.${path}`] ?? errors[path];
  // A refusal (a save's, or one found in the stored settings) was about the value the field held then: once the
  // person changes that value, it no longer says anything true about the field, and the next save judges anew.
  const dropRefusals = (paths: readonly string[]) =>
    setErrors((old) => {
      const gone = new Set(paths.flatMap((path) => [path, `settings.${path}`]));
      const kept = Object.entries(old).filter(([key]) => !gone.has(key));
      return kept.length === Object.keys(old).length ? old : Object.fromEntries(kept);
    });
  /** A change of the setting at `path`, which drops what was refused there. */
  const changeSetting = (path: string, apply: (draft: Settings) => void) => {
    edit((f) => apply(f.settings));
    dropRefusals([path]);
  };
  const typeNumber = (path: NumberPath, text: string) => {
    edit((f) => (f.numbers[path] = text));
    dropRefusals([path]);
  };

  const save = async () => {
    const perType = recordOf(rows, mark);
    const exemptions = Object.fromEntries(
      EXEMPTION_KEYS.map((k) => [k, list(exempt[k])]),
    ) as Settings['exemptions'];
    // The label is kept as typed, spaces and all, and only its ends are trimmed here: one inside is refused at
    // the field (Jira labels have none), where trimming each keystroke had silently run the words together.
    const label = current.flagActions.label?.trim() || null;
    const candidate = {
      ...current,
      zombie: { ...current.zombie, perIssueType: perType.record },
      exemptions,
      flagActions: { ...current.flagActions, label },
    };
    // A per-type row that does not read as numbers, or a number field that does not, never reaches the
    // payload: it is refused here (the number fields say why as they are typed). Everything else the resolver
    // checks with the settings schema (ranges, the weights' total of 100) and answers at the fields; the
    // weights' total is also told as it is typed (Weights).
    if (Object.keys(perType.errors).length || Object.keys(typed.problems).length) {
      const weightsError = weightsTotalError(candidate.weights);
      setErrors({ ...(weightsError ? { weights: weightsError } : {}), ...perType.errors });
      showRefusal(refused('Some settings need attention.'));
      return;
    }
    setBusy(true);
    const a = await callResolver<SettingsData>(R.save, { version: data.version, settings: candidate });
    setBusy(false);
    if (a.ok) {
      accept(a.data);
      setMessage({ kind: 'success', title: 'Saved', text: 'Settings saved.' });
      // Save, pressed, was off while the settings were sent, which took the keyboard from it: it goes back there.
      // Enter in a field left the keyboard in the field, where it stays.
      setTimeout(() => {
        if (document.activeElement === document.body) saveRef.current?.focus();
      }, 0);
      flag('Settings saved', 'Scores and the next scan use them.');
    } else {
      setErrors(a.error.fields ?? {});
      // Refusals at the fields are summed up in the page's words; anything else is said as the resolver says it.
      const atFields = a.error.code === 'VALIDATION' && Object.keys(a.error.fields ?? {}).length > 0;
      showRefusal(
        a.error.code === 'CONFLICT'
          ? refusedWrite(a.error, 'save')
          : refused(atFields ? 'Some settings need attention.' : a.error.message),
      );
    }
  };
  /** The confirmed reset: the dialog stays open, its buttons off, until it is answered (as a token's rotation). */
  const reset = async () => {
    if (resetting.current) return;
    resetting.current = true;
    setBusy(true);
    const a = await callResolver<SettingsData>(R.reset, { version: data.version });
    resetting.current = false;
    setBusy(false);
    if (a.ok) {
      accept(a.data);
      setMessage({ kind: 'success', title: 'Settings reset', text: 'Settings reset to the defaults.' });
    } else
      setMessage(
        a.error.code === 'CONFLICT'
          ? refusedWrite(a.error, 'reset', { title: 'Not reset' })
          : refused(a.error.message, { title: 'Not reset' }),
      );
    messageAfterReset.current = true;
    setConfirmReset(false);
  };
  /**
   * After a stale save: the newer settings become the version the next save goes on top of, with the person's
   * edits laid over them, and the message says whose value each changed setting now holds. After a stale reset
   * the newer settings are shown as saved (a reset keeps no edits), and the message says to press Reset again.
   */
  const loadLatest = async (after: 'save' | 'reset' = 'save', newerByYou = false) => {
    setBusy(true);
    const a = await callResolver<SettingsData>(R.load);
    setBusy(false);
    if (!a.ok) return showRefusal(refused(a.error.message, { offerLatest: after, newerByYou }));
    if (after === 'reset') {
      accept(a.data);
      setMessage(RESET_AFTER_LATEST);
      focusMessage();
      return;
    }
    const rebased = rebase(formOf(data.settings, mark), form, formOf(a.data.settings, mark), mark);
    setData(a.data);
    setForm(rebased.form);
    setErrors({});
    setMessage(rebasedMessage(rebased, newerByYou));
    // The button pressed is gone with the old message: the keyboard lands on the new one.
    focusMessage();
  };

  /**
   * A calibration applied and stored: its values take their fields, and what the person typed elsewhere and has
   * not saved stays in the form (laid the other way round from loadLatest: the applied settings are "mine").
   */
  const applied = (d: SettingsData) => {
    const kept = rebase(formOf(data.settings, mark), formOf(d.settings, mark), form, mark);
    setData(d);
    setForm(kept.form);
    setErrors({});
    if (kept.taken.length)
      setMessage({
        kind: 'warning',
        title: 'Your other changes are not saved yet',
        text: `The calibration's limit is saved. What you changed is still in the form: ${kept.taken.join(', ')}. Press Save settings to store it.`,
      });
  };

  return (
    <main className="ol-root">
      <h1 className="ol-sr-only">Outcome Lens settings</h1>
      <form
        className="ol-stack"
        aria-label="Outcome Lens settings"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {ro ? (
          <Message appearance="info" title="Read-only">
            <p>{data.readOnlyReason}</p>
          </Message>
        ) : null}
        {data.hintsProblem ? (
          <Message
            appearance="warning"
            title="Not everything could be read from Jira"
            testId="settings-hints-problem"
          >
            <p>{data.hintsProblem}</p>
          </Message>
        ) : null}
        {message ? (
          <div ref={messageRef} tabIndex={-1}>
            <Message appearance={message.kind} title={message.title} testId="settings-message">
              <p>{message.text}</p>
              {message.details?.length ? (
                <ul>
                  {message.details.map((d) => (
                    <li key={d}>{d}</li>
                  ))}
                </ul>
              ) : null}
              {message.offerLatest ? (
                <Button
                  isDisabled={busy}
                  onClick={() => void loadLatest(message.offerLatest, message.newerByYou)}
                >
                  Load the latest settings
                </Button>
              ) : null}
            </Message>
          </div>
        ) : null}
        <fieldset className="ol-group">
          <legend>Score weights</legend>
          <Weights
            texts={{
              hypothesis: numbers['weights.hypothesis'],
              measurable: numbers['weights.measurable'],
              outcomeLink: numbers['weights.outcomeLink'],
              killCriteria: numbers['weights.killCriteria'],
              problemFraming: numbers['weights.problemFraming'],
              evidence: numbers['weights.evidence'],
            }}
            weights={current.weights}
            readOnly={ro}
            error={err}
            onChange={(id, text) => typeNumber(`weights.${id}`, text)}
          />
          <div className="ol-grid">
            <TextInput
              id="inherited-share"
              label="Epic link counts (0–1)"
              inputMode="decimal"
              value={numbers.inheritedLinkShare}
              readOnly={ro}
              error={err('inheritedLinkShare')}
              onChange={(v) => typeNumber('inheritedLinkShare', v)}
            />
          </div>
        </fieldset>
        <fieldset className="ol-group">
          <legend>Zombie thresholds</legend>
          <div className="ol-grid">
            <TextInput
              id="max-idle"
              label="Max idle days"
              inputMode="numeric"
              value={numbers['zombie.defaults.maxIdleDays']}
              readOnly={ro}
              error={err('zombie.defaults.maxIdleDays')}
              onChange={(v) => typeNumber('zombie.defaults.maxIdleDays', v)}
            />
            <TextInput
              id="max-sprints"
              label="Max sprints carried over"
              inputMode="numeric"
              value={numbers['zombie.defaults.maxSprintsCarried']}
              readOnly={ro}
              error={err('zombie.defaults.maxSprintsCarried')}
              onChange={(v) => typeNumber('zombie.defaults.maxSprintsCarried', v)}
            />
            <TextInput
              id="unlinked-age"
              label="Max age of unlinked work (days)"
              help={`Applies once at least ${LINKS_IN_USE_SHARE * 100}% of this project's open items are linked to an outcome: before that, nearly everything is unlinked and the rule would say nothing.`}
              inputMode="numeric"
              value={numbers['zombie.defaults.unlinkedMaxAgeDays']}
              readOnly={ro}
              error={err('zombie.defaults.unlinkedMaxAgeDays')}
              onChange={(v) => typeNumber('zombie.defaults.unlinkedMaxAgeDays', v)}
            />
          </div>
          <h2 className="ol-heading" id="per-type-heading">
            Thresholds per issue type
          </h2>
          {err('zombie.perIssueType') ? <p className="ol-error">{err('zombie.perIssueType')}</p> : null}
          <PerTypeEditor
            rows={rows}
            onChange={(perType) => {
              edit((f) => (f.perType = perType));
              dropRefusals(changedCells(rows, perType));
            }}
            defaults={current.zombie.defaults}
            suggestions={data.issueTypes}
            readOnly={ro}
            error={err}
          />
        </fieldset>
        <fieldset className="ol-group">
          <legend>Exemptions: never flagged as zombies</legend>
          <p className="ol-help">Comma-separated lists. An issue matching any entry is never flagged.</p>
          <div className="ol-grid">
            {EXEMPTION_KEYS.map((k) => {
              const items = list(exempt[k]);
              return (
                <TextInput
                  key={k}
                  id={`exempt-${k}`}
                  label={EXEMPTIONS[k]}
                  value={exempt[k]}
                  readOnly={ro}
                  error={err(`exemptions.${k}`)}
                  help={
                    items.length
                      ? `${items.length} exempt: ${items.join(' · ')}`
                      : k === 'issueTypes' && data.issueTypes.length
                        ? `None. Types in this project: ${data.issueTypes.join(', ')}`
                        : k === 'issueTypes' && data.hintsProblem
                          ? "None. This project's issue types could not be read from Jira: reload the page to see them."
                          : 'None'
                  }
                  onChange={(v) => {
                    edit((f) => (f.exemptions[k] = v));
                    dropRefusals([`exemptions.${k}`]);
                  }}
                />
              );
            })}
          </div>
        </fieldset>
        <fieldset className="ol-group">
          <legend>What a zombie flag does</legend>
          <p className="ol-help">
            The issue property is always written, so JQL finds the flagged items:{' '}
            <JqlSearchLink jql={data.flaggedJql}>search them in Jira</JqlSearchLink>.
          </p>
          <TextInput
            id="flag-label"
            label="Add this label (blank: none)"
            value={s.flagActions.label ?? ''}
            readOnly={ro}
            error={err('flagActions.label')}
            onChange={(v) =>
              changeSetting('flagActions.label', (d) => (d.flagActions.label = v === '' ? null : v))
            }
          />
          <Check
            id="flag-comment"
            label="Comment on the issue when it is flagged"
            checked={s.flagActions.comment}
            readOnly={ro}
            onChange={(v) => changeSetting('flagActions.comment', (d) => (d.flagActions.comment = v))}
          />
          <Check
            id="dry-run"
            label="Dry run: the scan shows what it would do and writes nothing"
            checked={s.dryRun}
            readOnly={ro}
            onChange={(v) => changeSetting('dryRun', (d) => (d.dryRun = v))}
          />
        </fieldset>
        <fieldset className="ol-group">
          <legend>Kill decision</legend>
          <div className="ol-grid">
            <ChoiceSelect
              id="kill-transition"
              label="Kill transition"
              help={
                data.killTransitionsFrom
                  ? `Transitions into done found in this project's workflow (as seen from ${data.killTransitionsFrom}; other issue types may use another workflow).`
                  : data.hintsProblem
                    ? "This project's workflow could not be read from Jira just now: the first transition into a done status is used unless one is chosen. Reload the page to see its transitions."
                    : "No open issue to read this project's workflow from: the first transition into a done status is used."
              }
              value={s.kill.transitionName ?? ''}
              readOnly={ro}
              error={err('kill.transitionName')}
              onChange={(v) =>
                changeSetting('kill.transitionName', (d) => (d.kill.transitionName = v || null))
              }
              options={[
                { value: '', label: 'First transition into a done status (any workflow)' },
                ...[
                  ...new Set([
                    ...data.killTransitions,
                    ...(s.kill.transitionName ? [s.kill.transitionName] : []),
                  ]),
                ].map((t) => ({ value: t, label: t })),
              ]}
            />
            <TextInput
              id="kill-resolution"
              label="Resolution"
              value={s.kill.resolutionName}
              readOnly={ro}
              error={err('kill.resolutionName')}
              onChange={(v) => changeSetting('kill.resolutionName', (d) => (d.kill.resolutionName = v))}
            />
          </div>
        </fieldset>
        <fieldset className="ol-group">
          <legend>Entry gate (workflow validator)</legend>
          <p className="ol-help" id="gate-how">
            These settings block nothing until a Jira admin adds the validator to a transition. Jira runs app
            validators in company-managed projects only. To add it: Project settings → Workflows → edit the
            workflow → select the transition (for example into In Progress) → Validators → Add validator →
            “Outcome Lens entry gate” → Add, then publish the workflow.
          </p>
          <Check
            id="gate-enabled"
            label="Block transitions for issues under the threshold"
            checked={s.entryGate.enabled}
            readOnly={ro}
            onChange={(v) => changeSetting('entryGate.enabled', (d) => (d.entryGate.enabled = v))}
          />
          <Check
            id="gate-hypothesis"
            label="Require a complete hypothesis"
            checked={s.entryGate.requireHypothesis}
            readOnly={ro}
            onChange={(v) =>
              changeSetting('entryGate.requireHypothesis', (d) => (d.entryGate.requireHypothesis = v))
            }
          />
          <TextInput
            id="gate-threshold"
            label="Minimum score (0–100)"
            inputMode="numeric"
            value={numbers['entryGate.threshold']}
            readOnly={ro}
            error={err('entryGate.threshold')}
            onChange={(v) => typeNumber('entryGate.threshold', v)}
          />
        </fieldset>
        <ScanPacing
          texts={{
            quotaShare: numbers['scan.quotaShare'],
            fullRescanEveryDays: numbers['scan.fullRescanEveryDays'],
          }}
          scan={current.scan}
          readOnly={ro}
          onChange={(key, text) => typeNumber(`scan.${key}`, text)}
        />
        <fieldset className="ol-group">
          <legend>Outcomes</legend>
          <ChoiceSelect
            id="outcome-editors"
            label="Who may change outcomes"
            value={s.outcomeEditors}
            readOnly={ro}
            onChange={(v) =>
              changeSetting(
                'outcomeEditors',
                (d) => (d.outcomeEditors = v === 'editors' ? 'editors' : 'admins'),
              )
            }
            options={[
              { value: 'admins', label: 'Project administrators' },
              { value: 'editors', label: 'Anyone who can edit issues' },
            ]}
          />
        </fieldset>
        {!ro ? (
          <div className="ol-actions">
            <Button ref={saveRef} type="submit" appearance="primary" isDisabled={busy}>
              Save settings
            </Button>
            <Button isDisabled={busy} onClick={() => setConfirmReset(true)}>
              Reset to defaults
            </Button>
            <span className="ol-muted" data-testid="settings-version">
              {savedHistory(data)}
            </span>
          </div>
        ) : null}
      </form>
      <Calibration
        settingsVersion={data.version}
        onApplied={applied}
        onStale={(newerByYou) => loadLatest('save', newerByYou)}
      />
      <ConfirmDialog
        open={confirmReset}
        title="Reset all settings to the defaults?"
        confirmLabel="Reset settings"
        busy={busy}
        onConfirm={() => void reset()}
        onCancel={() => setConfirmReset(false)}
        onClosed={() => {
          if (!messageAfterReset.current) return;
          messageAfterReset.current = false;
          focusMessage();
        }}
      >
        <p>
          Weights, zombie thresholds, exemptions, flag actions, the kill decision and the entry gate go back
          to Outcome Lens&apos;s defaults for this project. Scores and the next scan use them at once.
        </p>
      </ConfirmDialog>
      {data.canEdit ? <Tokens /> : null}
    </main>
  );
}
