/**
 * Seeds the demo backlog (project DEMO, "Shopfront") on first start: the story in demo-data.ts written into
 * the Jira emulator (issues, sprints, comments, changelog, the app's issue property) and the project's outcomes
 * into app storage through the app's own storage code, inside the Forge runtime. Every date is relative to
 * `now`. Scores in the issue property are computed by the domain, exactly as the issue panel would.
 */
import { detectRecipe, type AdfNode } from '../../src/domain/recipe-detector';
import { applyDraft, emptyLens, ISSUE_PROPERTY_KEY } from '../../src/domain/issue-lens';
import {
  issueLensDraftSchema,
  type IssueLensDraft,
  type OutcomeLink,
  type OutcomeStatus,
} from '../../src/domain/schemas';
import { scoreIssue } from '../../src/domain/score';
import { DEFAULT_SETTINGS } from '../../src/domain/settings';
import { createOutcome, getOutcome, recordMeasurement, setOutcomeStatus } from '../../src/storage/outcomes';
import type { WorkbenchApp } from '../app';
import { runInInvocation } from '../forge/runtime';
import type { JiraStore } from '../jira/store';
import type { ChangelogInput, SprintValue, StatusCategoryKey } from '../jira/types';
import { DEMO_PROJECT_KEY, grantDemoRoles } from '../users';
import {
  DEMO_ITEMS,
  DEMO_OUTCOMES,
  DEMO_PROJECT_NAME,
  DEMO_SPRINTS,
  type DemoExpectation,
  type DemoLens,
  type DemoStatus,
} from './demo-data';

export { DEMO_PROJECT_KEY };

const DAY_MS = 86_400_000;

type SeedApp = Pick<WorkbenchApp, 'jira' | 'accountIdOf'>;

/** Seeds project DEMO unless it exists. Outcomes first: a seed interrupted there is simply run again. */
export async function seedDemo(app: SeedApp, now: Date): Promise<void> {
  const store = app.jira.store;
  if (store.getProject(DEMO_PROJECT_KEY)) return;
  const clock = new Clock(now);
  const admin = app.accountIdOf('admin');
  await runInInvocation({ accountId: admin, moduleKey: 'workbench-demo-seed' }, () =>
    seedOutcomes(admin, clock),
  );
  store.db.transaction(() => seedIssues(app, store, clock))();
  // A shared dashboard with the Shipped versus moved gadget, configured for the demo project.
  const dashboard = store.createDashboard({ name: 'Squad outcomes', owner: admin });
  const gadget = store.addDashboardItem(dashboard.id, 'outcome-lens-shipped-gadget');
  store.setDashboardItemProperty(gadget, 'config', { projectKeys: [DEMO_PROJECT_KEY], months: 6 });
}

/** Days relative to now as moments; a fixed hour per item keeps timestamps looking human, not midnight. */
class Clock {
  constructor(readonly now: Date) {}
  ago(days: number, minuteOfDay = 9 * 60): Date {
    const start = Date.UTC(this.now.getUTCFullYear(), this.now.getUTCMonth(), this.now.getUTCDate());
    const moment = new Date(start - days * DAY_MS + minuteOfDay * 60_000);
    // "Today at 15:00" may still be ahead of now: never write the future as the past.
    return days >= 0 && moment > this.now ? new Date(this.now.getTime() - 60_000) : moment;
  }
  dayIn(days: number): string {
    return new Date(this.now.getTime() + days * DAY_MS).toISOString().slice(0, 10);
  }
}

async function seedOutcomes(admin: string, clock: Clock): Promise<void> {
  for (const o of DEMO_OUTCOMES) {
    if (await getOutcome(DEMO_PROJECT_KEY, o.id)) continue;
    const first = o.history[0]?.[0] ?? 30;
    await createOutcome(
      DEMO_PROJECT_KEY,
      {
        name: o.name,
        metric: o.metric,
        baseline: o.baseline,
        target: o.target,
        unit: o.unit,
        direction: o.direction,
        dueDate: clock.dayIn(o.dueIn),
        ownerAccountId: admin,
      },
      admin,
      clock.ago(first + 3),
      { id: o.id },
    );
    let last = clock.ago(first);
    for (const [ago, value, note] of o.history) {
      last = clock.ago(ago, 10 * 60);
      await recordMeasurement(
        DEMO_PROJECT_KEY,
        o.id,
        { at: last.toISOString().slice(0, 10), value, ...(note ? { note } : {}) },
        last,
      );
    }
    if (o.status !== 'active') {
      const current = await getOutcome(DEMO_PROJECT_KEY, o.id);
      if (current) await setOutcomeStatus(DEMO_PROJECT_KEY, o.id, o.status, current.version, last);
    }
  }
}

const CATEGORY: Record<DemoStatus, StatusCategoryKey> = {
  'To Do': 'new',
  'In Progress': 'indeterminate',
  'In Review': 'indeterminate',
  Done: 'done',
};

function sprintValues(clock: Clock): Array<SprintValue & { completeDate?: string }> {
  return DEMO_SPRINTS.map((s) => {
    const startDate = clock.ago(-s.start, 8 * 60).toISOString();
    const endDate = clock.ago(-s.end, 17 * 60).toISOString();
    return {
      id: s.id,
      name: s.name,
      state: s.state,
      boardId: 1,
      startDate,
      endDate,
      ...(s.state === 'closed' ? { completeDate: endDate } : {}),
    };
  });
}

function seedIssues(app: SeedApp, store: JiraStore, clock: Clock): void {
  const people = { admin: app.accountIdOf('admin'), member: app.accountIdOf('member') };
  store.createProject({ key: DEMO_PROJECT_KEY, name: DEMO_PROJECT_NAME, leadAccountId: people.admin });
  grantDemoRoles(store, DEMO_PROJECT_KEY);
  const sprints = sprintValues(clock);
  const keyOf = new Map<string, string>();
  const outcomeOf = new Map<string, string>();
  const statusOf = new Map<string, OutcomeStatus>(DEMO_OUTCOMES.map((o) => [o.id, o.status]));

  DEMO_ITEMS.forEach((item, index) => {
    // Spread creation over the working day, so lists sorted by time interleave believably.
    const minute = 8 * 60 + ((index * 47) % 540);
    const created = clock.ago(item.created, minute);
    const within = (d: Date): Date =>
      d < created ? new Date(created.getTime() + 60_000) : d > clock.now ? clock.now : d;
    const itemSprints = (item.sprints ?? []).map((i) => sprints[i]).filter((s) => s !== undefined);
    const parentKey = item.epic ? keyOf.get(item.epic) : undefined;
    if (item.epic && !parentKey) throw new Error(`Demo item ${item.ref} names an unknown epic ${item.epic}`);
    const category = CATEGORY[item.status];
    // A Done item was resolved when it moved to Done (the changelog below), whatever happened to it later.
    const doneAt =
      item.doneAgo !== undefined && item.status === 'Done'
        ? within(clock.ago(item.doneAgo, minute + 120))
        : null;

    const issue = store.createIssue({
      projectKey: DEMO_PROJECT_KEY,
      type: item.type,
      summary: item.summary,
      ...(item.description !== undefined ? { description: item.description } : {}),
      status: item.status,
      statusCategory: category,
      resolution: category === 'done' ? (item.resolution ?? 'Done') : null,
      ...(category === 'done' && doneAt ? { resolutionDate: doneAt.toISOString() } : {}),
      created: created.toISOString(),
      updated: created.toISOString(),
      reporter: people[item.reporter],
      assignee: item.assignee ? people[item.assignee] : null,
      labels: item.labels ?? [],
      parentKey: parentKey ?? null,
      sprints: itemSprints,
      storyPoints: item.points ?? null,
      priority: item.priority ?? 'Medium',
    });
    keyOf.set(item.ref, issue.key);

    const events: ChangelogInput[] = [];
    const doer = people[item.assignee ?? 'member'];
    let status = 'To Do';
    const move = (to: DemoStatus, at: Date) => {
      events.push({
        author: doer,
        created: within(at).toISOString(),
        items: [
          { field: 'status', fieldtype: 'jira', fieldId: 'status', fromString: status, toString: to },
          ...(to === 'Done'
            ? [
                {
                  field: 'resolution',
                  fieldtype: 'jira',
                  fieldId: 'resolution',
                  fromString: null,
                  toString: item.resolution ?? 'Done',
                },
              ]
            : []),
        ],
      });
      status = to;
    };
    if (item.assignee && item.assignee !== item.reporter)
      events.push({
        author: people.admin,
        created: within(clock.ago(item.startedAgo ?? item.created, minute + 30)).toISOString(),
        items: [
          {
            field: 'assignee',
            fieldtype: 'jira',
            fieldId: 'assignee',
            from: null,
            fromString: null,
            to: people[item.assignee],
            toString: store.getUser(people[item.assignee])?.displayName ?? item.assignee,
          },
        ],
      });
    // The PO plans sprints: each sprint the item enters is one edit of the sprint field, by the PO.
    itemSprints.forEach((s, i) => {
      const before = itemSprints.slice(0, i).map((x) => x.name);
      events.push({
        author: people.admin,
        created: within(new Date(s.startDate ?? clock.now.toISOString())).toISOString(),
        items: [
          {
            field: 'Sprint',
            fieldtype: 'custom',
            fieldId: 'customfield_10020',
            fromString: before.join(', ') || null,
            toString: [...before, s.name].join(', '),
          },
        ],
      });
    });
    if (item.startedAgo !== undefined) move('In Progress', clock.ago(item.startedAgo, minute + 60));
    if (item.status === 'In Review') move('In Review', clock.ago(item.touched ?? 1, minute + 90));
    if (doneAt) move('Done', doneAt);
    for (const e of events) store.addChangelog(issue.key, e);

    let updated = created;
    for (const e of events) if (e.created && new Date(e.created) > updated) updated = new Date(e.created);
    for (const c of item.comments ?? []) {
      const at = within(clock.ago(c.ago, minute + 15));
      store.addComment(issue.key, { author: people[c.by], body: c.text, created: at.toISOString() });
      if (at > updated) updated = at;
    }
    if (item.touched !== undefined) {
      const touched = within(clock.ago(item.touched, minute + 45));
      if (touched > updated) updated = touched;
    }
    store.touch(issue.id, updated.toISOString());

    if (item.lens) {
      const inherited = parentKey && item.epic ? outcomeOf.get(item.epic) : undefined;
      const link: OutcomeLink = item.lens.outcome
        ? { kind: 'direct', outcomeId: item.lens.outcome }
        : inherited && parentKey
          ? { kind: 'inherited', outcomeId: inherited, fromIssueKey: parentKey }
          : { kind: 'none' };
      if (item.lens.outcome) outcomeOf.set(item.ref, item.lens.outcome);
      const draft = draftOf(item.lens, clock);
      const linked = link.kind === 'none' ? undefined : statusOf.get(link.outcomeId);
      const stored = store.getIssue(issue.key);
      const recipe = detectRecipe({
        summary: item.summary,
        description: (stored?.description ?? null) as AdfNode | null,
      });
      const score = scoreIssue(
        {
          hypothesis: draft.hypothesis,
          expected: draft.expected,
          ...(draft.alsoExpected ? { alsoExpected: draft.alsoExpected } : {}),
          link,
          ...(linked ? { linkedOutcomeStatus: linked } : {}),
          killCriteria: draft.killCriteria,
          ...(draft.result ? { result: draft.result } : {}),
          delivered: category === 'done',
          framing: {
            isRecipe: recipe.isRecipe,
            recipePhrases: recipe.reasons.map((r) => r.phrase),
            problemSignals: recipe.problemSignals.length,
          },
        },
        DEFAULT_SETTINGS,
      );
      const writtenAt = within(clock.ago(item.lens.writtenAgo ?? Math.max(item.created - 1, 0), minute + 20));
      const lens = applyDraft(
        emptyLens(),
        draft,
        score,
        { accountId: people.admin, at: writtenAt.toISOString() },
        { isRecipe: recipe.isRecipe },
      );
      store.setIssueProperty(issue.key, ISSUE_PROPERTY_KEY, lens);
    }
  });
}

/** The PO's writing as the panel would send it; parsed by the same schema, so bad demo data fails loudly. */
function draftOf(lens: DemoLens, clock: Clock): IssueLensDraft {
  const k = lens.kill ?? {};
  const expectation = (e: DemoExpectation) => ({
    metric: e.metric,
    baseline: e.baseline,
    target: e.target,
    unit: e.unit,
    direction: e.direction,
    checkBy: e.checkByIn === undefined ? undefined : clock.dayIn(e.checkByIn),
  });
  return issueLensDraftSchema.parse({
    hypothesis: { persona: lens.persona, intent: lens.intent, benefit: lens.benefit },
    expected: lens.expected ? expectation(lens.expected) : {},
    alsoExpected: lens.also?.map(expectation),
    outcomeId: lens.outcome,
    killCriteria: {
      deadline: k.deadlineIn === undefined ? undefined : clock.dayIn(k.deadlineIn),
      metricThreshold: k.threshold
        ? {
            metric: k.threshold.metric,
            comparison: k.threshold.comparison,
            value: k.threshold.value,
            by: clock.dayIn(k.threshold.byIn),
          }
        : undefined,
      maxIdleDays: k.maxIdleDays,
      maxSprintsCarried: k.maxSprintsCarried,
      condition: k.condition
        ? { text: k.condition.text, reviewDate: clock.dayIn(k.condition.reviewIn) }
        : undefined,
    },
    result: lens.result,
  });
}
