/**
 * Recipe detector: does a backlog item prescribe the solution ("Make it blue and put it top right") instead
 * of stating a problem, a user, a reason or an expected result?
 *
 * Deterministic and explainable: every recipe reason quotes the exact words (with offsets into the plain text
 * of the summary or description) and every problem signal quotes the words that count against a recipe.
 * Pure, no I/O; all regexes are compiled once, have no nested quantifiers and run in linear time.
 */
import { toPlainText, type AdfNode } from './plain-text';

export type { AdfNode } from './plain-text';
export type RecipeSignalKind =
  'solution-verb' | 'ui-colour' | 'ui-position' | 'ui-size' | 'ui-element' | 'technology';
export type ProblemSignalKind = 'user' | 'need' | 'reason' | 'expected-result' | 'defect';
export interface RecipeReason {
  phrase: string;
  why: string;
  kind: RecipeSignalKind;
  source: 'summary' | 'description';
  start: number;
  end: number;
}
export interface ProblemSignal {
  phrase: string;
  why: string;
  kind: ProblemSignalKind;
  source: 'summary' | 'description';
}
export interface RecipeVerdict {
  isRecipe: boolean;
  confidence: number;
  reasons: RecipeReason[];
  problemSignals: ProblemSignal[];
}

type Source = 'summary' | 'description';

/** Only this much of a description is read: signals further down rarely change the verdict. */
const MAX_DESCRIPTION_CHARS = 8000;
const MAX_SUMMARY_CHARS = 2000;
/** At most this many reasons of one kind are quoted (the verdict only needs evidence, not a census). */
const MAX_PER_KIND = 3;

const RECIPE_WHY: Record<RecipeSignalKind, string> = {
  'solution-verb': 'Starts with a build instruction: it says what to do, not which problem to solve.',
  'ui-colour': 'Prescribes a colour: the team should choose the design.',
  'ui-position': 'Prescribes where things go on screen: the team should choose the layout.',
  'ui-size': 'Prescribes a size or font: the team should choose the design.',
  'ui-element': 'Names the widget to build: the team should choose how to solve the need.',
  technology: 'Prescribes a technology: the team should choose how to build it.',
};

const PROBLEM_WHY: Record<ProblemSignalKind, string> = {
  user: 'Names who has the need.',
  need: 'States a need or something that cannot be done today.',
  reason: 'Says why it matters.',
  'expected-result': 'States the result expected.',
  defect: 'Describes broken or current behaviour: a problem to solve.',
};

/** Weights: how much each kind of evidence counts. Tuned on the dev split of the labelled set only. */
const RECIPE_WEIGHT: Record<RecipeSignalKind, number> = {
  'solution-verb': 1.3,
  'ui-colour': 1.0,
  'ui-position': 1.0,
  'ui-size': 0.8,
  'ui-element': 0.6,
  technology: 0.6,
};
const PROBLEM_WEIGHT: Record<ProblemSignalKind, number> = {
  user: 1.0,
  need: 1.3,
  reason: 1.8,
  'expected-result': 1.2,
  defect: 1.6,
};

// Imperative build verbs at the start of the summary or of a sentence / bullet in the description.
const BUILD_VERBS =
  'add|adding|create|make|put|move|change|implement|use|replace|redesign|remove|delete|drop|rename|update|upgrade|bump|' +
  'refactor|migrate|integrate|introduce|switch|convert|split|merge|build|write|set|enable|disable|display|show|hide|' +
  'include|provide|expose|port|tag|release|publish|import|extract|document|clean|simplify|restructure|rewrite|' +
  'develop|generate|run|install|configure|apply|modify|reorganise|reorganize|consolidate|unify|collapse|purge|' +
  'comment|pull|push|audit|determine|specify|allow|support|design|place|insert|append|deploy|submit|check|adapt|' +
  'avoid|get|report|adding|creating|moving|removing|updating|upgrading|replacing|renaming|migrating|edit|copy|translate|align|center|centre|resize|colour|color|style|reformat|format|revert|decouple';
const SOLUTION_VERB = new RegExp(
  `(?:^|[.!?:;]\\s+|\\n[ \\t]*(?:[-*#][ \\t]*|\\d+[.)][ \\t]*)?)(?:\\[[^\\]\\n]{0,40}\\]\\s*)?(?:please\\s+|we\\s+(?:should|need\\s+to|must)\\s+|let'?s\\s+|do\\s+not\\s+|don'?t\\s+)?(${BUILD_VERBS})\\b`,
  'gi',
);

// UI specifics and prescribed technologies, one pass with named groups.
const COLOURS =
  'red|blue|green|yellow|orange|purple|pink|grey|gray|black|white|brown|cyan|magenta|teal|navy|turquoise|violet|beige|gold|silver';
const UI_PATTERN = new RegExp(
  [
    `(?<colour>\\b(?:(?:light|dark|bright|pale)[ -])?(?:${COLOURS})\\b(?![-.]?(?:list|box|berry|space|board|paper|hat|duck|screen)\\b)|#[0-9a-f]{6}\\b|#(?!\\d{3}\\b)[0-9a-f]{3}\\b|\\brgba?\\([^)\\n]{0,30}\\)|\\bdifferent colou?r\\b)`,
    '(?<position>\\b(?:(?:upper|lower|top|bottom)[ -](?:right|left)(?:[ -]hand)?(?:[ -]corner|[ -]side)?|(?:left|right)[ -]hand[ -](?:side|corner)|(?:at|on|to)\\s+the\\s+(?:top|bottom|left|right)(?:\\s+of)?|(?:above|below|next\\s+to|underneath|beside)\\s+the\\b|centered|centred|in\\s+the\\s+(?:corner|header|footer|sidebar|center|centre|middle)))',
    '(?<size>\\b\\d+(?:\\.\\d+)?\\s?(?:px|pixels?|pt|em|rem)\\b|\\bfont(?:[ -]?(?:size|family|weight))?\\b|\\b(?:bold|italic|underlined?)\\s+(?:text|font|label)\\b|\\b(?:bigger|larger|smaller)\\s+(?:font|text|button|icon)s?\\b)',
    '(?<element>\\b(?:buttons?|modals?|modal dialog|pop-?ups?|drop-?downs?|dropdown menus?|check-?box(?:es)?|radio buttons?|tooltips?|banners?|carousels?|sliders?|toggles?|tabs|navbar|nav bar|side-?bar|hamburger menu|icons?|spinner|progress bar|text ?box|text field|input field|widget)\\b)',
    '(?<tech>\\b(?:(?:use|using|with|in|on|via|switch(?:ing)?\\s+to|upgrade\\s+to|migrate\\s+to|move\\s+to|port\\s+to|replace\\s+\\S{1,40}\\s+with)\\s+(?:a\\s+|an\\s+|the\\s+)?(?:redis|react|angular|vue(?:\\.?js)?|jquery|bootstrap|kafka|elasticsearch|mongo(?:db)?|postgres(?:ql)?|mysql|graphql|docker|kubernetes|aws|lambda|log4j|gradle|maven|hadoop|spring|hibernate|node(?:\\.?js)?|typescript|java\\s?\\d+|python\\s?\\d|jdk\\s?\\d+|git|svn|github|websockets?|grpc|protobuf|thrift|json|xml|yaml|csv|sqlite|oracle|cassandra|hbase|zookeeper|jenkins|travis|markdown|html5?|css|ajax|oauth|jwt|s3|heroku|azure|gcp|junit|selenium|a modal|a popup|a pop-up|a wizard|a dropdown|a drop-down)\\b|\\b(?:upgrade|bump|update)\\s+(?:\\S{1,40}\\s+){0,3}?to\\s+(?:version\\s+)?v?(?!(?:19|20)\\d\\d\\b(?!\\.\\d))\\d+(?:\\.\\d+)*\\b))',
  ].join('|'),
  'gi',
);

// Problem evidence, one pass with named groups.
const PROBLEM_PATTERN = new RegExp(
  [
    "(?<user>\\bif\\s+you\\s+(?:have|use|are|want|need)\\b|\\bas\\s+(?:a|an)\\s+(?<persona>[a-z][\\w-]*(?:\\s+[a-z][\\w-]*){0,3}?)\\s*,|\\b(?:users?|customers?|shoppers?|visitors?|people|developers|admins?|administrators)\\s+(?:can(?:not|'t)?|could|are|will|would|need|want|have|must|expect|get|see|should|may|often|don't|do not)\\b)",
    "(?<need>\\b(?:i|users?|customers?|people)\\s+(?:want|need|would\\s+like)\\b|\\bit\\s+would\\s+be\\s+(?:really\\s+|very\\s+)?(?:nice|useful|great|good|helpful|better)\\b|\\bshould\\s+be\\s+(?:possible|able)\\b|\\bno\\s+way\\s+to\\b|\\bnot\\s+(?:yet\\s+)?(?:supported|possible|available|documented)\\b|\\bunable\\s+to\\b|\\bcan(?:not|'t)\\s+\\w+|\\bis\\s+(?:hard|difficult|slow|painful|confusing)\\b|\\b(?:hard|difficult)\\s+to\\b|\\bmissing\\b|\\blacks?\\b|\\brequested\\b)",
    "(?<reason>\\bso\\s+that\\b|\\bso\\s+(?:i|we|they|you|users?|it|people|shoppers?|customers?|apps?)\\s+(?:can|could|will|would|don't|do\\s+not|are|have|get|feel|should|must|need)\\b|\\bnow\\s+that\\b|\\bthis\\s+is\\s+(?:for|so|to|because|needed)\\b|\\bin\\s+order\\s+to\\b|\\bbecause\\b|\\bsince\\s+(?:the|it|we|this|there|a|an)\\b|\\bsince\\s+\\w+\\s+(?:may|might|has|have|is|are|will|would|does|do|can|cannot)\\b|\\bto\\s+get\\s+(?:it|this|them)\\s+to\\b|\\bnot\\s+meant\\s+to\\b|\\bdue\\s+to\\b|\\bto\\s+(?:avoid|allow|enable|help|ensure|make\\s+sure|prevent|reduce|improve|support|save|let)\\b|\\b(?:will|would|should|could)\\s+(?:hopefully\\s+)?(?:allow|help|make|avoid|enable|let|save|improve|reduce|prevent)\\b|\\ballow(?:s|ing)\\s+(?:us|users?|developers|people|them|you)\\b|\\buseful\\b|\\bbenefits?\\b|\\b(?:the\\s+)?reasons?\\s+(?:is|are|for)\\b|\\botherwise\\b|\\bdeprecated\\b|\\bunused\\b|\\bredundan(?:t|cy)\\b|\\bobsolete\\b|\\buseless\\b|\\bnot\\s+needed\\b|\\brequires?\\b|\\brequired\\s+(?:by|to|for)\\b|\\bhard\\s+to\\s+maintain\\b|\\bfor\\s+(?:maintainability|readability|performance|security|clarity|consistency)\\b|\\bthe\\s+idea\\s+is\\b|\\bthe\\s+goal\\s+is\\b|\\bwe\\s+need\\b)",
    '(?<expected>\\bwe\\s+expect\\b|\\bexpected\\s+(?:results?|behaviou?r|outcome)\\b|\\b(?:increase|reduce|decrease|improve|lower|raise|cut)\\w*\\s+(?:\\S+\\s+){0,6}?by\\s+\\d+(?:\\.\\d+)?\\s?(?:%|percent)|\\b\\d+(?:\\.\\d+)?\\s?(?:%|percent)\\b|\\bshould\\s+(?:return|fail|work|throw|produce)\\b|\\binstead\\s+of\\b|\\brather\\s+than\\b|\\b(?:faster|quicker|more\\s+(?:reliable|descriptive|useful|consistent|efficient|readable))\\b)',
    "(?<defect>\\b(?:bugs?|errors?|exceptions?|npe|nullpointer\\w*|crash\\w*|fail(?:s|ed|ing|ure|ures)?|broken|breaks|regression|typos?|hangs?|hanging|freez(?:e|es|ing)|frozen|(?:steps\\s+)?to\\s+(?:reproduce|replicate)|leaks?|timed\\s+out|timeouts?|stack\\s?trace|incorrect(?:ly)?|wrong(?:ly)?|invalid|inconsisten(?:t|cy)|doesn'?t|does\\s+not|don'?t|didn'?t|did\\s+not|isn'?t|is\\s+not\\s+(?:working|correct|valid|possible)|not\\s+working|no\\s+longer|never|unexpected(?:ly)?|lost|problems?|issues?\\s+with|warnings?|currently|at\\s+the\\s+moment|right\\s+now|still)\\b|\\b\\w{0,60}(?:Exception|Error)\\b)",
  ].join('|'),
  'gi',
);

/** Words that hint at a problem but also appear in plain instructions ("currently the pom says …"). */
const WEAK_PROBLEM =
  /^(?:currently|still|at the moment|right now|never|don'?t|doesn'?t|does not|didn'?t|did not|isn'?t|warnings?|problems?|issues?\s+with|no longer|requires?|missing|lacks?|instead of|rather than|should\s+\w+|\w*(?:exception|error)|so\s+(?!that)\w+\s+\w+)$/i;

/** Roles inside the team: wanting something as a PO is not a user need. */
const INTERNAL_PERSONA =
  /^(?:po|product\s+owner|product\s+manager|pm|team|team\s+member|scrum\s+master|project\s+manager|business\s+analyst|manager|stakeholder|developer|dev)$/i;
/** "I want a <widget>" asks for a solution, not an outcome. */
const WANT_A_WIDGET =
  /\bwant\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,4}?(?:button|modal|pop-?up|drop-?down|banner|icon|tab|checkbox|slider|toggle|link|page|screen|field)\b/i;

interface Scan {
  reasons: RecipeReason[];
  problems: ProblemSignal[];
  recipeKinds: Map<RecipeSignalKind, number>;
  /** Per kind: how many matches and the strongest match's strength (weak phrases count less). */
  problemKinds: Map<ProblemSignalKind, { count: number; strength: number }>;
  internalPersona: boolean;
}

function addReason(scan: Scan, reason: RecipeReason): void {
  const seen = scan.recipeKinds.get(reason.kind) ?? 0;
  scan.recipeKinds.set(reason.kind, seen + 1);
  if (seen < MAX_PER_KIND) scan.reasons.push(reason);
}

function addProblem(scan: Scan, kind: ProblemSignalKind, phrase: string, source: Source): void {
  const seen = scan.problemKinds.get(kind) ?? { count: 0, strength: 0 };
  const strength = WEAK_PROBLEM.test(phrase) ? 0.35 : 1;
  scan.problemKinds.set(kind, { count: seen.count + 1, strength: Math.max(seen.strength, strength) });
  if (seen.count < MAX_PER_KIND) scan.problems.push({ phrase, why: PROBLEM_WHY[kind], kind, source });
}

/**
 * A word glued to code, a path or a URL is an identifier, not prose: "document.addEventListener",
 * "www/res/icon", "<button onclick", "Impl#175", "github.com/…".
 */
function isEmbedded(text: string, start: number, end: number): boolean {
  const before = text[start - 1] ?? ' ';
  const after = text[end] ?? ' ';
  if (/[\w/\\<.=$@]/.test(before) || /[/\\(=_>]/.test(after)) return true;
  return (after === '.' || after === ':') && /\w/.test(text[end + 1] ?? ' ');
}

/**
 * A line of code or a shell command quoted outside a code block: indented, a "$ " prompt, or ending in
 * ; { } with code punctuation in it ("import java.util.List;", "set(index, holder);").
 */
function isCodeLine(text: string, index: number): boolean {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  let lineEnd = text.indexOf('\n', index);
  if (lineEnd < 0) lineEnd = text.length;
  const line = text.slice(lineStart, lineEnd);
  if (/^(?: {4}|\t)\s*\S|^\s*\$\s/.test(line)) return true;
  return /[;{}](?:\s*\/\/.*)?\s*$/.test(line) && /[(=<`]|\.\w/.test(line);
}

/** Verbs that take a clause ("Check X is set"): only a verb right after them makes them a noun. */
const CLAUSE_VERBS = /^(?:check|determine|make|specify|audit|document)$/i;
/**
 * What follows a build verb used as a noun or a label: "Build script should accept…", "Move was from…",
 * "Build # 26246", "Support:", "pull request".
 */
const NOUN_USE_AFTER_VERB =
  /^\s*(?:#\s*\d|:|requests?\b)|^\s+(?:is|are|was|were|has|had|does|did|doesn'?t|didn'?t|isn'?t|should|will|would|can|can'?t|cannot|could|must|fails?|failed|works?|seems?)\b/i;
const NOUN_USE_AFTER_ONE_WORD =
  /^\s+[\w-]+\s+(?:is|are|was|were|has|had|does|did|doesn'?t|didn'?t|isn'?t|should|will|would|can|can'?t|cannot|could|must|fails?|failed|works?|seems?)\b/i;

/** True when a build verb at the start of a sentence is not an instruction to build something. */
function isNotAnInstruction(text: string, source: Source, start: number, verb: string): boolean {
  const end = start + verb.length;
  if (isEmbedded(text, start, end) || isCodeLine(text, start)) return true;
  // An upper-case verb in a description is a keyword (SQL "CREATE TABLE"), not a sentence.
  if (source === 'description' && verb.length > 1 && verb === verb.toUpperCase()) return true;
  const after = text.slice(end, end + 60);
  return NOUN_USE_AFTER_VERB.test(after) || (!CLAUSE_VERBS.test(verb) && NOUN_USE_AFTER_ONE_WORD.test(after));
}

/** "press the home button", "the Close button is clicked": a widget in use, not one to build. */
const WIDGET_IN_USE_BEFORE =
  /\b(?:press(?:es|ed|ing)?|click(?:s|ed|ing)?|tap(?:s|ped|ping)?|hit(?:s|ting)?)\s+(?:on\s+)?(?:the\s+|a\s+)?(?:\S+\s+){0,2}$/i;
const WIDGET_IN_USE_AFTER = /^\s+(?:is\s+|was\s+|gets\s+)?(?:pressed|clicked|tapped)\b/i;

function scanRecipe(text: string, source: Source, scan: Scan): void {
  SOLUTION_VERB.lastIndex = 0;
  for (let m = SOLUTION_VERB.exec(text); m !== null; m = SOLUTION_VERB.exec(text)) {
    const verb = m[1] ?? '';
    const start = m.index + m[0].length - verb.length;
    if (m[0].length === 0) SOLUTION_VERB.lastIndex++;
    if (isNotAnInstruction(text, source, start, verb)) continue;
    addReason(scan, {
      phrase: verb,
      why: RECIPE_WHY['solution-verb'],
      kind: 'solution-verb',
      source,
      start,
      end: start + verb.length,
    });
  }
  UI_PATTERN.lastIndex = 0;
  for (let m = UI_PATTERN.exec(text); m !== null; m = UI_PATTERN.exec(text)) {
    const g = m.groups ?? {};
    const kind: RecipeSignalKind = g.colour
      ? 'ui-colour'
      : g.position
        ? 'ui-position'
        : g.size
          ? 'ui-size'
          : g.element
            ? 'ui-element'
            : 'technology';
    const phrase = m[0];
    const end = m.index + phrase.length;
    if (isEmbedded(text, m.index, end) || isCodeLine(text, m.index)) continue;
    if (
      kind === 'ui-element' &&
      (WIDGET_IN_USE_BEFORE.test(text.slice(Math.max(0, m.index - 40), m.index)) ||
        WIDGET_IN_USE_AFTER.test(text.slice(end, end + 20)))
    )
      continue;
    addReason(scan, {
      phrase,
      why: RECIPE_WHY[kind],
      kind,
      source,
      start: m.index,
      end: m.index + phrase.length,
    });
  }
}

function scanProblem(text: string, source: Source, scan: Scan): void {
  PROBLEM_PATTERN.lastIndex = 0;
  for (let m = PROBLEM_PATTERN.exec(text); m !== null; m = PROBLEM_PATTERN.exec(text)) {
    const g = m.groups ?? {};
    if (g.user) {
      const persona = (g.persona ?? '').trim();
      if (persona && INTERNAL_PERSONA.test(persona)) {
        scan.internalPersona = true;
        continue;
      }
      addProblem(scan, 'user', m[0].replace(/\s*,$/, ''), source);
    } else if (g.need) {
      // "As a PO, I want ..." is the author's wish, not a user's need.
      if (scan.internalPersona && /^i\s/i.test(m[0])) continue;
      addProblem(scan, 'need', m[0], source);
    } else if (g.reason) addProblem(scan, 'reason', m[0], source);
    else if (g.expected) addProblem(scan, 'expected-result', m[0], source);
    else addProblem(scan, 'defect', m[0], source);
  }
}

/** Repeated evidence of one kind counts, but less and less: one word must not outweigh a paragraph. */
function kindScore(count: number, weight: number): number {
  if (count <= 0) return 0;
  return weight * (1 + 0.35 * Math.min(count - 1, 3));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export function detectRecipe(input: {
  summary: string;
  description?: string | AdfNode | null;
}): RecipeVerdict {
  try {
    const summary = (typeof input?.summary === 'string' ? input.summary : '').slice(0, MAX_SUMMARY_CHARS);
    const description = toPlainText(input?.description ?? null).slice(0, MAX_DESCRIPTION_CHARS);
    const scan: Scan = {
      reasons: [],
      problems: [],
      recipeKinds: new Map(),
      problemKinds: new Map(),
      internalPersona: false,
    };
    scanRecipe(summary, 'summary', scan);
    scanProblem(summary, 'summary', scan);
    // Summary-level evidence is worth more: it is what a reader sees in the backlog.
    const summaryRecipe = new Map(scan.recipeKinds);
    if (description) {
      scanRecipe(description, 'description', scan);
      scanProblem(description, 'description', scan);
    }

    let recipeScore = 0;
    for (const [kind, count] of scan.recipeKinds) {
      const inSummary = summaryRecipe.get(kind) ?? 0;
      const inDescription = count - inSummary;
      recipeScore +=
        kindScore(inSummary, RECIPE_WEIGHT[kind]) + 0.5 * kindScore(inDescription, RECIPE_WEIGHT[kind]);
    }
    const wantsWidget = WANT_A_WIDGET.test(summary);
    if (wantsWidget) recipeScore += 0.8;
    if (scan.internalPersona) recipeScore += 0.4;
    let problemScore = 0;
    for (const [kind, { count, strength }] of scan.problemKinds)
      problemScore += strength * kindScore(count, PROBLEM_WEIGHT[kind]);
    // A long, detailed description that names no problem is still a recipe; a long one that does is not.
    const margin = recipeScore - problemScore - 0.5;
    const confidence = round2(1 / (1 + Math.exp(-1.6 * margin)));
    const isRecipe = scan.reasons.length > 0 && confidence >= 0.5;
    return {
      isRecipe,
      confidence,
      reasons: scan.reasons.sort((a, b) =>
        a.source === b.source ? a.start - b.start : a.source === 'summary' ? -1 : 1,
      ),
      problemSignals: scan.problems,
    };
  } catch {
    return { isRecipe: false, confidence: 0, reasons: [], problemSignals: [] };
  }
}
