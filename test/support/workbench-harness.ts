/**
 * A fresh in-memory workbench for integration tests: one SQLite database, the Jira emulator (every request and
 * answer checked against the official OpenAPI spec), app storage, the queue, and the Forge runtime installed
 * so the real @forge/api, @forge/kvs and @forge/events run unmodified.
 *
 *   let wb: Workbench;
 *   beforeEach(() => (wb = createWorkbench()));
 *   afterEach(() => wb.dispose());
 *   await wb.asUser(USERS.member, () => JiraClient.asUser().getIssue('OL-1'));
 *
 * Seeded: users admin / member / viewer / outsider (see USERS), projects OL (granted as their names say) and
 * OTHER (no grants). Issues are up to each test: `wb.jira.store.createIssue(...)`.
 */
import type { HealthData } from '../../src/contract/project-page';
import { backlogHealthReport } from '../../src/services/backlog-health-report';
import { openDatabase, type WorkbenchDb } from '../../workbench/db';
import { KvsStore, type KvsStoreOptions } from '../../workbench/forge/kvs-store';
import { QueueHost } from '../../workbench/forge/queue';
import { installForgeRuntime, runInInvocation } from '../../workbench/forge/runtime';
import { JiraEmulator, DEFAULT_APP_ACCOUNT_ID } from '../../workbench/jira/emulator';
import { testLatencyScale, type LatencyInput } from '../../workbench/jira/latency';
import type { RateLimitInput } from '../../workbench/jira/rate-limits';
import { ContractChecker } from '../../workbench/jira/openapi';
import { PROJECT_PERMISSIONS, type IssueInput } from '../../workbench/jira/types';
import { MEMBER_PERMISSIONS } from '../../workbench/users';

export const USERS = {
  admin: 'acc-admin',
  member: 'acc-member',
  viewer: 'acc-viewer',
  outsider: 'acc-outsider',
} as const;

export const PROJECT_KEY = 'OL';
export const OTHER_PROJECT_KEY = 'OTHER';
export const INSTALL_CONTEXT = 'ari:cloud:jira::site/workbench-test';

/**
 * An open story of PROJECT_KEY idle past the 60-day default, yet younger than the 90 days after which unlinked
 * work is flagged, as of `nowMs`.
 */
export function anIdleStory(nowMs: number = Date.now()): IssueInput {
  const ago = (days: number) => new Date(nowMs - days * 86_400_000).toISOString();
  return {
    projectKey: PROJECT_KEY,
    type: 'Story',
    summary: 'Shoppers abandon carts because shipping costs surprise them',
    created: ago(80),
    updated: ago(70),
    reporter: USERS.member,
  };
}

export interface WorkbenchOptions {
  /** The clock of Jira and app storage (TTLs); defaults to the real one. Mutate `wb.clock.now` to move it. */
  now?: Date;
  /** Check Jira traffic against the OpenAPI spec (default true). */
  contract?: boolean;
  kvs?: Omit<KvsStoreOptions, 'now'>;
  /**
   * How long Jira calls take. Default: the realistic model scaled by TEST_LATENCY_SCALE (a few ms a call;
   * WORKBENCH_LATENCY_SCALE overrides it for a whole run), so
   * calls in flight interleave; 'off' answers at once; `{ scale: 1 }` is the `npm start` model.
   */
  latency?: LatencyInput;
  /** Jira's rate limits (quota, burst, per-issue writes), on with Jira's figures by default; 'off' to drop them. */
  rateLimits?: RateLimitInput;
}

export interface Workbench {
  db: WorkbenchDb;
  jira: JiraEmulator;
  kvs: KvsStore;
  queue: QueueHost;
  contract: ContractChecker | null;
  clock: { now: Date | null };
  /** Runs `fn` in an invocation of `accountId` (a UI resolver: asUser() acts as that user). */
  asUser<T>(accountId: string, fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` in an invocation without a user (scheduled trigger, queue consumer). */
  asSystem<T>(fn: () => Promise<T>): Promise<T>;
  /** Uninstalls the runtime globals and closes the database. Call it in afterEach. */
  dispose(): void;
}

export function createWorkbench(options: WorkbenchOptions = {}): Workbench {
  const db = openDatabase(':memory:');
  const clock: { now: Date | null } = { now: options.now ?? null };
  const now = () => clock.now ?? new Date();
  const contract = options.contract === false ? null : ContractChecker.fromSpecFile();
  const jira = new JiraEmulator(db, {
    now,
    contract,
    appAccountId: DEFAULT_APP_ACCOUNT_ID,
    latency: options.latency ?? { scale: testLatencyScale() },
    rateLimits: options.rateLimits ?? {},
  });
  // The harness's clock stands still inside an invocation (its Jira calls cost no time), so every storage call of
  // one would fall in one second: Forge's storage rate limits are counted (kvs.usage()) but not held here.
  const kvs = new KvsStore(db, { rateLimits: null, ...options.kvs, now: () => now().getTime() });
  const queue = new QueueHost(db, { now: () => now().getTime(), installContext: INSTALL_CONTEXT });
  seed(jira);
  const uninstall = installForgeRuntime({
    jira,
    kvs,
    queue,
    appAccountId: jira.appAccountId,
    installContext: INSTALL_CONTEXT,
  });
  return {
    db,
    jira,
    kvs,
    queue,
    contract,
    clock,
    asUser: (accountId, fn) =>
      runInInvocation({ accountId, moduleKey: 'outcome-lens-test', installContext: INSTALL_CONTEXT }, fn),
    asSystem: (fn) =>
      runInInvocation(
        { accountId: null, moduleKey: 'outcome-lens-test', installContext: INSTALL_CONTEXT },
        fn,
      ),
    dispose: () => {
      uninstall();
      db.close();
    },
  };
}

function seed(jira: JiraEmulator): void {
  const s = jira.store;
  s.upsertUser({ accountId: USERS.admin, displayName: 'Ada Admin' });
  s.upsertUser({ accountId: USERS.member, displayName: 'Max Member' });
  s.upsertUser({ accountId: USERS.viewer, displayName: 'Vera Viewer' });
  s.upsertUser({ accountId: USERS.outsider, displayName: 'Otto Outsider' });
  s.createProject({ key: PROJECT_KEY, name: 'Outcome Lens', leadAccountId: USERS.admin });
  s.createProject({ key: OTHER_PROJECT_KEY, name: 'Other' });
  s.grant(PROJECT_KEY, USERS.admin, PROJECT_PERMISSIONS);
  s.grant(PROJECT_KEY, USERS.member, MEMBER_PERMISSIONS);
  s.grant(PROJECT_KEY, USERS.viewer, ['BROWSE_PROJECTS']);
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
}

/** Backlog health as the project page answers it to `accountId` (an admin unless named). */
export function healthAs(wb: Workbench, projectKey: string = PROJECT_KEY, accountId: string = USERS.admin) {
  return wb.asUser<HealthData>(accountId, () =>
    backlogHealthReport({ accountId, moduleKey: 'outcome-lens-project-page', issueKey: null, projectKey }),
  );
}
