/**
 * The workbench app: one object that plays Jira + Forge for the real Outcome Lens code. It wires the SQLite
 * database, the Jira emulator (optionally checked against the OpenAPI spec), app storage (KVS), the queue and
 * the Forge runtime globals, reads manifest.yml, and calls the app's functions the way Forge would.
 *
 * Typical test use:
 *
 *   const app = createWorkbenchApp({ dataFile: ':memory:' });
 *   app.jira.store.createProject({ key: 'DEMO', name: 'Demo' }); app.grantDemoRoles('DEMO');
 *   app.jira.store.createIssue({ projectKey: 'DEMO', summary: 'Export to CSV' });
 *   const answer = await app.invoke('outcome-lens-issue-panel', 'getPanel', {}, { user: 'member', issueKey: 'DEMO-1' });
 *   const summary = await app.runScheduledTrigger();
 *   app.close();
 *
 * Only one app can be open per process at a time: the Forge runtime globals are process-wide.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { appSourceFromEnv, loadHandler, ROOT_DIR, type AppSource } from './app-source';
import { openDatabase, type WorkbenchDb } from './db';
import {
  buildCallContext,
  DEFAULT_INSTALL_CONTEXT,
  DEFAULT_LIMITS,
  type ForgeContextInput,
  type InvocationLimits,
} from './forge/context';
import { invokeFunction, invokeResolver, type FunctionHandler, type ResolverHandler } from './forge/invoke';
import { KvsStore, type EntityDefinition } from './forge/kvs-store';
import { QueueHost, type Delivery, type QueueConsumer } from './forge/queue';
import { installForgeRuntime } from './forge/runtime';
import { JiraEmulator } from './jira/emulator';
import { testLatencyScale, type LatencyInput } from './jira/latency';
import type { RateLimitInput } from './jira/rate-limits';
import { FORGE_STORAGE_RATE_LIMITS } from './forge/storage-rate-limits';
import { BASE_URL as JIRA_SITE_URL } from './jira/routes/common';
import { indexEntriesOf, type PropertyIndex } from './jira/property-index';
import { ContractChecker } from './jira/openapi';
import type { StoredUser } from './jira/types';
import { DEMO_USERS, DEMO_PROJECT_KEY, demoUser, grantDemoRoles, upsertDemoUsers } from './users';

export { ROOT_DIR, BUNDLE_DIR, type AppSource } from './app-source';

export interface WorkbenchAppOptions {
  /** SQLite file, or ':memory:' for a throwaway app. */
  dataFile: string;
  /** The clock of Jira, app storage and the queue. Defaults to the wall clock. */
  now?: () => Date;
  /** Check every emulator request and response against the Jira OpenAPI spec. Default: true under jest. */
  contract?: boolean;
  /** manifest.yml to read; defaults to the repository's. */
  manifestFile?: string;
  /**
   * Forge's invocation limits (time and size). Tests shrink time with `timeScale` (0.001: the 25 s UI limit
   * cuts off after 25 ms) or set a smaller limit; the defaults are Forge's own.
   */
  limits?: Partial<InvocationLimits>;
  /** How long Jira calls take: the realistic model by default, scaled down for tests under jest. */
  latency?: LatencyInput;
  /** Jira's rate limits: on with Jira's figures by default. */
  rateLimits?: RateLimitInput;
  /**
   * Forge's app storage rate limits held (a request past one answered 429); by default only counted
   * (`kvs.usage()`). `npm start` holds them with Jira's: there Jira answers at a real site's pace. Under the
   * tests' shrunk latency a scan runs many times faster than on Forge, and a minute of it holds far more
   * storage writes than the same scan makes in a minute on Forge.
   */
  storageRateLimits?: boolean;
  /**
   * How long a write takes to reach Jira's JQL search, in the site's ms, scaled with the latency: 2,000 by default
   * (workbench/jira/search-index.ts); 0 for a search that is never behind. `app.jira.index.catchUp()` lets search
   * see every write made so far.
   */
  searchIndexDelayMs?: number;
  /**
   * Run the handlers from src/ or from the deploy bundle (dist/forge-bundle/, `npm run bundle`). Default: the
   * environment's OUTCOME_LENS_APP, else src/.
   */
  appSource?: AppSource;
  /** How often the queue redelivers an event whose consumer failed or was stopped (Forge's 3 by default). */
  queueRetries?: number;
}

/** One module of manifest.yml, flattened: its type (e.g. 'jira:issuePanel') and the function behind it. */
/** The modules whose functions Forge lets run 55 s by default (up to 900 s with `timeoutSeconds`, but web triggers). */
const LONG_RUNNING_MODULE_TYPES: ReadonlySet<string> = new Set([
  'consumer',
  'scheduledTrigger',
  'webtrigger',
]);

export interface ManifestModule {
  key: string;
  type: string;
  /** The manifest function key: `resolver.function` for UI modules, `function` for triggers and consumers. */
  functionKey?: string;
  /** The Custom UI resource key and its folder under the repository (e.g. 'issue-panel', 'static/issue-panel/build'). */
  resource?: string;
  resourcePath?: string;
  /** The surface name (folder under static/) of a Custom UI module. */
  surface?: string;
  queue?: string;
  title?: string;
  /** A `trigger` module's product events (e.g. 'avi:forge:installed:app'). */
  events?: string[];
  /** Present for modules registered with registerTestModule. */
  testHandler?: ResolverHandler | FunctionHandler;
  /** A test trigger's or consumer's own `timeoutSeconds`. */
  testTimeoutSeconds?: number;
}

export interface InvokeOptions {
  /** A demo user name ('admin', 'member', 'viewer', 'outsider') or any account id known to the Jira store. */
  user: string;
  /** For issue modules: the issue the panel shows. Its project fills extension.project. */
  issueKey?: string;
  /** For project modules (project page, settings page). */
  projectKey?: string;
}

/** What `view.getContext()` answers in a Custom UI surface: Forge's context plus the host's theme. */
export type BridgeContext = Record<string, unknown> & {
  accountId?: string;
  moduleKey: string;
  extension: Record<string, unknown>;
  theme: { colorMode: 'light' | 'dark' };
};

export interface TriggerSummary {
  triggerKey: string;
  functionKey: string;
  /** What the trigger function returned (its first firing's answer). */
  result: unknown;
  /** Every firing's answer, in order; a rejected firing shows as { error }. */
  results: unknown[];
  /** Queue deliveries after the trigger, run until the queue was idle (the clock jumps over delays). */
  queue: { delivered: number; failed: number; pending: number };
  deliveries: Delivery[];
  durationMs: number;
}

/** A module only tests know: lets a test drive the host (bridge, server) with a tiny real resolver. */
export interface TestModule {
  key: string;
  /** e.g. 'jira:issuePanel', 'jira:projectPage', 'scheduledTrigger', 'consumer'. */
  type: string;
  /** For UI modules: `new Resolver().getDefinitions()`. For triggers and consumers: the function itself. */
  handler: ResolverHandler | FunctionHandler;
  /** A surface folder under static/ to show in the host pages (optional). */
  surface?: string;
  queue?: string;
  /** For triggers and consumers: the manifest's `timeoutSeconds` (Forge's default, 55, when absent). */
  timeoutSeconds?: number;
}

export interface TriggerRunOptions {
  /**
   * How many times the trigger fires, all at once. Forge's scheduled triggers deliver at least once: the same
   * schedule can fire twice, so 2 shows what the app does then. Default 1.
   */
  firings?: number;
}

/**
 * The module types whose Custom UI the host pages render, and so the only ones a surface may invoke through the
 * bridge. Triggers, consumers and validators run on Forge's side only: no browser can call them.
 */
export const UI_MODULE_TYPES: ReadonlySet<string> = new Set([
  'jira:issuePanel',
  'jira:projectPage',
  'jira:projectSettingsPage',
  'jira:dashboardGadget',
]);

export class UnknownUserError extends Error {
  constructor(readonly user: string) {
    super(
      `Unknown workbench user "${user}": use one of ${DEMO_USERS.map((u) => u.name).join(', ')} or a known account id`,
    );
    this.name = 'UnknownUserError';
  }
}

interface Manifest {
  modules: ManifestModule[];
  functions: Map<string, string>;
  /** A function's `timeoutSeconds`, where the manifest sets one. */
  functionTimeouts: Map<string, number>;
  propertyIndex: PropertyIndex;
  entities: EntityDefinition[];
}

type Json = Record<string, unknown>;

function asRecord(value: unknown): Json {
  return value && typeof value === 'object' ? (value as Json) : {};
}

/** Reads manifest.yml into the parts the host needs. */
export function readManifest(file: string = path.join(ROOT_DIR, 'manifest.yml')): Manifest {
  const doc = asRecord(parseYaml(fs.readFileSync(file, 'utf8')));
  const modulesDoc = asRecord(doc.modules);
  const resources = new Map<string, string>();
  for (const r of (doc.resources as Json[] | undefined) ?? []) resources.set(String(r.key), String(r.path));
  const functions = new Map<string, string>();
  const functionTimeouts = new Map<string, number>();
  for (const f of (modulesDoc.function as Json[] | undefined) ?? []) {
    functions.set(String(f.key), String(f.handler));
    if (typeof f.timeoutSeconds === 'number') functionTimeouts.set(String(f.key), f.timeoutSeconds);
  }

  const modules: ManifestModule[] = [];
  const propertyIndex: PropertyIndex = [];
  for (const [type, list] of Object.entries(modulesDoc)) {
    if (type === 'function' || !Array.isArray(list)) continue;
    for (const raw of list as Json[]) {
      const resolver = asRecord(raw.resolver);
      const resource = typeof raw.resource === 'string' ? raw.resource : undefined;
      const resourcePath = resource ? resources.get(resource) : undefined;
      const surface = resourcePath ? /^static\/([^/]+)\/build\/?$/.exec(resourcePath)?.[1] : undefined;
      const functionKey =
        typeof resolver.function === 'string'
          ? resolver.function
          : typeof raw.function === 'string'
            ? raw.function
            : undefined;
      modules.push({
        key: String(raw.key),
        type,
        ...(functionKey ? { functionKey } : {}),
        ...(resource ? { resource } : {}),
        ...(resourcePath ? { resourcePath } : {}),
        ...(surface ? { surface } : {}),
        ...(typeof raw.queue === 'string' ? { queue: raw.queue } : {}),
        ...(typeof raw.title === 'string' ? { title: raw.title } : {}),
        ...(Array.isArray(raw.events) ? { events: (raw.events as unknown[]).map(String) } : {}),
      });
      if (type === 'jira:entityProperty') propertyIndex.push(...indexEntriesOf(raw));
    }
  }
  const storage = asRecord(asRecord(doc.app).storage);
  const entities = ((storage.entities as EntityDefinition[] | undefined) ?? []).filter((e) => e && e.name);
  return { modules, functions, functionTimeouts, propertyIndex, entities };
}

export class WorkbenchApp {
  readonly db: WorkbenchDb;
  readonly jira: JiraEmulator;
  readonly kvs: KvsStore;
  readonly queue: QueueHost;
  readonly contract: ContractChecker | null;
  readonly now: () => Date;
  readonly installContext = DEFAULT_INSTALL_CONTEXT;
  readonly limits: InvocationLimits;
  /** The site the emulator's `self` links name; the host pages map its links back into the workbench. */
  readonly siteUrl: string = JIRA_SITE_URL;
  /** Signs the bridge tokens the host pages hand their surfaces; new on every start, never leaves the server. */
  readonly bridgeSecret: Buffer = randomBytes(32);
  /** Where the workbench server listens (set by startWorkbenchServer): the base of web trigger URLs. */
  publicUrl = 'http://localhost:8080';
  /** The manifest.yml the app runs under (its `permissions` also make the Custom UI's CSP). */
  readonly manifestFile: string;
  /** Where the handlers come from: src/ or the Forge bundle. */
  readonly appSource: AppSource;
  private readonly manifest: Manifest;
  private readonly testModules = new Map<string, ManifestModule>();
  private readonly uninstall: () => void;
  private closed = false;

  constructor(options: WorkbenchAppOptions) {
    this.now = options.now ?? (() => new Date());
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.manifestFile = options.manifestFile ?? path.join(ROOT_DIR, 'manifest.yml');
    this.manifest = readManifest(this.manifestFile);
    this.appSource = options.appSource ?? appSourceFromEnv();
    const contract = options.contract ?? process.env.JEST_WORKER_ID !== undefined;
    this.contract = contract ? ContractChecker.fromSpecFile() : null;
    this.db = openDatabase(options.dataFile);
    const clock = (): number => this.now().getTime();
    this.jira = new JiraEmulator(this.db, {
      now: this.now,
      contract: this.contract,
      propertyIndex: this.manifest.propertyIndex,
      latency:
        options.latency ?? (process.env.JEST_WORKER_ID !== undefined ? { scale: testLatencyScale() } : {}),
      rateLimits: options.rateLimits ?? {},
      ...(options.searchIndexDelayMs !== undefined ? { searchIndexDelayMs: options.searchIndexDelayMs } : {}),
    });
    this.jira.validatorFunctions = (validatorKey, args) => this.runValidatorFunction(validatorKey, args);
    this.kvs = new KvsStore(this.db, {
      now: clock,
      entities: this.manifest.entities,
      rateLimits: options.storageRateLimits ? FORGE_STORAGE_RATE_LIMITS : null,
    });
    this.queue = new QueueHost(this.db, {
      now: clock,
      installContext: this.installContext,
      limits: this.limits,
      ...(options.queueRetries !== undefined ? { maxRetries: options.queueRetries } : {}),
    });
    try {
      this.uninstall = installForgeRuntime({
        jira: this.jira,
        kvs: this.kvs,
        queue: this.queue,
        appAccountId: this.jira.appAccountId,
        installContext: this.installContext,
        webTriggerUrl: (key) => `${this.publicUrl}/webtrigger/${key}`,
      });
    } catch (error) {
      this.db.close();
      throw error;
    }
    upsertDemoUsers(this.jira.store);
    grantDemoRoles(this.jira.store, DEMO_PROJECT_KEY);
  }

  /** The Jira emulator under the name the importer and seed use. */
  get emulator(): JiraEmulator {
    return this.jira;
  }

  // ---- users ----------------------------------------------------------------------------------------------

  /** The account id of a demo user name ('admin', 'member', 'viewer', 'outsider'). Throws for other names. */
  accountIdOf(name: string): string {
    const user = demoUser(name);
    if (!user) throw new UnknownUserError(name);
    return user.accountId;
  }

  /**
   * A demo user name or a known account id → the Jira user, or null when Jira does not know them. The app's own
   * account is never a user one can act as: on Jira it is no person and cannot open a page or invoke a resolver,
   * and acting as it here would hand a page the app's permissions.
   */
  findUser(nameOrAccountId: string): StoredUser | null {
    const demo = demoUser(nameOrAccountId);
    const user = this.jira.store.getUser(demo ? demo.accountId : nameOrAccountId);
    if (!user || user.accountId === this.jira.appAccountId || user.accountType === 'app') return null;
    return user;
  }

  /** Grants the demo users their roles on a project (call after creating it). */
  grantDemoRoles(projectKey: string = DEMO_PROJECT_KEY): boolean {
    return grantDemoRoles(this.jira.store, projectKey);
  }

  // ---- manifest -------------------------------------------------------------------------------------------

  /** Modules of manifest.yml plus registered test modules, optionally of one type. */
  modules(type?: string): ManifestModule[] {
    const all = [...this.manifest.modules, ...this.testModules.values()];
    return type ? all.filter((m) => m.type === type) : all;
  }

  /**
   * The modules of a type that have a Custom UI surface, as the host pages show them. A test module that names
   * the same surface as a manifest module stands in for it; test modules come first.
   */
  surfaceModules(type: string): ManifestModule[] {
    const withSurface = this.modules(type).filter((m) => m.surface);
    const replaced = new Set(withSurface.filter((m) => m.testHandler).map((m) => m.surface));
    // Test modules first: a page that shows one module of a type shows the one the test registered.
    return [
      ...withSurface.filter((m) => m.testHandler),
      ...withSurface.filter((m) => !m.testHandler && !replaced.has(m.surface)),
    ];
  }

  /** True for a module of a UI type (see UI_MODULE_TYPES), the only kind the bridge may invoke. */
  isUiModule(key: string): boolean {
    const found = this.modules().find((m) => m.key === key);
    return found !== undefined && UI_MODULE_TYPES.has(found.type);
  }

  module(key: string): ManifestModule {
    const found = this.modules().find((m) => m.key === key);
    if (!found) throw new Error(`No module "${key}" in manifest.yml (nor registered as a test module)`);
    return found;
  }

  /**
   * Test seam: adds a module with its own handler, so host code (bridge, server, pages) can be driven by a tiny
   * real resolver before, or independently of, the app's surfaces. Does not touch manifest.yml.
   */
  registerTestModule(module: TestModule): void {
    if (this.modules().some((m) => m.key === module.key && !m.testHandler))
      throw new Error(`Module "${module.key}" is in manifest.yml: pick another key for a test module`);
    this.testModules.set(module.key, {
      key: module.key,
      type: module.type,
      functionKey: `test:${module.key}`,
      testHandler: module.handler,
      ...(module.surface ? { surface: module.surface } : {}),
      ...(module.queue ? { queue: module.queue } : {}),
      ...(module.timeoutSeconds !== undefined ? { testTimeoutSeconds: module.timeoutSeconds } : {}),
    });
    if (module.type === 'consumer' && module.queue)
      this.queue.registerConsumer(module.queue, module.handler, { timeoutSeconds: module.timeoutSeconds });
  }

  /**
   * The function's time limit in seconds: its `timeoutSeconds` from the manifest (or the test module), else
   * Forge's default for the module, where undefined means the 55 s of background work. Forge's invocation limits
   * (developer.atlassian.com/platform/forge/limits-invocation) give 55 s by default only to functions that
   * consumers and scheduled triggers run, and to web triggers; any other function, a product-event trigger or a
   * workflow validator, is stopped at 25 s like a resolver.
   */
  timeoutSecondsOf(module: ManifestModule): number | undefined {
    const own = module.testHandler
      ? module.testTimeoutSeconds
      : module.functionKey
        ? this.manifest.functionTimeouts.get(module.functionKey)
        : undefined;
    if (own !== undefined) return own;
    return LONG_RUNNING_MODULE_TYPES.has(module.type) ? undefined : this.limits.uiTimeoutSeconds;
  }

  private handlerOf(module: ManifestModule): unknown {
    if (module.testHandler) return module.testHandler;
    if (!module.functionKey) throw new Error(`Module "${module.key}" names no function`);
    const ref = this.manifest.functions.get(module.functionKey);
    if (!ref)
      throw new Error(`manifest.yml has no function "${module.functionKey}" (module "${module.key}")`);
    return loadHandler(ref, this.appSource);
  }

  // ---- context and invocation -----------------------------------------------------------------------------

  /** The extension object Jira gives a module: type, and issue / project as Jira shapes them. */
  extensionFor(module: ManifestModule, options: Omit<InvokeOptions, 'user'>): Record<string, unknown> {
    const extension: Record<string, unknown> = { type: module.type };
    let projectKey = options.projectKey;
    if (options.issueKey) {
      const issue = this.jira.store.getIssue(options.issueKey);
      if (!issue) throw new Error(`No issue ${options.issueKey} in the workbench`);
      extension.issue = {
        key: issue.key,
        id: String(issue.id),
        type: issue.type,
        typeId: typeIdOf(issue.type),
      };
      extension.isNewToIssue = false;
      projectKey = issue.projectKey;
    }
    if (projectKey) {
      const project = this.jira.store.getProject(projectKey);
      if (!project) throw new Error(`No project ${projectKey} in the workbench`);
      extension.project = { key: project.key, id: String(project.id), type: 'software' };
    }
    return extension;
  }

  /** The Forge context input for a module and user (what invokeResolver takes). */
  contextInput(moduleKey: string, options: InvokeOptions): ForgeContextInput {
    const module = this.module(moduleKey);
    const user = this.findUser(options.user);
    if (!user) throw new UnknownUserError(options.user);
    return {
      accountId: user.accountId,
      moduleKey: module.key,
      extension: this.extensionFor(module, options),
      installContext: this.installContext,
      siteUrl: this.siteUrl,
      localId: `${module.key}-${options.issueKey ?? options.projectKey ?? 'global'}`,
    };
  }

  /** What the bridge's getContext answers inside a surface. */
  bridgeContext(
    moduleKey: string,
    options: InvokeOptions & { colorMode?: 'light' | 'dark'; locale?: string; siteUrl?: string },
  ): BridgeContext {
    const input = this.contextInput(moduleKey, options);
    const base = buildCallContext(options.siteUrl ? { ...input, siteUrl: options.siteUrl } : input);
    return {
      ...base,
      ...(options.locale ? { locale: options.locale } : {}),
      moduleKey: input.moduleKey,
      extension: input.extension,
      theme: { colorMode: options.colorMode ?? 'light' },
    };
  }

  /**
   * Calls a UI module's resolver as Forge would for `invoke(functionKey, payload)` from the surface: finds the
   * module in manifest.yml, its resolver function and the handler export (src/index.ts or the bundle), and runs it in an
   * invocation as `user` with the module's extension context. Resolves with the resolver's answer; rejects when
   * the resolver throws (the bridge turns that into an error in the UI).
   */
  invoke(moduleKey: string, functionKey: string, payload: unknown, options: InvokeOptions): Promise<unknown> {
    try {
      const ctx = this.contextInput(moduleKey, options);
      const handler = this.handlerOf(this.module(moduleKey)) as ResolverHandler;
      return invokeResolver(handler, functionKey, payload ?? {}, ctx, this.limits);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * Runs a function-backed workflow validator as Jira does on a transition: with no user (validators may only
   * act as the app) and within the function's time limit.
   */
  private runValidatorFunction(validatorKey: string, args: unknown): Promise<unknown> {
    return this.invokeWithoutUser(this.module(validatorKey), args);
  }

  /** Runs a module's function as Forge runs background work: no acting user, within the function's time limit. */
  private invokeWithoutUser(module: ManifestModule, event: unknown): Promise<unknown> {
    return invokeFunction(
      this.handlerOf(module) as FunctionHandler,
      event,
      {
        accountId: null,
        moduleKey: module.key,
        extension: { type: module.type },
        installContext: this.installContext,
      },
      this.timeoutSecondsOf(module),
      this.limits,
    );
  }

  /** Registers every manifest `consumer` module's function on its queue. Called by runScheduledTrigger too. */
  registerConsumers(): void {
    for (const m of this.modules('consumer')) {
      if (!m.queue) continue;
      // Loaded at delivery: a consumer that does not compile yet fails its events, not the whole trigger run.
      const consumer: QueueConsumer = (event, context) =>
        (this.handlerOf(m) as QueueConsumer)(event, context);
      this.queue.registerConsumer(m.queue, consumer, { timeoutSeconds: this.timeoutSecondsOf(m) });
    }
  }

  /**
   * Runs a scheduled trigger now (the first one when no key is given) and then drains the queue until idle,
   * jumping the queue's clock over delays and retries. Returns what happened. The trigger is stopped at its
   * `timeoutSeconds` like on Forge; `firings: 2` fires it twice at once, as an at-least-once schedule can.
   */
  async runScheduledTrigger(key?: string, options: TriggerRunOptions = {}): Promise<TriggerSummary> {
    const triggers = this.modules('scheduledTrigger');
    const trigger = key ? triggers.find((t) => t.key === key) : triggers[0];
    if (!trigger)
      throw new Error(key ? `No scheduled trigger "${key}"` : 'manifest.yml has no scheduled trigger');
    const started = Date.now();
    this.registerConsumers();
    const before = this.queue.deliveries.length;
    const cloudId = this.installContext.replace(/^.*site\//, '');
    const event = {
      context: { cloudId, moduleKey: trigger.key },
      contextToken: 'workbench',
      userAccess: { enabled: false },
    };
    const fire = (): Promise<unknown> => this.invokeWithoutUser(trigger, event);
    const firings = Math.max(1, Math.floor(options.firings ?? 1));
    let results: unknown[];
    if (firings === 1) {
      results = [await fire()];
    } else {
      // Each firing is its own invocation: one failing does not hide what the others did.
      const settled = await Promise.allSettled(Array.from({ length: firings }, fire));
      results = settled.map((r) =>
        r.status === 'fulfilled'
          ? r.value
          : { error: r.reason instanceof Error ? r.reason.message : String(r.reason) },
      );
    }
    const queue = await this.queue.runDue({ until: 'idle', advanceClock: true });
    return {
      triggerKey: trigger.key,
      functionKey: trigger.functionKey ?? '',
      result: results[0],
      results,
      queue,
      deliveries: this.queue.deliveries.slice(before),
      durationMs: Date.now() - started,
    };
  }

  /**
   * Delivers a product event (e.g. 'avi:forge:installed:app', Forge's installation lifecycle event) to every
   * manifest `trigger` module subscribed to it, as Forge does: one invocation each, with the event in the
   * payload and no acting user; then drains the queue until idle. Returns each trigger's answer.
   */
  async fireProductEvent(eventType: string): Promise<Array<{ triggerKey: string; result: unknown }>> {
    this.registerConsumers();
    const cloudId = this.installContext.replace(/^.*site\//, '');
    const out: Array<{ triggerKey: string; result: unknown }> = [];
    for (const trigger of this.modules('trigger').filter((m) => m.events?.includes(eventType))) {
      const result = await this.invokeWithoutUser(trigger, {
        eventType,
        context: { cloudId, moduleKey: trigger.key },
        contextToken: 'workbench',
      });
      out.push({ triggerKey: trigger.key, result });
    }
    await this.queue.runDue({ until: 'idle', advanceClock: true });
    return out;
  }

  /**
   * Calls a `webtrigger` module's function as Forge does for an HTTP request to its URL: with the request as
   * `{ method, headers, body, path, queryParameters }` (header names in lower case, every value a list, as
   * @forge/api's WebTriggerRequest types them), no acting user, within the function's time limit. Answers the
   * function's `{ statusCode, headers, body }`, checked for that shape (WebTriggerResponse): a function that
   * answers anything else gets Forge's 500.
   */
  async invokeWebTrigger(moduleKey: string, request: WebTriggerCall): Promise<WebTriggerAnswer> {
    const module = this.module(moduleKey);
    if (module.type !== 'webtrigger') throw new Error(`Module "${moduleKey}" is not a web trigger`);
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (value === undefined) continue;
      headers[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : [String(value)];
    }
    const event = {
      method: request.method.toUpperCase(),
      headers,
      body: request.body ?? '',
      path: request.path ?? `/webtrigger/${moduleKey}`,
      queryParameters: request.queryParameters ?? {},
      context: { cloudId: this.installContext.replace(/^.*site\//, ''), moduleKey },
    };
    let answer: unknown;
    try {
      answer = await this.invokeWithoutUser(module, event);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        statusCode: 500,
        headers: { 'content-type': ['text/plain'] },
        body: `Web trigger failed: ${message}`,
      };
    }
    return checkWebTriggerAnswer(answer);
  }

  /** Uninstalls the runtime globals and closes the database. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.uninstall();
    this.db.close();
  }
}

/** An HTTP request to a web trigger, as the workbench server (or a test) hands it over. */
export interface WebTriggerCall {
  method: string;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  path?: string;
  queryParameters?: Record<string, string[]>;
}

/** What a web trigger's function answers (@forge/api's WebTriggerResponse). */
export interface WebTriggerAnswer {
  statusCode: number;
  headers: Record<string, string[]>;
  body: string;
}

function checkWebTriggerAnswer(answer: unknown): WebTriggerAnswer {
  const a = asRecord(answer);
  const status = a.statusCode;
  const headersOk =
    a.headers === undefined ||
    Object.values(asRecord(a.headers)).every(
      (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
    );
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599 || !headersOk)
    return {
      statusCode: 500,
      headers: { 'content-type': ['text/plain'] },
      body: 'Web trigger answered without a statusCode, or with headers that are not lists of strings',
    };
  return {
    statusCode: status,
    headers: (a.headers as Record<string, string[]> | undefined) ?? {},
    body: typeof a.body === 'string' ? a.body : '',
  };
}

// The same ids the emulator renders for issue types.
const TYPE_IDS: Record<string, string> = {
  Epic: '10000',
  Story: '10001',
  Task: '10002',
  Bug: '10003',
  'Sub-task': '10004',
};
function typeIdOf(type: string): string {
  return TYPE_IDS[type] ?? '10009';
}

/** Opens a workbench app. See the file comment for a typical test. */
export function createWorkbenchApp(options: WorkbenchAppOptions): WorkbenchApp {
  return new WorkbenchApp(options);
}
