/**
 * Zod errors as the messages every UI shows at its fields. A schema of the app says its own sentence at each
 * field it checks; where a broken or hostile client, an older tab or a script sends a shape no page does, zod would
 * word the message itself ("Invalid input: expected object, received string"), and that is said again here as a
 * sentence that names the field as people know it and what it must be.
 */
import * as z from 'zod';

/**
 * The names people know the fields of the payloads by, for what is said where zod would have spoken (see
 * fieldErrors). Keyed by the end of a field's path, list positions left out: the longest end found names the
 * field, so `measurement.id` is a measurement's id in any payload and `rule` the queue filter's rule wherever the
 * filter is sent. A field of none is named by its path.
 */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  // The issue panel.
  issueKey: 'Issue key',
  requestId: 'Request id',
  version: 'Version',
  draft: 'Draft',
  hypothesis: 'Hypothesis',
  expected: 'Expected outcome',
  alsoExpected: 'Further expectations',
  killCriteria: 'Kill criteria',
  metricThreshold: 'Metric threshold',
  condition: 'Kill condition',
  result: 'Result',
  change: 'Description change',
  shown: 'Description shown',
  story: 'Story',
  decimalMark: 'Decimal mark',
  // The project page.
  filters: 'Filters',
  filter: 'Filter',
  sprintId: 'Sprint',
  issueType: 'Issue type',
  assignee: 'Assignee',
  recipe: 'Recipe filter',
  lane: 'Lane',
  pageToken: 'Page token',
  pageSize: 'Page size',
  measurement: 'Measurement',
  'measurement.id': 'Measurement id',
  position: 'Position',
  csv: 'CSV file',
  sort: 'Sort',
  offset: 'Offset',
  limit: 'Limit',
  listed: 'Listed items',
  rule: 'Rule',
  idempotencyKey: 'Request id',
  decision: 'Decision',
  'decision.kind': 'Decision',
  reason: 'Reason',
  selection: 'Selection',
  'selection.keys': 'Selected items',
  onlyUnlinked: 'Only unlinked',
  confirmedCount: 'Count of the items',
  jobId: 'Bulk decision id',
  cursor: 'Log position',
  dryRun: 'Dry run',
  status: 'Status',
  projectKey: 'Project key',
  // Calibration and the dashboard gadget.
  runId: 'Calibration run',
  idleDays: 'Idle limit',
  byType: 'Idle limits per issue type',
  delivered: 'Delivered resolutions',
  abandoned: 'Not-delivered resolutions',
  projectKeys: 'Projects',
  months: 'Months shown',
  query: 'Project search',
  // The settings page, as its fields are labelled.
  settings: 'Settings',
  weights: 'Score weights',
  inheritedLinkShare: 'Epic link counts',
  zombie: 'Zombie thresholds',
  'zombie.defaults': 'Default thresholds',
  perIssueType: 'Thresholds per issue type',
  exemptions: 'Exemptions',
  'exemptions.labels': 'Exempt labels',
  'exemptions.issueTypes': 'Exempt issue types',
  'exemptions.assignees': 'Exempt assignees',
  'exemptions.reporters': 'Exempt reporters',
  flagActions: 'Flag actions',
  'flagActions.label': 'Flag label',
  'flagActions.comment': 'Comment on flag',
  kill: 'Kill settings',
  'kill.transitionName': 'Kill transition',
  'kill.resolutionName': 'Kill resolution',
  entryGate: 'Entry gate',
  'entryGate.enabled': 'Block transitions under the threshold',
  'entryGate.requireHypothesis': 'Require a complete hypothesis',
  outcomeEditors: 'Who may change outcomes',
  scan: 'Scan pacing',
  name: 'Name',
};

const short = (key: string) => JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);

/**
 * How a field is named to a person: its label (FIELD_LABELS), with the list position or record key under it that
 * is meant ("Listed items (item 2)", `Thresholds per issue type ("Bug")`); "The request" for the payload itself;
 * the path in quotes for a field no label names.
 */
export function fieldLabel(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'The request';
  for (let end = path.length; end > 0; end--) {
    if (typeof path[end - 1] === 'number') continue;
    const named = path
      .slice(0, end)
      .filter((p) => typeof p !== 'number')
      .map(String);
    for (let from = 0; from < named.length; from++) {
      // Own keys only: a field named "constructor" is no label.
      const tail = named.slice(from).join('.');
      const label = Object.hasOwn(FIELD_LABELS, tail) ? FIELD_LABELS[tail] : undefined;
      if (label === undefined) continue;
      const under = path
        .slice(end)
        .map((p) => (typeof p === 'number' ? ` (item ${p + 1})` : ` (${short(String(p))})`));
      return label + under.join('');
    }
  }
  return short(path.map(String).join('.'));
}

type Issue = z.core.$ZodIssue;

/** What a field must be, by zod's name of the type expected. */
const EXPECTED: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  object: 'an object of fields',
  record: 'an object of fields',
  map: 'an object of fields',
  array: 'a list',
  tuple: 'a list',
  set: 'a list',
  date: 'a date',
  null: 'empty (null)',
};
/** What it was instead, by zod's name of the type received. */
const RECEIVED: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  boolean: 'a true or false value',
  object: 'an object',
  array: 'a list',
  null: 'empty (null)',
  NaN: 'not a number',
  Infinity: 'infinite',
  '-Infinity': 'infinite',
};

/** Zod's own ending of a wrong type, the only part of its words that tells what was sent. */
const RECEIVED_END = /, received (\S+)$/;
const receivedOf = (issue: Issue): string | null =>
  issue.code === 'invalid_type' ? (RECEIVED_END.exec(issue.message)?.[1] ?? null) : null;

/**
 * True when zod worded the message itself: no schema, check or refinement of the app gave one. Told by wording
 * the issue again with zod's locale; a wrong type's ending (", received string") is left out of the comparison,
 * as the input it names is not kept with the issue.
 */
function saidByZod(issue: Issue): boolean {
  if (issue.message === 'Invalid input') return true;
  const words = z.config().localeError?.({ ...issue, input: undefined });
  const zods = typeof words === 'string' ? words : words?.message;
  return zods !== undefined && issue.message.replace(RECEIVED_END, '') === zods.replace(RECEIVED_END, '');
}

/** Zod's check that an integer is a safe one: said only when no limit of the field's own is broken. */
const beyondSafeIntegers = (issue: Issue) =>
  (issue.code === 'too_big' || issue.code === 'too_small') && issue.origin === 'int';

const number = (n: number | bigint) => n.toLocaleString('en-US');
const shownValue = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const oneOf = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;

/** A field sent as nothing at all: zod's wrong type of `undefined`. */
const missing = (issue: Issue) => receivedOf(issue) === 'undefined';
/** A union's option with its fields unknown to it left out: told apart by the fields it has, not by others. */
const known = (option: readonly Issue[]) => option.filter((i) => i.code !== 'unrecognized_keys');
/** Every option of a union only lacks fields of its own ("keys", or "filter"). */
const eachOnlyLacks = (options: readonly (readonly Issue[])[]) =>
  options.length > 0 && options.every((o) => known(o).length > 0 && known(o).every(missing));

/** The kind of value an issue at the root of a union's option asks for ("text", `"none"`), when it says one. */
function asksFor(issue: Issue): string | null {
  if (issue.code === 'invalid_type') return EXPECTED[issue.expected] ?? null;
  if (issue.code === 'invalid_value') return oneOf(issue.values.map(shownValue));
  return null;
}

/**
 * What is wrong, said of the field, in the words a person reads ("must be text; it was a number"). Each says
 * "must", which reads with a label of one thing and of several ("Selected items must be given").
 */
function predicate(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const received = receivedOf(issue);
      if (received === 'undefined') return 'must be given';
      const expected = EXPECTED[issue.expected] ?? `of the type ${issue.expected}`;
      // A fraction where a whole number goes is told by what it must be: "it was a number" would say nothing.
      const was =
        received && !(issue.expected === 'int' && received === 'number') ? RECEIVED[received] : null;
      return `must be ${expected}${was ? `; it was ${was}` : ''}`;
    }
    case 'invalid_value':
      return `must be ${oneOf(issue.values.map(shownValue))}`;
    case 'too_big': {
      if (issue.origin === 'int') return 'must be a smaller number';
      const at = issue.exact ? 'exactly' : issue.inclusive === false ? 'fewer than' : 'at most';
      const n = number(issue.maximum);
      if (issue.origin === 'string') return `must be ${at} ${n} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have ${at} ${n} items`;
      return issue.exact
        ? `must be ${n}`
        : issue.inclusive === false
          ? `must be less than ${n}`
          : `must be at most ${n}`;
    }
    case 'too_small': {
      if (issue.origin === 'int') return 'must be a larger number';
      const at = issue.exact ? 'exactly' : issue.inclusive === false ? 'more than' : 'at least';
      const n = number(issue.minimum);
      const one = !issue.exact && Number(issue.minimum) === (issue.inclusive === false ? 0 : 1);
      if (issue.origin === 'string') return one ? 'must not be empty' : `must be ${at} ${n} characters`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return one ? 'must have at least one item' : `must have ${at} ${n} items`;
      return issue.exact
        ? `must be ${n}`
        : issue.inclusive === false
          ? `must be more than ${n}`
          : `must be at least ${n}`;
    }
    case 'invalid_format':
      if (issue.format === 'starts_with' && 'prefix' in issue)
        return `must start with ${shownValue(issue.prefix)}`;
      if (issue.format === 'ends_with' && 'suffix' in issue)
        return `must end with ${shownValue(issue.suffix)}`;
      if (issue.format === 'includes' && 'includes' in issue)
        return `must include ${shownValue(issue.includes)}`;
      // Fields of a pattern are the ones a page fills in itself (ids, keys): a person's fields say their own.
      return 'must be as the app gave it out: reload the page and try again';
    case 'not_multiple_of':
      return `must be a multiple of ${number(issue.divisor)}`;
    case 'invalid_union': {
      if ('options' in issue && issue.options?.length)
        return `must be ${oneOf(issue.options.map(shownValue))}`;
      const options = issue.errors;
      const atRoot = options.map((o) => known(o).find((i) => i.path.length === 0));
      if (options.length && atRoot.every((i) => i !== undefined)) {
        if (atRoot.every((i) => missing(i))) return 'must be given';
        const asked = [...new Set(atRoot.map((i) => asksFor(i)).filter((a): a is string => a !== null))];
        const received = atRoot.map(receivedOf).find((r) => r && r !== 'undefined');
        const was = received ? RECEIVED[received] : undefined;
        if (asked.length) return `must be ${oneOf(asked)}${was ? `; it was ${was}` : ''}`;
      }
      if (eachOnlyLacks(options))
        return `must hold ${oneOf(
          options.map((o) =>
            known(o)
              .map((i) => short(i.path.map(String).join('.')))
              .join(' and '),
          ),
        )}`;
      return 'must be in one of the forms the app accepts';
    }
    default:
      return 'must be valid';
  }
}

/** The sentence said where zod would have spoken, naming the field (fieldLabel) and what it must be. */
function plainSentence(issue: Issue): string {
  if (issue.code === 'invalid_key' && issue.path.length > 0) {
    const key = String(issue.path[issue.path.length - 1]);
    const inner = issue.issues[0];
    const wrong = inner ? predicate(inner) : 'must be another';
    return `${fieldLabel(issue.path.slice(0, -1))}: the name ${short(key)} ${wrong}.`;
  }
  return `${fieldLabel(issue.path)} ${predicate(issue)}.`;
}

/**
 * A union zod could match to no option, when one option came nearest: its issues, at their fields, in place of
 * the union's. Nearest is an option that took the value's shape (no issue at its root but fields it does not know)
 * with the fewest issues; none is when every option refused the value itself, or each only lacks its own fields
 * (both said of the union, with the fields no option knows).
 */
function throughUnions(issues: readonly Issue[]): Issue[] {
  const under = (issue: Issue, inner: readonly Issue[]) =>
    inner.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
  return issues.flatMap((issue): Issue[] => {
    if (issue.code !== 'invalid_union' || !saidByZod(issue) || issue.errors.length === 0) return [issue];
    if (eachOnlyLacks(issue.errors)) {
      const keysOf = (i: Issue) => (i.code === 'unrecognized_keys' ? i.keys.join('\n') : null);
      const unknownToAll = (issue.errors[0] ?? []).filter(
        (u) => keysOf(u) !== null && issue.errors.every((o) => o.some((i) => keysOf(i) === keysOf(u))),
      );
      return [issue, ...under(issue, unknownToAll)];
    }
    const shaped = issue.errors.filter(
      (o) => known(o).length > 0 && known(o).every((i) => i.path.length > 0),
    );
    if (shaped.length === 0) return [issue];
    const nearest = shaped.reduce((a, b) => (b.length < a.length ? b : a));
    return throughUnions(under(issue, nearest));
  });
}

/**
 * A zod error as `{ 'expected.target': 'Target must differ…' }`, the form every UI shows at the field. Every path
 * that refuses a payload (the resolvers' edge, storage, the scan request) reads its errors here, so this is where
 * a message zod worded itself is said again as a sentence of the app's (plainSentence): a broken or hostile
 * client, an older tab or a script sends shapes no page does. A message of the app's own at a field wins over one
 * zod worded there, and zod's check of safe integers yields to any other; the fields keep the order zod found them.
 */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const said = new Map<string, { rank: number; message: string }>();
  const say = (key: string, rank: number, message: string) => {
    const was = said.get(key);
    if (!was || rank < was.rank) said.set(key, { rank, message });
  };
  for (const issue of throughUnions(error.issues)) {
    // A misspelt field ("maxIdleDay") is refused at its own name: dropped, its value would be lost unseen.
    if (issue.code === 'unrecognized_keys') {
      for (const name of issue.keys)
        say(
          [...issue.path.map(String), name].join('.'),
          0,
          `"${name.slice(0, 40)}" is not a field this app knows: check its spelling, or leave it out.`,
        );
      continue;
    }
    const key = issue.path.map(String).join('.') || '_';
    const zods = saidByZod(issue);
    const rank = (zods ? 2 : 0) + (beyondSafeIntegers(issue) ? 1 : 0);
    say(key, rank, zods ? plainSentence(issue) : issue.message);
  }
  return Object.fromEntries([...said].map(([key, { message }]) => [key, message]));
}
