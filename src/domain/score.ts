import type {
  ExpectedOutcome,
  Hypothesis,
  KillCriteria,
  OutcomeLink,
  OutcomeStatus,
  Result,
} from './schemas';
import { amountText, type DecimalMark } from './amounts';
import { MAX_ABS_VALUE } from './measurement-input';
import {
  checkByCounts,
  checkQualityAsSeen,
  directionOf,
  expectedAsSeen,
  hypothesisAsSeen,
  partsSaidAsSeen,
  qualityOf,
  saysSomething,
  type PartsSaid,
  type QualityCheck,
} from './hypothesis-quality';
import { metricNameProblem, quotedShort, storySaysSomething } from './says-something';
import {
  SCORE_COMPONENT_IDS,
  SCORE_COMPONENT_LABELS,
  scaledMaxima,
  type ScoreComponentId,
} from './score-weights';
import type { Settings } from './settings';

// The weight helpers live apart from the scoring so the settings page can use them without the recipe detector.

/**
 * The outcome-linkage score: 0–100 from named parts, each with its points, its maximum and a hint.
 * Deterministic: the same input always gives the same score, and every point can be traced to a part.
 * Bump the model version whenever the rules change, so stored scores can be told apart.
 */
export const SCORE_MODEL_VERSION = 'ols-8';

export interface FramingSignals {
  isRecipe: boolean;
  /** The phrases that make the text a recipe, quoted in the hint. */
  recipePhrases: string[];
  /** How many problem signals (a user, a need, a reason, an expected result) the text carries. */
  problemSignals: number;
}

export interface ScoreInput {
  hypothesis: Hypothesis;
  expected: ExpectedOutcome;
  /** Further expectations, each judged by the save's rules in `measurable` (a date gone, a direction reversed). */
  alsoExpected?: ExpectedOutcome[];
  link: OutcomeLink;
  /** Status of the linked outcome, when known. */
  linkedOutcomeStatus?: OutcomeStatus;
  /** Name of the linked outcome, to explain the link in words; its id is shown when unknown. */
  linkedOutcomeName?: string;
  killCriteria: KillCriteria;
  result?: Result;
  /** Delivered (status category done): evidence only counts from then on. */
  delivered: boolean;
  framing: FramingSignals;
  /** The story as written (CLI, pasted text), read by the framing part. */
  storyText?: string;
  /** Its first sentence beyond its parts and its expectations (extraSentence), which `minimal` fails on. */
  extraSentence?: string | null;
  /**
   * `YYYY-MM-DD`: a check-by date before it does not count. Given while the owner sets a date (panel, save),
   * left out when a stored date simply came due (the scan).
   */
  checkByNotBefore?: string;
  /** The further expectations as stored, when an edit is judged (see QualityInput.storedAlsoExpected). */
  storedAlsoExpected?: ExpectedOutcome[];
  /** The recipe evidence in the want, when the caller already has it (see hypothesis-quality's wantEvidenceIn). */
  wantEvidence?: string[];
  /** The reader's decimal mark, for the numbers the explanation quotes; a point when left out. */
  decimalMark?: DecimalMark;
}

export interface ScoreComponent {
  id: ScoreComponentId;
  label: string;
  points: number;
  max: number;
  /** False for a part that cannot apply yet (evidence before delivery): its weight goes to the others. */
  applicable: boolean;
  /** What earned the points. */
  detail: string;
  /** How to raise it; null when the part is full or not applicable. */
  hint: string | null;
}

export interface Score {
  total: number;
  max: 100;
  components: ScoreComponent[];
  modelVersion: string;
  /** The hypothesis quality checks the hypothesis, measurable and framing parts are built from. */
  quality: QualityCheck[];
}

interface Assessment {
  /** Share of the part earned, 0..1. */
  earned: number;
  applicable: boolean;
  detail: string;
  hint: string | null;
}

export function scoreIssue(
  input: ScoreInput,
  settings: Pick<Settings, 'weights' | 'inheritedLinkShare'>,
): Score {
  // As the checks read it: without invisible characters, fullwidth letters folded (hypothesisAsSeen).
  const hypothesis = hypothesisAsSeen(input.hypothesis);
  const expected = [input.expected, ...(input.alsoExpected ?? [])].map(expectedAsSeen);
  const said = partsSaidAsSeen(hypothesis, expected[0]);
  const quality = checkQualityAsSeen(
    {
      hypothesis,
      expected,
      extraSentence: input.extraSentence,
      checkByNotBefore: input.checkByNotBefore,
      storedAlsoExpected: input.storedAlsoExpected,
      wantEvidence: input.wantEvidence,
      decimalMark: input.decimalMark,
    },
    said,
  );
  const assessments: Record<ScoreComponentId, Assessment> = {
    hypothesis: assessHypothesis(said, quality),
    measurable: assessMeasurable(
      input.expected,
      said,
      qualityOf(quality, 'measurable'),
      input.checkByNotBefore,
    ),
    outcomeLink: assessLink(
      input.link,
      input.linkedOutcomeStatus,
      input.linkedOutcomeName,
      settings.inheritedLinkShare,
    ),
    killCriteria: assessKillCriteria(input.killCriteria, input.delivered),
    problemFraming: afterDelivery(
      assessFraming(input.framing, hypothesis, said, quality, input.storyText),
      input.delivered,
    ),
    evidence: assessEvidence(input, said),
  };
  // Each part read once from the record, in SCORE_COMPONENT_IDS order: a record read by a changing key costs a
  // lookup each time.
  const parts = SCORE_COMPONENT_IDS.map((id) => assessments[id]);
  const maxima = scaledMaxima(
    SCORE_COMPONENT_IDS.map((id, index) => (parts[index]!.applicable ? settings.weights[id] : 0)),
  );
  const components = SCORE_COMPONENT_IDS.map((id, index): ScoreComponent => {
    const a = parts[index]!;
    const max = maxima[index] ?? 0;
    const points = Math.round(a.earned * max);
    return {
      id,
      label: COMPONENT_LABELS[index]!,
      points,
      max,
      applicable: a.applicable,
      detail: a.detail,
      hint: a.applicable && points < max ? a.hint : null,
    };
  });
  const total = components.reduce((sum, c) => sum + c.points, 0);
  return { total, max: 100, components, modelVersion: SCORE_MODEL_VERSION, quality };
}

/** The parts' labels in SCORE_COMPONENT_IDS order. */
const COMPONENT_LABELS = SCORE_COMPONENT_IDS.map((id) => SCORE_COMPONENT_LABELS[id]);

/** The checks a hypothesis part is held to, in the order its hint names them. */
const HYPOTHESIS_CRITERIA = ['well-formed', 'valid-role', 'atomic', 'minimal'] as const;

/** A failed check as the hint names it: "atomic: …". */
const named = (check: QualityCheck): string => `${check.criterion}: ${check.why}`;

/**
 * A part counts only when it says something (and the persona is a real user's role); a want with two needs
 * or a story padded with remarks keeps three quarters of what its parts earn.
 */
function assessHypothesis(said: PartsSaid, quality: QualityCheck[]): Assessment {
  // A role with neither a need nor a reason ("As a user, I want this, so that that") is no hypothesis yet.
  const validRole = qualityOf(quality, 'valid-role').ok;
  const roleAlone = validRole && !said.intent && !said.benefit;
  const usable = [validRole && !roleAlone, said.intent, said.benefit].filter(Boolean).length;
  const failing = HYPOTHESIS_CRITERIA.map((c) => qualityOf(quality, c)).filter((c) => !c.ok);
  const penalty = failing.filter((c) => c.criterion === 'atomic' || c.criterion === 'minimal').length;
  return {
    earned: usable === 0 ? 0 : (usable / 3) * 0.75 ** penalty,
    applicable: true,
    detail: `${
      roleAlone
        ? 'Only the persona says something, and a role alone is no hypothesis'
        : `${usable} of 3 parts say something: persona, intent, benefit`
    }${failing.length ? `; not yet ${failing.map((c) => c.criterion).join(', ')}` : ''}.`,
    hint: failing.length ? failing.map(named).join(' ') : null,
  };
}

/** Metric, baseline, target, a direction that agrees with them, and a check-by date that is still ahead. */
function assessMeasurable(
  e: ExpectedOutcome,
  said: PartsSaid,
  check: QualityCheck,
  notBefore: string | undefined,
): Assessment {
  const numbersGiven = e.baseline !== undefined && e.target !== undefined;
  const directionHolds =
    Boolean(e.direction) &&
    (!numbersGiven || (e.baseline !== e.target && (e.direction === 'increase') === e.target! > e.baseline!));
  // A number or day the save refuses does not hold either ("from $2,000bn", "2027-02-31").
  const holds = (n: number | undefined) =>
    n !== undefined && Number.isFinite(n) && Math.abs(n) <= MAX_ABS_VALUE;
  const parts = [
    said.metric,
    holds(e.baseline),
    holds(e.target),
    directionHolds,
    checkByCounts(e.checkBy, notBefore),
  ];
  const have = parts.filter(Boolean).length;
  // Numbers and dates with no metric named ("x", blank) measure nothing: they earn nothing on their own.
  const metricNamed = parts[0];
  // The first expectation holds in full, so what fails the check is a further one.
  const furtherFails = !check.ok && have === 5;
  return {
    earned: check.ok ? 1 : metricNamed ? Math.min(have, 4) / 5 : 0,
    applicable: true,
    detail: `${have} of 5 parts hold: metric, baseline, target, direction, check-by date${
      !metricNamed && have > 0 ? '; with no metric named, they measure nothing' : ''
    }${furtherFails ? '; a further expectation does not hold' : ''}.`,
    // The example names no day: a fixed one would be in the past one day, and the score reads no clock.
    hint: check.ok
      ? null
      : `${named(check)} E.g. "cart drop-off from 40% to 30%", with a check-by date a few months ahead.`,
  };
}

function assessLink(
  link: OutcomeLink,
  status: OutcomeStatus | undefined,
  name: string | undefined,
  inheritedShare: number,
): Assessment {
  if (link.kind === 'none') {
    return {
      earned: 0,
      applicable: true,
      detail: 'Serves no outcome.',
      hint: 'Link the issue (or its epic) to the project outcome it is meant to move.',
    };
  }
  const outcome = name ? `"${name}"` : link.outcomeId;
  if (status === 'abandoned') {
    return {
      earned: 0,
      applicable: true,
      detail: `Linked to ${outcome}, which was abandoned.`,
      hint: 'The linked outcome was abandoned: relink to an active outcome, or take the item to kill review.',
    };
  }
  if (link.kind === 'inherited') {
    return {
      earned: inheritedShare,
      applicable: true,
      detail: `Serves ${outcome} through ${link.fromIssueKey} (inherited, counts ${Math.round(inheritedShare * 100)}%).`,
      hint: 'Link the issue itself to the outcome for full points: say how this item, not just its epic, moves it.',
    };
  }
  return { earned: 1, applicable: true, detail: `Serves ${outcome} directly.`, hint: null };
}

/**
 * Once an item is delivered, the score keeps what was decided before it, but advice on how to frame or stop the
 * work can no longer be acted on: it is not given.
 */
function afterDelivery(assessment: Assessment, delivered: boolean): Assessment {
  return delivered ? { ...assessment, hint: null } : assessment;
}

/**
 * The longest idle or carry-over limit that counts as an exit: one that cannot be reached within a year (3,650
 * idle days, 40 two-week sprints) is an exit that never comes. The save still takes such a limit (draft-rules.ts).
 */
const KILL_LIMIT_MAX = { idleDays: 365, sprintsCarried: 26 } as const;

function assessKillCriteria(k: KillCriteria, delivered: boolean): Assessment {
  // A condition or a threshold's metric that says nothing ("x", "TBD") decides nothing: it does not count.
  const conditionSays = k.condition ? saysSomething(k.condition.text) : false;
  const thresholdProblem = k.metricThreshold ? metricNameProblem(k.metricThreshold.metric) : null;
  const idleTooLong = (k.maxIdleDays ?? 0) > KILL_LIMIT_MAX.idleDays;
  const sprintsTooMany = (k.maxSprintsCarried ?? 0) > KILL_LIMIT_MAX.sprintsCarried;
  const set = [
    k.deadline && 'a kill date',
    k.metricThreshold && !thresholdProblem && 'a metric threshold',
    k.maxIdleDays !== undefined && !idleTooLong && 'a maximum of idle days',
    k.maxSprintsCarried !== undefined && !sprintsTooMany && 'a maximum of sprints carried over',
    conditionSays && 'a written condition with a review date',
  ].filter((x): x is string => Boolean(x));
  const hollow = [
    (idleTooLong || sprintsTooMany) &&
      `A limit of ${idleTooLong ? `${k.maxIdleDays} idle days` : `${k.maxSprintsCarried} sprints carried over`} would ` +
        'take more than a year to reach, so it stops nothing: choose one within a year.',
    thresholdProblem && `Kill threshold: ${thresholdProblem}`,
    k.condition &&
      !conditionSays &&
      `The kill condition ${quotedShort(k.condition.text)} says nothing yet: write what would make you stop, ` +
        'e.g. "fewer than 1 in 20 shoppers use it by the review date".',
  ].filter((x): x is string => Boolean(x));
  if (set.length > 0)
    return {
      earned: 1,
      applicable: true,
      detail: `Exit decided up front: ${joinList(set)}.${hollow.length ? ` ${hollow.join(' ')}` : ''}`,
      hint: null,
    };
  return afterDelivery(
    {
      earned: 0,
      applicable: true,
      detail: delivered ? 'Delivered with no exit condition decided up front.' : 'No exit condition decided.',
      hint:
        hollow.length > 0
          ? hollow.join(' ')
          : 'Decide when to stop: a kill date, a metric that must move by a date, or a maximum of idle days.',
    },
    delivered,
  );
}

/** `storyText`: the story the hypothesis and the framing signals were read in (the CLI, a paste), if any. */
function assessFraming(
  framing: FramingSignals,
  h: Hypothesis,
  said: PartsSaid,
  quality: QualityCheck[],
  storyText: string | undefined,
): Assessment {
  const fromStory = storyText !== undefined;
  const problemOriented = qualityOf(quality, 'problem-oriented');
  if (said.intent && !problemOriented.ok) {
    return {
      earned: 0,
      applicable: true,
      detail: `The hypothesis prescribes a solution${problemOriented.phrase ? `: "${problemOriented.phrase}"` : ''}.`,
      hint: named(problemOriented),
    };
  }
  const hypothesisFramesProblem = qualityOf(quality, 'valid-role').ok && said.benefit && problemOriented.ok;
  if (framing.isRecipe) {
    const quoted = framing.recipePhrases.slice(0, 3).map((p) => `"${p}"`);
    return {
      earned: hypothesisFramesProblem ? 0.5 : 0,
      applicable: true,
      detail: hypothesisFramesProblem
        ? `Your hypothesis states the problem; the Jira text still reads as a recipe${quoted.length ? `: ${quoted.join(', ')}` : ''}.`
        : `Reads as a recipe${quoted.length ? `: ${quoted.join(', ')}` : ''}.`,
      hint: hypothesisFramesProblem
        ? 'Replace or prefix the Jira description with the hypothesis, so the squad reads the problem, not the solution.'
        : 'Describe the problem and the result you expect, and leave the solution to the squad.',
    };
  }
  // Say whose words earn it: a hypothesis that says nothing must not seem to be what frames the problem.
  if (hypothesisFramesProblem)
    return {
      earned: 1,
      applicable: true,
      detail: 'The hypothesis states a user, a need and a reason.',
      hint: null,
    };
  // A story whose slots are filled with nothing ("As a x, I want y, so that z", "As a user, I want TBD, so that
  // TBD") has the form's words, "as a" and "so that", and no problem: the form, or a role alone, earns nothing.
  const nonBlank = (part: string | undefined) => (part ?? '').trim() !== '';
  const hollow = [h.intent, h.benefit].some(nonBlank)
    ? !(said.intent || said.benefit)
    : nonBlank(h.persona) && !saysSomething(h.persona);
  if (fromStory && hollow)
    return {
      earned: 0,
      applicable: true,
      detail: 'The story has the form of one, but states no need and no reason yet.',
      hint: 'Say who has the problem, what they need and why solving it matters.',
    };
  // An empty story, or one of only the form's words ("As a , I want , so that ."): the detector counts "as a" and
  // "so that" as problem signals, but nothing was said.
  if (fromStory && !said.persona && !storySaysSomething(storyText))
    return {
      earned: 0,
      applicable: true,
      detail: 'The story says nothing yet.',
      hint: 'Say who has the problem, what they need and why solving it matters.',
    };
  if (framing.problemSignals > 0) {
    return {
      earned: 1,
      applicable: true,
      detail: 'The Jira summary or description states a problem, a user or a reason.',
      hint: null,
    };
  }
  return {
    earned: 0.5,
    applicable: true,
    detail: 'Prescribes no solution, but states no user, need or reason either.',
    hint: 'Say who has the problem and why solving it matters.',
  };
}

function assessEvidence(input: ScoreInput, said: PartsSaid): Assessment {
  const { result, delivered } = input;
  // A result recorded before delivery is kept but earns nothing yet: nothing has been shipped to prove it.
  if (!delivered)
    return {
      earned: 0,
      applicable: false,
      detail: result
        ? `Result recorded (${result.verdict}); it counts once the item is delivered.`
        : 'Counts once the item is delivered.',
      hint: null,
    };
  // A verdict on evidence that says nothing ("x", "TBD") is not yet a result anyone can check.
  if (result && !saysSomething(result.evidence))
    return {
      earned: 0,
      applicable: true,
      detail: `Result recorded: ${result.verdict}, on evidence that says nothing yet (${quotedShort(result.evidence)}).`,
      hint: 'Say what the evidence is: what was measured or seen, e.g. "drop-off fell from 40% to 33% in four weeks".',
    };
  // "Validated" needs a bet to hold it against: a need, a reason or an expected movement.
  if (result && !said.intent && !said.benefit && !said.metric)
    return {
      earned: 0,
      applicable: true,
      detail: `Result recorded: ${result.verdict}, but no bet was written to check it against.`,
      hint: 'Write the hypothesis and the movement it expected, so the result says whether the bet paid off.',
    };
  const contradiction = result && measuredAgainstVerdict(result, input.expected, input.decimalMark);
  if (contradiction)
    return {
      earned: 0,
      applicable: true,
      detail: `Result recorded: ${result.verdict}, but ${contradiction}.`,
      hint: 'Check the measured value, or record the verdict it shows; if something else moved the metric, record the result as inconclusive and say what.',
    };
  if (result)
    return { earned: 1, applicable: true, detail: `Result recorded: ${result.verdict}.`, hint: null };
  return {
    earned: 0,
    applicable: true,
    detail: 'Delivered, but no result recorded.',
    hint: 'Record the result: did the bet pay off (validated, invalidated or inconclusive), and on what evidence?',
  };
}

/**
 * How a result's own measured value contradicts its verdict: "validated" with the metric not moved the expected
 * way from the baseline the bet set out from. Null when the numbers to tell are missing. "Invalidated" is not held
 * to its target: the app's own proposal judges the movement since delivery, and may rightly invalidate a bet
 * whose metric reached its target for other reasons or before delivery.
 */
function measuredAgainstVerdict(
  result: Result,
  expected: ExpectedOutcome,
  mark: DecimalMark | undefined,
): string | null {
  const { measuredValue: measured } = result;
  const { baseline } = expected;
  const direction = directionOf(expected);
  if (result.verdict !== 'validated' || measured === undefined || baseline === undefined || !direction)
    return null;
  const way = direction === 'increase' ? 1 : -1;
  const amount = (n: number) => amountText(n, expected.unit, mark);
  if ((measured - baseline) * way <= 0)
    return `the measured value (${amount(measured)}) is not ${way > 0 ? 'above' : 'below'} the baseline (${amount(baseline)}) the bet expected to ${way > 0 ? 'rise' : 'fall'} from`;
  return null;
}

function joinList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
