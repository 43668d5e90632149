/**
 * The issue panel: the hypothesis, the expected outcome, the outcome link, kill criteria and the result, with
 * the outcome-linkage score recomputed in the browser on every keystroke (the same domain code the resolver
 * runs). One resolver call on load; saves carry the version they were edited from; a pasted story is read by the
 * resolver.
 */
import Button from '@atlaskit/button/new';
import Spinner from '@atlaskit/spinner';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ISSUE_PANEL_RESOLVERS, RECIPE_JQL } from '../../../src/contract/issue-panel-keys';
import type {
  PanelLens,
  PanelDescribeData,
  PanelLoadData,
  PanelSaveData,
  PanelStoryData,
} from '../../../src/contract/issue-panel';
import type { ErrorAnswer, LastWrite } from '../../../src/contract/answer';
import { assessIssue } from '../../../src/domain/assess-issue';
import { checkByNotBefore } from '../../../src/domain/check-by';
import { descriptionDigest } from '../../../src/domain/description-digest';
import { movementPhrase } from '../../../src/domain/hypothesis-text';
import type { ExpectedOutcome } from '../../../src/domain/schemas';
import { callResolver, flag, personDecimalMark, personScope } from '../../shared/bridge';
import type { DecimalMark } from '../../../src/domain/amounts';
import { newRequestId } from '../../shared/requestId';
import { localToday } from '../../shared/date-format';
import { ChoiceSelect, DateInput, TextArea, TextInput } from '../../shared/Field';
import { Message } from '../../shared/Message';
import { RecipeWarning } from '../../shared/RecipeWarning';
import { BetCheck } from './BetCheck';
import { KillReviewStatus } from './KillReviewStatus';
import { ScoreBreakdown } from '../../shared/ScoreBreakdown';
import {
  FIELD_LABELS,
  FIELD_NAMES,
  PART_LABELS,
  alsoExpectedProblem,
  alsoMineOnTheirs,
  applyStory,
  changedExpectations,
  changedFields,
  characterCount,
  checkValues,
  mineOnTheirs,
  errorsByField,
  scorableDraft,
  valuesOf,
  withUnitMoved,
  type FieldChange,
  type FieldName,
  type FormErrors,
  type FormValues,
} from './form';
import {
  HEARTBEAT_MS,
  browserStore,
  dropExpiredUnsaved,
  dropUnsaved,
  editedElsewhere,
  editsOnTop,
  keepUnsaved,
  markAlive,
  markLeft,
  recallAllUnsaved,
  sameDescribedParts,
  sameDraft,
  unsavedKey,
} from './unsaved';

type Phase =
  | { kind: 'loading' }
  | { kind: 'failed'; error: ErrorAnswer }
  | { kind: 'ready'; data: PanelLoadData; mark: DecimalMark };

export function App() {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });

  const load = async () => {
    setPhase({ kind: 'loading' });
    // The person's decimal mark is known before the form shows a number: "1.234" means one thing to each.
    const [answer, mark] = await Promise.all([
      callResolver<PanelLoadData>(ISSUE_PANEL_RESOLVERS.load),
      personDecimalMark(),
    ]);
    setPhase(
      answer.ok ? { kind: 'ready', data: answer.data, mark } : { kind: 'failed', error: answer.error },
    );
  };

  useEffect(() => {
    void load();
  }, []);

  if (phase.kind === 'loading') {
    return (
      <p className="ol-muted ol-loading" role="status">
        <Spinner size="small" /> Loading Outcome Lens…
      </p>
    );
  }
  if (phase.kind === 'failed') {
    return (
      <Message appearance="error" title="Outcome Lens could not load this issue">
        <p>{phase.error.message}</p>
        <Button onClick={() => void load()}>Try again</Button>
      </Message>
    );
  }
  return <Panel data={phase.data} mark={phase.mark} scope={personScope()} />;
}

interface Conflict {
  message: string;
  theirs: PanelLens | null;
  /** Who saved in between and when, as the refused save's answer says (absent when the lens does not record it). */
  lastWrite?: LastWrite;
}

/** "Saved by Max Member at 2026-11-21 12:00 UTC.": a name Jira would not share is "someone else". */
function savedBy(w: LastWrite): string {
  const at = w.at ? ` at ${minuteOf(w.at)}` : '';
  return `Saved by ${w.byYou ? 'you' : (w.name ?? 'someone else')}${at}.`;
}

/** A refused save's title: the newer version may be the person's own, from another tab. */
function conflictTitle(w: LastWrite | undefined): string {
  return w?.byYou ? 'Not saved: you saved a newer version elsewhere' : 'Not saved: someone else saved first';
}

/** A message's first sentence: what went wrong, without advice the panel's own check makes moot. */
function firstSentence(message: string): string {
  return /^.*?[.!?](?=\s|$)/.exec(message)?.[0] ?? message;
}

/** "2026-11-21 12:00 UTC" from an ISO time. */
function minuteOf(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * The panel for a loaded issue; numbers are typed and shown with the person's decimal `mark`. Edits not yet
 * saved are kept in the browser under the person's `scope` and come back when the issue is opened again.
 */
function Panel({ data, mark, scope }: { data: PanelLoadData; mark: DecimalMark; scope: string }) {
  const editable = data.permissions.canEdit;
  const store = useMemo(browserStore, []);
  // This panel's own place for its edits: another tab on the same issue keeps its own.
  const keptKey = useMemo(() => unsavedKey(scope, data.issue.key, newRequestId()), [scope, data.issue.key]);
  // The person's own day: a date of "today" west of UTC is still today in the evening.
  const today = localToday();
  const [start] = useState(() => {
    const saved = valuesOf(data.lens.draft, mark);
    const savedAlso = data.lens.draft.alsoExpected ?? [];
    // Any issue's panel drops the edits kept past the fortnight, on every issue: those never opened again too.
    if (editable) dropExpiredUnsaved(store, new Date());
    // Edits of a panel still open in another tab stay that panel's: they are neither taken nor dropped here.
    const elsewhere = editable && editedElsewhere(store, scope, data.issue.key, keptKey, new Date());
    const kept = editable ? recallAllUnsaved(store, scope, data.issue.key, new Date()) : [];
    if (kept.length === 0) return { values: saved, also: savedAlso, story: '', restored: null, elsewhere };
    // Left there: taken into this panel, which keeps them from now on under its own key.
    for (const { key } of kept) dropUnsaved(store, key);
    const back = editsOnTop(
      kept.map((k) => k.kept),
      saved,
      savedAlso,
    );
    const checked = checkValues(back.values, data.lens.draft, today, mark);
    // Edits that only restate what is saved now (the same numbers written another way) bring nothing back.
    if (
      back.story === '' &&
      checked.ok &&
      sameDraft(
        { ...checked.draft, alsoExpected: back.also },
        { ...data.lens.draft, alsoExpected: savedAlso },
      )
    )
      return { values: saved, also: savedAlso, story: '', restored: null, elsewhere };
    const at = kept[kept.length - 1]!.kept.at;
    // An outcome chosen then and no longer offered (deleted, or closed and unlinked since) cannot be shown in the
    // select: the saved link stands, and the message says so.
    const outcomeGone =
      back.values.outcomeId !== '' && !data.outcomes.some((o) => o.id === back.values.outcomeId);
    const values = outcomeGone ? { ...back.values, outcomeId: saved.outcomeId } : back.values;
    return {
      values,
      also: back.also,
      story: back.story,
      restored: { at, clashes: back.clashes, outcomeGone, story: back.story !== '' },
      elsewhere,
    };
  });
  // While this panel is open its edits are its own: another tab on the issue leaves them alone.
  useEffect(() => {
    if (!editable) return;
    const beat = () => markAlive(store, keptKey, new Date());
    const left = () => markLeft(store, keptKey);
    beat();
    const timer = setInterval(beat, HEARTBEAT_MS);
    window.addEventListener('pagehide', left);
    // A page brought back from the browser's back-forward cache is open again.
    window.addEventListener('pageshow', beat);
    return () => {
      clearInterval(timer);
      window.removeEventListener('pagehide', left);
      window.removeEventListener('pageshow', beat);
      left();
    };
  }, [editable, store, keptKey]);
  const [restored, setRestored] = useState(start.restored);
  // The browser's storage refused the edits even after making room: only a save keeps them now.
  const [notKept, setNotKept] = useState(false);
  const [base, setBase] = useState<PanelLens>(data.lens);
  const [values, setValues] = useState<FormValues>(start.values);
  // Fields brought back show their messages at once, as they did when the person left: a date typed as no day
  // is otherwise an empty-looking field that blocks the save.
  const [touched, setTouched] = useState<Partial<Record<FieldName, boolean>>>(() =>
    start.restored
      ? Object.fromEntries(
          changedFields(valuesOf(data.lens.draft, mark), start.values).map((c) => [c.field, true]),
        )
      : {},
  );
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FormErrors>({});
  const [saving, setSaving] = useState(false);
  const bannerRef = useRef<HTMLElement>(null);
  const [banner, setBanner] = useState<{
    appearance: 'success' | 'warning' | 'error';
    title: string;
    text: string;
  } | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  // "Reload their version" asks first: it takes the person's edits out of the fields.
  const [confirmingTheirs, setConfirmingTheirs] = useState(false);
  /**
   * What taking their version replaced, so "Bring my changes back" can undo it: offered while the fields still
   * show their version as it was taken (`shown`), as an edit since would otherwise be undone with it.
   */
  const [replacedMine, setReplacedMine] = useState<{
    base: PanelLens;
    values: FormValues;
    alsoExpected: ExpectedOutcome[];
    conflict: Conflict;
    shown: FormValues;
    shownAlso: ExpectedOutcome[];
    changes: string;
  } | null>(null);
  // A story being pasted when the person left comes back in its open box.
  const [pasteOpen, setPasteOpen] = useState(start.story !== '');
  const [story, setStory] = useState(start.story);
  const [pasteNote, setPasteNote] = useState<string | null>(null);
  /** What the fields held before a paste filled them, while the paste can still be undone. */
  const [beforePaste, setBeforePaste] = useState<{
    values: FormValues;
    alsoExpected: ExpectedOutcome[];
    /** What the paste put in: a field edited since keeps its edit when the fill is undone. */
    filled: FormValues;
    filledAlso: ExpectedOutcome[];
    replaced: string[];
  } | null>(null);
  const pasteButtonRef = useRef<HTMLButtonElement>(null);
  // One request id per draft on a version, sent again when that same save is retried (after a timeout): the
  // server answers a retry of a save that landed as saved, not as someone else's change.
  const saveRequest = useRef<{ of: string; id: string } | null>(null);

  const [pasteRecipe, setPasteRecipe] = useState<string[] | null>(null);
  // The resolver is reading the pasted story; what it could not read, said in the box.
  const [readingStory, setReadingStory] = useState(false);
  const [pasteError, setPasteError] = useState<string | null>(null);
  // A story read in which no part of a hypothesis was found: what the reading said, shown in the box with the story.
  const [pasteUnread, setPasteUnread] = useState<string[] | null>(null);
  // The description as Jira holds it now: the panel may have written the hypothesis into it.
  const [description, setDescription] = useState(data.issue.description);
  const [describing, setDescribing] = useState(false);
  const outcomesById = useMemo(() => new Map(data.outcomes.map((o) => [o.id, o])), [data.outcomes]);
  const facts = useMemo(
    () => ({
      key: data.issue.key,
      summary: data.issue.summary,
      description,
      statusCategory: data.issue.statusCategory,
      parent: data.issue.parent
        ? { key: data.issue.parent.key, outcomeId: data.issue.parent.outcomeId }
        : null,
    }),
    [data.issue, description],
  );
  const [alsoExpected, setAlsoExpected] = useState<ExpectedOutcome[]>(start.also);
  const checked = useMemo(() => {
    const result = checkValues(values, base.draft, today, mark);
    // Further expectations come from a pasted story and are sent as they are; the resolver checks them.
    return result.ok && alsoExpected.length
      ? { ok: true as const, draft: { ...result.draft, alsoExpected } }
      : result;
  }, [values, base.draft, today, alsoExpected, mark]);
  // The same checks the save applies: a date set in the past, a direction the numbers contradict.
  const assessment = useMemo(() => {
    const draft = checked.ok ? checked.draft : scorableDraft(values, mark);
    return assessIssue(facts, draft, outcomesById, data.settings, {
      checkByNotBefore: checkByNotBefore(draft, base.draft, today),
      decimalMark: mark,
      stored: base.draft,
    });
  }, [facts, checked, values, outcomesById, data.settings, base.draft, today, mark]);

  // When the kept edits were last changed: opening the issue again keeps the time they were made.
  const editedAt = useRef(start.restored?.at ?? '');
  const lastKept = useRef<{ values: FormValues; also: ExpectedOutcome[]; story: string } | null>(null);
  // The paste box's story is kept while the box is open: once it has filled the fields, they hold it.
  const keptStory = pasteOpen ? story.trim() : '';
  // Every edit is kept in the browser until it is saved or undone; a draft alike to the saved one keeps nothing.
  useEffect(() => {
    if (!editable) return;
    const edited =
      lastKept.current !== null &&
      (lastKept.current.values !== values ||
        lastKept.current.also !== alsoExpected ||
        lastKept.current.story !== keptStory);
    if (edited || editedAt.current === '') editedAt.current = new Date().toISOString();
    lastKept.current = { values, also: alsoExpected, story: keptStory };
    const saved = valuesOf(base.draft, mark);
    const savedAlso = base.draft.alsoExpected ?? [];
    const unchanged =
      keptStory === '' &&
      ((changedFields(saved, values).length === 0 &&
        JSON.stringify(alsoExpected) === JSON.stringify(savedAlso)) ||
        (checked.ok && sameDraft(checked.draft, base.draft)));
    if (unchanged) {
      dropUnsaved(store, keptKey);
      setNotKept(false);
      // Edits undone by hand: nothing is back any more.
      if (edited) setRestored(null);
    } else
      setNotKept(
        !keepUnsaved(store, keptKey, {
          at: editedAt.current,
          loaded: saved,
          mine: values,
          loadedAlso: savedAlso,
          mineAlso: alsoExpected,
          ...(keptStory ? { story: keptStory } : {}),
        }),
      );
  }, [editable, base, values, alsoExpected, keptStory, checked, mark, store, keptKey]);
  const discardRestored = () => {
    setValues(valuesOf(base.draft, mark));
    setAlsoExpected(base.draft.alsoExpected ?? []);
    setStory('');
    setPasteOpen(false);
    setRestored(null);
  };

  const clientErrors: FormErrors = checked.ok ? {} : checked.errors;
  // Text past its limit is refused as it is typed: waiting for the field to lose focus would hide why.
  const errorOf = (field: FieldName): string | undefined =>
    serverErrors[field] ??
    (submitted || touched[field] || characterCount(field, values[field])?.over
      ? clientErrors[field]
      : undefined);

  const change = (field: FieldName) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setServerErrors((e) => ({ ...e, [field]: undefined }));
    setBanner(null);
  };
  const blur = (field: FieldName) => () => {
    // "40%" typed in Baseline or Target: the unit goes to Unit, as the number is saved and shown.
    if (field === 'baseline' || field === 'target') setValues((v) => withUnitMoved(v, field, mark));
    setTouched((t) => ({ ...t, [field]: true }));
  };
  const common = (field: FieldName) => {
    const count = editable ? characterCount(field, values[field]) : null;
    return {
      id: `ol-${field}`,
      label: FIELD_LABELS[field],
      value: values[field],
      onChange: change(field),
      onBlur: blur(field),
      error: errorOf(field),
      readOnly: !editable,
      ...(count ? { help: count.text } : {}),
    };
  };

  const focusField = (field: FieldName) => document.getElementById(`ol-${field}`)?.focus();

  const save = async () => {
    setSubmitted(true);
    setBanner(null);
    const wrongAlso = alsoExpected.find((e) => alsoExpectedProblem(e, mark, base.draft, today));
    if (checked.ok && wrongAlso) {
      setBanner({
        appearance: 'error',
        title: 'Nothing was saved',
        text: `A further expectation, "${movementPhrase(wrongAlso, mark)}", needs attention: ${alsoExpectedProblem(wrongAlso, mark, base.draft, today)} Remove it, or fix the story and paste it again.`,
      });
      return;
    }
    if (!checked.ok) {
      const wrong = FIELD_NAMES.filter((f) => checked.errors[f]);
      // Said here as well as at the fields: a date field's calendar opens on focus and can cover its message.
      const said = wrong.slice(0, 3).map((f) => {
        const message = checked.errors[f]!;
        return message.toLowerCase().startsWith(FIELD_LABELS[f].toLowerCase())
          ? message
          : `${FIELD_LABELS[f]}: ${message}`;
      });
      setBanner({
        appearance: 'error',
        title: 'Nothing was saved',
        text:
          said.length > 0
            ? `${said.join(' ')}${wrong.length > 3 ? ` And ${wrong.length - 3} more at the fields.` : ''}`
            : 'Some fields need attention: see the messages at the fields.',
      });
      if (wrong[0]) focusField(wrong[0]);
      return;
    }
    setSaving(true);
    const of = JSON.stringify([base.version, checked.draft]);
    if (saveRequest.current?.of !== of) saveRequest.current = { of, id: newRequestId() };
    const payload = { version: base.version, draft: checked.draft, requestId: saveRequest.current.id };
    let answer = await callResolver<PanelSaveData>(ISSUE_PANEL_RESOLVERS.save, payload);
    let lost: string | null = null;
    if (!answer.ok && (answer.error.code === 'INTERNAL' || answer.error.code === 'JIRA_ERROR')) {
      // A time-out or a Jira 5xx may come after the write landed: what Jira holds now says which.
      lost = firstSentence(answer.error.message);
      setBanner({
        appearance: 'warning',
        title: 'Saved or not? Checking what Jira holds',
        text: `${lost} Your changes are kept here.`,
      });
      const latest = await callResolver<PanelLoadData>(ISSUE_PANEL_RESOLVERS.load, {
        requestId: payload.requestId,
      });
      if (!latest.ok) {
        setSaving(false);
        const text = `${lost} It could not be read back either: reload the issue to see what is stored, or press Save again (a save that landed is not made twice). Your changes are kept here.`;
        setBanner({ appearance: 'warning', title: 'This may or may not have been saved', text });
        flag('This may or may not have been saved', text, 'warning');
        return;
      }
      if (!latest.data.requestLanded) {
        setSaving(false);
        const text = `${lost} Jira does not hold this save; your changes are kept here. Press Save again: should the first try still land, it is not saved twice.`;
        setBanner({ appearance: 'error', title: 'Not saved as far as Jira shows', text });
        flag('Outcome Lens could not save', text, 'error');
        return;
      }
      // It landed: the same request again is answered from the lens as it wrote it, and writes nothing.
      answer = await callResolver<PanelSaveData>(ISSUE_PANEL_RESOLVERS.save, payload);
    }
    setSaving(false);
    if (answer.ok) {
      setBase(answer.data.lens);
      setRestored(null);
      // Saved: the fill is part of what is stored, and undoing it would no longer be undoing the paste alone.
      setBeforePaste(null);
      setPasteNote(null);
      setServerErrors({});
      setConflict(null);
      setConfirmingTheirs(false);
      setReplacedMine(null);
      setSubmitted(false);
      setBanner({
        appearance: 'success',
        title: 'Saved',
        text: `${lost ? `${lost} Jira holds your save all the same. ` : ''}Outcome-linkage is now ${answer.data.score} / 100.`,
      });
      flag('Outcome Lens saved', `${data.issue.key}: outcome-linkage ${answer.data.score} / 100.`, 'success');
      return;
    }
    if (lost) {
      // Held by Jira, yet its answer could not be read again: say both.
      const text = `${lost} Jira holds this save, but its answer could not be read: reload the issue to see it.`;
      setBanner({ appearance: 'warning', title: 'Saved, by what Jira holds', text });
      flag('Saved, by what Jira holds', text, 'warning');
      return;
    }
    const error = answer.error;
    if (error.code === 'CONFLICT' && error.retryAfterSeconds !== undefined) {
      // Busy, not superseded: another writer (the scan, a decision) holds the issue for a moment, and nothing of
      // this save was written. There is no other version to compare with: Save again in a moment.
      // The message already says when to try again.
      const text = `${error.message} Your changes are kept here.`;
      setBanner({ appearance: 'warning', title: 'Not saved yet: the issue is busy', text });
      flag('Not saved yet: the issue is busy', text, 'warning');
      return;
    }
    if (error.code === 'CONFLICT') {
      // Keep the user's input; fetch the other version so they can compare before choosing.
      const latest = await callResolver<PanelLoadData>(ISSUE_PANEL_RESOLVERS.load);
      if (!error.lastWrite && latest.ok && latest.data.lens.version === base.version) {
        // Refused, yet nobody saved since this panel loaded: the save itself ran out of time and stopped before
        // its write (src/storage/lens-claim.ts). There is no other version to compare with.
        const text = `${error.message} Your changes are still in the fields: press Save to try again.`;
        setBanner({ appearance: 'warning', title: 'Not saved: the save took too long and stopped', text });
        flag('Not saved: the save took too long and stopped', text, 'warning');
        return;
      }
      setConflict({
        message: error.message,
        theirs: latest.ok ? latest.data.lens : null,
        ...(error.lastWrite ? { lastWrite: error.lastWrite } : {}),
      });
      flag(
        conflictTitle(error.lastWrite),
        'Your changes were not saved and are still in the fields.',
        'warning',
      );
      return;
    }
    if (error.fields) setServerErrors(errorsByField(error.fields));
    setBanner({ appearance: 'error', title: 'Nothing was saved', text: error.message });
    flag('Outcome Lens could not save', error.message, 'error');
  };

  /** The other version, read again after a conflict whose first read of it failed. */
  const readTheirs = async () => {
    const latest = await callResolver<PanelLoadData>(ISSUE_PANEL_RESOLVERS.load);
    if (latest.ok) setConflict((c) => (c ? { ...c, theirs: latest.data.lens } : c));
    else flag('Their version could not be read', latest.error.message, 'error');
  };
  /** "Your changes to Persona, Benefit": the fields the person changed from the version they edited. */
  const yourChanges = (): string => {
    const fields = changedFields(valuesOf(base.draft, mark), values).map((c) => FIELD_LABELS[c.field]);
    if (JSON.stringify(alsoExpected) !== JSON.stringify(base.draft.alsoExpected ?? []))
      fields.push('the further expectations');
    return fields.length ? `Your changes to ${fields.join(', ')}` : 'Your changes';
  };
  // Their version in place of the person's edits, once they said so; undone by bringMineBack.
  const useTheirs = () => {
    if (!conflict?.theirs) return;
    const shown = valuesOf(conflict.theirs.draft, mark);
    const shownAlso = conflict.theirs.draft.alsoExpected ?? [];
    setReplacedMine({ base, values, alsoExpected, conflict, shown, shownAlso, changes: yourChanges() });
    setBase(conflict.theirs);
    setValues(shown);
    setAlsoExpected(shownAlso);
    setConfirmingTheirs(false);
    setConflict(null);
  };
  const bringMineBack = () => {
    if (!replacedMine) return;
    setBase(replacedMine.base);
    setValues(replacedMine.values);
    setAlsoExpected(replacedMine.alsoExpected);
    setConflict(replacedMine.conflict);
    setReplacedMine(null);
  };
  const keepMine = () => {
    if (!conflict?.theirs) return;
    setConfirmingTheirs(false);
    // My edits go on top of their version: what I left alone takes theirs, so nothing of theirs goes unseen.
    const theirs = conflict.theirs;
    const merged = mineOnTheirs(valuesOf(base.draft, mark), values, valuesOf(theirs.draft, mark));
    const mergedAlso = alsoMineOnTheirs(
      base.draft.alsoExpected ?? [],
      alsoExpected,
      theirs.draft.alsoExpected ?? [],
    );
    setValues(merged.values);
    setAlsoExpected(mergedAlso.also);
    setBase(theirs);
    setConflict(null);
    const clashes = merged.clashes.map((c) => FIELD_LABELS[c.field]);
    if (mergedAlso.clash) clashes.push(PART_LABELS.alsoExpected);
    setBanner({
      appearance: 'success',
      title: 'Your changes are on top of theirs',
      text: `Fields you did not change now hold theirs.${
        clashes.length ? ` Where you both changed a field, yours is kept: ${clashes.join(', ')}.` : ''
      } Press Save to store it.`,
    });
  };

  const openPaste = () => {
    setPasteOpen(true);
    setPasteRecipe(null);
    setPasteError(null);
    setPasteUnread(null);
    setPasteNote(null);
    setBeforePaste(null);
    setTimeout(() => document.getElementById('ol-story')?.focus(), 0);
  };
  const closePaste = () => {
    setPasteOpen(false);
    setTimeout(() => pasteButtonRef.current?.focus(), 0);
  };
  // The story is read by the resolver (the parser stays out of this bundle): what the person does meanwhile (types
  // in a field, edits the story, closes the box) is what the answer is applied to, or what it gives way to.
  const latest = useRef({ values, alsoExpected, story, pasteOpen });
  latest.current = { values, alsoExpected, story, pasteOpen };
  const reading = useRef(false);
  // The last story read and its reading: "Fill the fields anyway" after a recipe warning fills at once.
  const lastRead = useRef<{ story: string; data: PanelStoryData } | null>(null);
  const fillFromStory = async (anyway = false) => {
    // One reading at a time: a second click while the first is out would fill the fields twice.
    if (reading.current) return;
    const sent = story;
    let read = lastRead.current?.story === sent ? lastRead.current.data : null;
    if (!read) {
      reading.current = true;
      setPasteError(null);
      setReadingStory(true);
      const answer = await callResolver<PanelStoryData>(ISSUE_PANEL_RESOLVERS.readStory, {
        story: sent,
        decimalMark: mark,
        today: localToday(),
      });
      reading.current = false;
      setReadingStory(false);
      // An answer for a story since edited, or a box since closed, fills nothing: the person moved on.
      if (latest.current.story !== sent || !latest.current.pasteOpen) return;
      if (!answer.ok) {
        setPasteError(answer.error.message);
        return;
      }
      read = answer.data;
      lastRead.current = { story: sent, data: read };
    }
    // A recipe is pointed out before it fills the fields: the owner may rewrite it first.
    if (!anyway && read.recipe.length > 0) {
      setPasteRecipe(read.recipe);
      return;
    }
    setPasteRecipe(null);
    const { values: current, alsoExpected: currentAlso } = latest.current;
    const { values: next, filled, cleared, notes, alsoExpected: more } = applyStory(current, read, mark);
    // Nothing to fill: the box stays open with the story in it, to be rewritten, instead of closing on empty fields.
    if (filled.length === 0) {
      setPasteUnread([...read.missing, ...notes]);
      setTimeout(() => document.getElementById('ol-story')?.focus(), 0);
      return;
    }
    // What the person had typed and the story replaced: said, and undoable, since a paste overwrites without asking.
    const replaced = filled.filter((f) => current[f].trim() !== '' && current[f] !== next[f]);
    const nextAlso = filled.includes('metric') || more.length ? more : currentAlso;
    setBeforePaste({
      values: current,
      alsoExpected: currentAlso,
      filled: next,
      filledAlso: nextAlso,
      replaced: replaced.map((f) => FIELD_LABELS[f]),
    });
    setValues(next);
    // A story that states its expectation states them all: the further ones of an earlier paste go with it.
    setAlsoExpected(nextAlso);
    setPasteOpen(false);
    setPasteNote(
      `Filled ${filled.map((f) => FIELD_LABELS[f]).join(', ')} from the story${
        more.length ? `, and ${more.length} further expectation${more.length > 1 ? 's' : ''}` : ''
      }. Review them, then Save.${
        cleared.length
          ? ` Emptied ${cleared.map((f) => FIELD_LABELS[f]).join(', ')}: they were the previous metric's.`
          : ''
      }${notes.map((n) => ` ${n}`).join('')}`,
    );
    setTimeout(() => focusField(filled[0] ?? 'persona'), 0);
  };

  const undoPaste = () => {
    if (!beforePaste) return;
    // Only what still holds the paste's text goes back: an edit made since is the person's, and stays.
    const undone = FIELD_NAMES.filter((f) => values[f] === beforePaste.filled[f]);
    const edited = FIELD_NAMES.filter((f) => values[f] !== beforePaste.filled[f]);
    setValues({ ...values, ...Object.fromEntries(undone.map((f) => [f, beforePaste.values[f]])) });
    if (alsoExpected === beforePaste.filledAlso) setAlsoExpected(beforePaste.alsoExpected);
    setBeforePaste(null);
    // Undo goes with the fill it undid: focus goes to the first field it gave back (one the fill changed).
    const givenBack = undone.find((f) => beforePaste.values[f] !== beforePaste.filled[f]);
    setTimeout(() => focusField(givenBack ?? 'persona'), 0);
    setPasteNote(
      `The fields are back as they were before the story filled them${
        edited.length ? `, but for your edits since in ${edited.map((f) => FIELD_LABELS[f]).join(', ')}` : ''
      }.`,
    );
  };

  // The hypothesis states the problem: a user's role, a need that prescribes nothing, and a reason.
  const statesProblem = (['well-formed', 'valid-role', 'problem-oriented'] as const).every(
    (c) => assessment.score.quality.find((q) => q.criterion === c)?.ok,
  );
  const hypothesisSaved = base.version > 0 && checked.ok && sameDescribedParts(checked.draft, base.draft);
  const describe = async (change: 'replace' | 'prefix') => {
    try {
      await describeAs(change);
    } finally {
      // The button pressed goes with the warning (or its confirmation) once answered: focus goes to the answer.
      setTimeout(() => bannerRef.current?.focus(), 0);
    }
  };
  const describeAs = async (change: 'replace' | 'prefix') => {
    setDescribing(true);
    const answer = await callResolver<PanelDescribeData>(ISSUE_PANEL_RESOLVERS.describe, {
      change,
      version: base.version,
      // Jira is not asked to write over a description changed since this panel showed it.
      shown: descriptionDigest(description),
    });
    setDescribing(false);
    if (answer.ok) {
      setDescription(answer.data.description);
      const pending = answer.data.recipeFlagPending
        ? ` Searches by recipe or score (${RECIPE_JQL}, outcomeScore) may still find it as it was until the next daily scan.`
        : '';
      setBanner({
        appearance: 'success',
        title: 'Description updated',
        text:
          (change === 'replace'
            ? 'The Jira description is now the hypothesis.'
            : 'The hypothesis now heads the Jira description; the old text is kept below it.') + pending,
      });
      flag('Description updated', `${data.issue.key} now states the hypothesis.`, 'success');
    } else {
      // A version saved since this panel loaded says who saved it, so the owner knows whose text to read first.
      const { code, message, lastWrite, retryAfterSeconds } = answer.error;
      // The refusal of a newer version is worded for a save (its fields, keep mine or theirs): here only what it
      // refused is said, and what to do about the description.
      const said =
        code === 'CONFLICT' && retryAfterSeconds === undefined
          ? `${firstSentence(message)} The description was left as it is: reload the issue to see what is saved now, then try again.`
          : message;
      const text = lastWrite ? `${said} ${savedBy(lastWrite)}` : said;
      // A time-out or a Jira 5xx may come after Jira wrote the description (it is written before anything else
      // that can fail): say so, rather than that it was not changed. Every other refusal comes before the write.
      if (code === 'INTERNAL' || code === 'JIRA_ERROR') {
        const maybe = `${firstSentence(message)} Jira may have changed the description before this error: read it on the issue before you try again.`;
        setBanner({
          appearance: 'warning',
          title: 'The description may or may not have been changed',
          text: maybe,
        });
        flag('The description may or may not have been changed', maybe, 'warning');
        return;
      }
      setBanner({ appearance: 'error', title: 'The description was not changed', text });
      flag('Outcome Lens could not change the description', text, 'error');
    }
  };

  const nothingYet = base.version === 0;
  const parent = data.issue.parent;
  const inherited = parent?.outcomeId ? outcomesById.get(parent.outcomeId) : undefined;
  const outcomeOptions = [
    { value: '', label: inherited ? `None here: inherited from ${parent!.key}` : 'Not linked' },
    ...data.outcomes
      .filter((o) => o.status === 'active' || o.id === values.outcomeId)
      .map((o) => ({
        value: o.id,
        label: `${o.name} (${o.metric})${o.status === 'active' ? '' : ` – ${o.status}`}`,
      })),
  ];
  const outcomeHelp = inherited
    ? values.outcomeId
      ? `${parent!.key} links to “${inherited.name}”; a direct link here counts in full.`
      : `Inherited from ${parent!.key}: “${inherited.name}” (counts less than a direct link).`
    : data.outcomes.length === 0
      ? 'This project has no active outcomes yet: add them on the Outcome map page.'
      : undefined;

  // One story box and one "Paste story" button: on an empty lens right under the message that points to
  // them, else above the form.
  const pasteFirst = nothingYet && editable;
  const paste = (
    <>
      {editable ? (
        <div className="ol-actions">
          <Button
            ref={pasteButtonRef}
            aria-expanded={pasteOpen}
            aria-controls="ol-paste"
            onClick={() => (pasteOpen ? closePaste() : openPaste())}
          >
            Paste story
          </Button>
        </div>
      ) : null}
      {pasteOpen ? (
        <div
          id="ol-paste"
          role="group"
          aria-label="Paste a story"
          className="ol-stack"
          onKeyDown={(e) => {
            if (e.key === 'Escape') closePaste();
          }}
        >
          <TextArea
            id="ol-story"
            label="Story"
            rows={4}
            value={story}
            onChange={(text) => {
              setStory(text);
              setPasteRecipe(null);
              setPasteError(null);
              setPasteUnread(null);
            }}
            help="e.g. As a shopper, I want to bookmark items in my cart, so that I can finish later. We expect cart drop-off to fall from 40% to 30% by 1 March."
          />
          {pasteRecipe ? (
            <Message
              appearance="warning"
              title="This story reads as a recipe: it prescribes the solution"
              testId="paste-recipe-warning"
            >
              <p>
                {pasteRecipe.map((p) => `“${p}”`).join(', ')}. A hypothesis says who has the problem, what
                they need and why; rewrite the story, or fill the fields and rewrite them there.
              </p>
            </Message>
          ) : null}
          {pasteUnread ? (
            <Message
              appearance="warning"
              title="No persona, intent, benefit or metric could be read"
              testId="paste-nothing-read"
            >
              <p>
                {pasteUnread.length ? `${pasteUnread.join(' ')} ` : ''}Nothing was filled and the story is
                still in its box. Rewrite it as “As a …, I want …, so that …. We expect … to rise (or fall)
                from … to … by …”, then press Fill fields again, or type the fields below by hand.
              </p>
            </Message>
          ) : null}
          {pasteError ? (
            <Message appearance="error" title="The story could not be read" testId="paste-error">
              <p>{pasteError} The story is still in its box.</p>
            </Message>
          ) : null}
          <div className="ol-actions">
            <Button
              appearance="primary"
              onClick={() => void fillFromStory(pasteRecipe !== null)}
              isDisabled={!story.trim()}
              isLoading={readingStory}
            >
              {pasteRecipe ? 'Fill the fields anyway' : 'Fill fields'}
            </Button>
            <Button onClick={closePaste}>Cancel</Button>
          </div>
        </div>
      ) : null}
      {pasteNote ? (
        <div className="ol-help" role="status" data-testid="paste-note">
          <p>
            {pasteNote}
            {beforePaste?.replaced.length
              ? ` It replaced what you had typed in ${beforePaste.replaced.join(', ')}.`
              : ''}
          </p>
          {beforePaste ? (
            <Button appearance="subtle" onClick={undoPaste}>
              Undo the fill
            </Button>
          ) : null}
        </div>
      ) : null}
    </>
  );

  return (
    <main className="ol-root ol-stack" aria-label={`Outcome Lens for ${data.issue.key}`}>
      <h1 className="ol-sr-only">Outcome Lens for {data.issue.key}</h1>
      {!editable ? (
        <Message appearance="info" title="Read-only" testId="read-only">
          <p>{data.permissions.readOnlyReason}</p>
        </Message>
      ) : null}
      {restored ? (
        <Message appearance="warning" title="Your unsaved changes are back" testId="restored-edits">
          <p>
            You left this issue at {minuteOf(restored.at)} without saving. Your changes are in the fields
            below
            {restored.clashes.length
              ? `; ${restored.clashes.map((part) => PART_LABELS[part]).join(', ')} had also been changed since (by a save, or in another tab), and show your latest`
              : ''}
            {restored.story ? ', and the story you were pasting is in its box' : ''}. Save them, or discard
            them to see what is saved.
            {restored.outcomeGone
              ? ' The outcome you had chosen is no longer offered, so the saved link is shown.'
              : ''}
          </p>
          <Button onClick={discardRestored}>Discard my changes</Button>
        </Message>
      ) : null}
      {start.elsewhere ? (
        <Message
          appearance="info"
          title="This issue is being edited in another tab"
          testId="edited-elsewhere"
        >
          <p>
            You have changes to this issue that are not saved yet, open in another tab. Save or discard them
            there: they are not in the fields here.
          </p>
        </Message>
      ) : null}
      {notKept ? (
        <Message
          appearance="warning"
          title="Your changes could not be kept in this browser"
          testId="not-kept"
        >
          <p>
            This browser's storage for Outcome Lens is full, so your unsaved changes are only in this panel.
            Save them before you leave this issue, or they will be lost.
          </p>
        </Message>
      ) : null}
      {nothingYet && editable ? (
        <Message appearance="info" title="No hypothesis yet" testId="empty-state">
          <p>
            Say who has the problem, what they want and why it matters, and what result you expect. Paste a
            user story to fill the fields, or type them below.
          </p>
        </Message>
      ) : null}
      {pasteFirst ? paste : null}
      {nothingYet && !editable ? (
        <p className="ol-muted">Nobody has written a hypothesis for this issue yet.</p>
      ) : null}

      <KillReviewStatus review={base.killReview} today={localToday()} mark={mark} />
      {data.betCheck && !base.draft.result ? (
        <BetCheck check={data.betCheck} unit={base.draft.expected.unit} mark={mark} />
      ) : null}
      <ScoreBreakdown
        score={assessment.score}
        canAct={editable}
        caption={editable ? 'Updates as you type; saved with the issue when you press Save.' : undefined}
      />
      <RecipeWarning
        verdict={assessment.recipe}
        {...(editable && !statesProblem ? { onWriteHypothesis: () => focusField('persona') } : {})}
        {...(statesProblem
          ? {
              hypothesis: {
                canEdit: editable,
                saved: hypothesisSaved,
                busy: describing,
                onReplace: () => void describe('replace'),
                onPrefix: () => void describe('prefix'),
              },
            }
          : {})}
      />

      {conflict ? (
        <Message appearance="warning" title={conflictTitle(conflict.lastWrite)} testId="conflict">
          <p>{conflict.message}</p>
          {conflict.lastWrite ? <p data-testid="conflict-saved-by">{savedBy(conflict.lastWrite)}</p> : null}
          {conflict.theirs ? (
            <TheirVersion
              lens={conflict.theirs}
              changes={changedFields(valuesOf(base.draft, mark), valuesOf(conflict.theirs.draft, mark))}
              expectations={changedExpectations(
                base.draft.alsoExpected ?? [],
                conflict.theirs.draft.alsoExpected ?? [],
              )}
              mark={mark}
            />
          ) : (
            <p data-testid="conflict-unread">Their version could not be read just now.</p>
          )}
          {confirmingTheirs && conflict.theirs ? (
            <div role="group" aria-label="Confirm replacing your changes" data-testid="confirm-theirs">
              <p>
                Replace your unsaved changes with their version? {yourChanges()} leave the fields, and each
                field shows what they saved. You can bring your changes back until you change a field or leave
                this issue.
              </p>
              <div className="ol-actions">
                <Button appearance="warning" onClick={useTheirs}>
                  Replace mine with theirs
                </Button>
                <Button autoFocus onClick={() => setConfirmingTheirs(false)}>
                  Keep my changes
                </Button>
              </div>
            </div>
          ) : (
            <div className="ol-actions">
              {conflict.theirs ? null : <Button onClick={() => void readTheirs()}>Read their version</Button>}
              <Button onClick={() => setConfirmingTheirs(true)} isDisabled={!conflict.theirs}>
                Reload their version
              </Button>
              <Button onClick={keepMine} isDisabled={!conflict.theirs}>
                Keep mine
              </Button>
            </div>
          )}
        </Message>
      ) : null}
      {replacedMine && values === replacedMine.shown && alsoExpected === replacedMine.shownAlso ? (
        <Message appearance="info" title="The fields show their version" testId="replaced-mine">
          <p>
            {replacedMine.changes} were taken out. Until you change a field or leave this issue, you can bring
            them back.
          </p>
          <Button autoFocus onClick={bringMineBack}>
            Bring my changes back
          </Button>
        </Message>
      ) : null}

      {pasteFirst ? null : paste}

      <form
        className="ol-stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (editable) void save();
        }}
      >
        <fieldset className="ol-group">
          <legend>Hypothesis</legend>
          <div className="ol-stack">
            <TextInput {...common('persona')} placeholder="Who has the problem, e.g. a returning shopper" />
            <TextArea {...common('intent')} placeholder="What they want to do" />
            <TextArea {...common('benefit')} placeholder="Why it matters to them" />
          </div>
        </fieldset>

        <fieldset className="ol-group">
          <legend>Expected outcome</legend>
          <div className="ol-stack">
            <TextInput {...common('metric')} placeholder="e.g. cart drop-off" />
            <div className="ol-grid">
              <TextInput {...common('baseline')} inputMode="decimal" />
              <TextInput {...common('target')} inputMode="decimal" />
              <TextInput {...common('unit')} placeholder="%" />
              <ChoiceSelect
                {...common('direction')}
                options={[
                  // A choice rather than the placeholder, so a direction can be taken back.
                  { value: '', label: 'Not set' },
                  { value: 'increase', label: 'Increase' },
                  { value: 'decrease', label: 'Decrease' },
                ]}
              />
              <DateInput {...common('checkBy')} />
            </div>
            {alsoExpected.length ? (
              <div data-testid="also-expected">
                <p className="ol-help">
                  Also expected (the score measures the first; one with no date is checked on the
                  first&apos;s):
                </p>
                <ul>
                  {alsoExpected.map((e, index) => (
                    <li key={`${index}-${e.metric ?? ''}`}>
                      {movementPhrase(e, mark)}{' '}
                      {alsoExpectedProblem(e, mark, base.draft, today) ? (
                        <span className="ol-error">{alsoExpectedProblem(e, mark, base.draft, today)} </span>
                      ) : null}
                      {editable ? (
                        <Button
                          aria-label={`Remove the expectation ${movementPhrase(e, mark)}`}
                          onClick={() => setAlsoExpected((list) => list.filter((_, i) => i !== index))}
                        >
                          Remove
                        </Button>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            <ChoiceSelect
              {...common('outcomeId')}
              options={outcomeOptions}
              help={outcomeHelp}
              wrapLongLabels
            />
          </div>
        </fieldset>

        <fieldset className="ol-group">
          <legend>Kill criteria</legend>
          <p className="ol-help">
            Decide up front when to stop. When one is met the item goes to kill review; nothing closes by
            itself.
          </p>
          <div className="ol-stack">
            <div className="ol-grid">
              <DateInput {...common('deadline')} />
              <TextInput {...common('maxIdleDays')} inputMode="numeric" />
              <TextInput {...common('maxSprints')} inputMode="numeric" />
            </div>
            <div className="ol-grid">
              <TextInput {...common('thresholdMetric')} placeholder="e.g. weekly bookmarks" />
              <ChoiceSelect
                {...common('thresholdComparison')}
                options={[
                  { value: 'atLeast', label: 'must reach at least' },
                  { value: 'atMost', label: 'must fall to at most' },
                ]}
              />
              <TextInput {...common('thresholdValue')} inputMode="decimal" />
              <DateInput {...common('thresholdBy')} />
            </div>
            <TextArea
              {...common('conditionText')}
              placeholder="e.g. fewer than 5 teams ask for it at the review"
            />
            <DateInput {...common('reviewDate')} />
          </div>
        </fieldset>

        <fieldset className="ol-group">
          <legend>After delivery</legend>
          <div className="ol-stack">
            {data.issue.statusCategory !== 'done' && !base.draft.result ? (
              <p className="ol-help" data-testid="result-not-yet">
                {data.issue.key} is not done yet: a result can be recorded once it is delivered.
              </p>
            ) : null}
            <ChoiceSelect
              {...common('verdict')}
              options={[
                { value: '', label: 'Not yet known' },
                { value: 'validated', label: 'Validated' },
                { value: 'invalidated', label: 'Invalidated' },
                { value: 'inconclusive', label: 'Inconclusive' },
              ]}
            />
            <TextArea
              {...common('evidence')}
              rows={3}
              placeholder="What was measured, where, and what it showed"
            />
          </div>
        </fieldset>

        {serverErrors._ ? <p className="ol-error">{serverErrors._}</p> : null}
        {banner ? (
          <Message ref={bannerRef} appearance={banner.appearance} title={banner.title} testId="save-result">
            <p>{banner.text}</p>
          </Message>
        ) : null}
        {editable ? (
          <div className="ol-actions">
            <Button
              type="submit"
              appearance="primary"
              isDisabled={saving}
              // Pressing Save must not blur the field first: its error would appear, move Save down under the
              // pointer and the click would never land. The save shows every error at once instead.
              onMouseDown={(e) => e.preventDefault()}
            >
              {saving ? 'Saving…' : 'Save'}
            </Button>
            {base.updatedAt ? (
              <span className="ol-help">
                Version {base.version}, saved {base.updatedAt.slice(0, 16).replace('T', ' ')} UTC
              </span>
            ) : null}
          </div>
        ) : null}
      </form>
    </main>
  );
}

/**
 * Their version: when it was saved, every field they changed since this panel loaded, before and after, and the
 * further expectations they put in or took out.
 */
function TheirVersion({
  lens,
  changes,
  expectations,
  mark,
}: {
  lens: PanelLens;
  changes: FieldChange[];
  expectations: { added: ExpectedOutcome[]; removed: ExpectedOutcome[] };
  mark: DecimalMark;
}) {
  const shown = (v: string) => (v === '' ? 'empty' : `“${v}”`);
  const listed = (list: ExpectedOutcome[]) => list.map((e) => `“${movementPhrase(e, mark)}”`).join(', ');
  const { added, removed } = expectations;
  const anyChange = changes.length > 0 || added.length > 0 || removed.length > 0;
  return (
    <div data-testid="their-version">
      <p>
        Their version {lens.version}
        {lens.updatedAt ? `, saved ${lens.updatedAt.slice(0, 16).replace('T', ' ')} UTC` : ''}
        {anyChange ? ', changed:' : ', changes no field you can see here.'}
      </p>
      {anyChange ? (
        <ul>
          {changes.map((c) => (
            <li key={c.field}>
              {FIELD_LABELS[c.field]}: {shown(c.to)} (was {shown(c.from)})
            </li>
          ))}
          {added.length || removed.length ? (
            <li key="alsoExpected">
              {PART_LABELS.alsoExpected}:{added.length ? ` put in ${listed(added)}` : ''}
              {added.length && removed.length ? ';' : ''}
              {removed.length ? ` took out ${listed(removed)}` : ''}
            </li>
          ) : null}
        </ul>
      ) : null}
    </div>
  );
}
