/**
 * How long an emulated Jira call takes: a base per endpoint plus a cost per object returned or written, with
 * jitter from a seeded generator so a run is repeatable. The emulator waits part of the time before it touches
 * the store and the rest after, so two calls in flight interleave as they do against a real site: a
 * read-modify-write by two callers at once really races.
 *
 * The realistic figures are an estimate (see the README, "Latency and rate limits"); `scale` shrinks the whole
 * model, e.g. for the test suite, and 0 turns it off.
 */

export interface LatencySettings {
  /** Multiplies every figure: 1 is the realistic model, 0 answers at once (no timer at all). */
  scale: number;
  /** Base time of a read, by endpoint ('GET /issue/{issueIdOrKey}'); endpoints not listed take readMs. */
  readMs: number;
  /** Base time of a write (PUT, DELETE, and POSTs that change something); endpoints not listed take writeMs. */
  writeMs: number;
  /** Per-endpoint bases that differ from readMs / writeMs, keyed 'METHOD /template' as the routes declare them. */
  endpointMs: Record<string, number>;
  /** Time per object returned (reads) or written (writes). */
  perObjectMs: number;
  /** Each delay is multiplied by a uniform factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
  /** Share of the base spent before the store is touched (request in flight); the rest comes after. */
  beforeShare: number;
  /** Seed of the jitter generator: the same seed and the same calls give the same delays. */
  seed: number;
}

/** The realistic model for `npm start`; an estimate, sourced in the README. */
export const REALISTIC_LATENCY: LatencySettings = {
  scale: 1,
  readMs: 120,
  writeMs: 200,
  endpointMs: {
    'GET /search/jql': 280,
    'POST /search/jql': 280,
    'POST /issue/bulkfetch': 220,
    'POST /changelog/bulkfetch': 250,
    'POST /permissions/check': 150,
    'GET /mypermissions': 100,
    'GET /issue/{issueIdOrKey}/properties/{propertyKey}': 90,
    'PUT /issue/{issueIdOrKey}/properties/{propertyKey}': 150,
    'PUT /project/{projectIdOrKey}/properties/{propertyKey}': 150,
    'PUT /issue/{issueIdOrKey}': 300,
    'POST /issue/{issueIdOrKey}/transitions': 350,
    'POST /issue/{issueIdOrKey}/comment': 250,
    'POST /issue/properties/multi': 250,
  },
  perObjectMs: 2,
  jitter: 0.3,
  beforeShare: 0.5,
  seed: 1,
};

/**
 * The test suite's default: the realistic shape at 1/50 (a property read ~2 ms, a search ~6 ms), enough for
 * calls in flight to overlap and races to show, small enough that the suite stays fast.
 */
export const TEST_LATENCY_SCALE = 0.02;

/**
 * The scale tests run at: TEST_LATENCY_SCALE, or WORKBENCH_LATENCY_SCALE from the environment to try the suite
 * on a slower (or instant, 0) Jira without editing a test.
 */
export function testLatencyScale(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.WORKBENCH_LATENCY_SCALE;
  if (text === undefined || text === '') return TEST_LATENCY_SCALE;
  const scale = Number(text);
  if (!Number.isFinite(scale) || scale < 0)
    throw new Error(`WORKBENCH_LATENCY_SCALE must be a number >= 0, not "${text}"`);
  return scale;
}

export type LatencyInput = Partial<LatencySettings> | 'off';

export function latencySettings(input: LatencyInput | undefined, base = REALISTIC_LATENCY): LatencySettings {
  if (input === 'off') return { ...base, scale: 0 };
  return { ...base, ...input, endpointMs: { ...base.endpointMs, ...input?.endpointMs } };
}

export class LatencyModel {
  private settings: LatencySettings;
  private random: () => number;
  /** The site's time as the model sees it (see siteClock), and the wall-clock moment it was last read. */
  private siteMs = Date.now();
  private wallMs = this.siteMs;

  constructor(input?: LatencyInput) {
    this.settings = latencySettings(input);
    validate(this.settings);
    this.random = seededRandom(this.settings.seed);
  }

  get current(): LatencySettings {
    return { ...this.settings, endpointMs: { ...this.settings.endpointMs } };
  }

  /** Changes the model (e.g. from the fault panel); a new seed restarts the jitter sequence. */
  configure(input: LatencyInput): void {
    const next = latencySettings(input, this.settings);
    validate(next);
    this.siteClock(); // time so far passed at the old scale
    if (input === 'off' || input.seed !== undefined) this.random = seededRandom(next.seed);
    this.settings = next;
  }

  /**
   * The time a real site would have seen pass: wall-clock time divided by the scale, so under a scaled-down model
   * (the test suite's) a sequence of calls spreads over as many site seconds as it would against Jira, and
   * time-windowed limits (bursts per second) see the calls as Jira would. With the model off, the wall clock.
   */
  siteClock(): number {
    const wall = Date.now();
    const scale = this.settings.scale > 0 ? this.settings.scale : 1;
    this.siteMs += (wall - this.wallMs) / scale;
    this.wallMs = wall;
    return Math.floor(this.siteMs);
  }

  /** The wait before the store is touched. */
  before(endpoint: string, write: boolean): number {
    const s = this.settings;
    if (s.scale === 0) return 0;
    return this.jittered(this.base(endpoint, write) * s.beforeShare);
  }

  /** The wait after the store answered, for `objects` returned or written. */
  after(endpoint: string, write: boolean, objects: number): number {
    const s = this.settings;
    if (s.scale === 0) return 0;
    return this.jittered(this.base(endpoint, write) * (1 - s.beforeShare) + s.perObjectMs * objects);
  }

  private base(endpoint: string, write: boolean): number {
    const s = this.settings;
    return s.endpointMs[endpoint] ?? (write ? s.writeMs : s.readMs);
  }

  private jittered(ms: number): number {
    const s = this.settings;
    const factor = 1 + s.jitter * (2 * this.random() - 1);
    return Math.max(0, ms * factor * s.scale);
  }
}

/** Waits `ms`; 0 waits for nothing, so a model that is off keeps the old synchronous timing. */
export function sleep(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function validate(s: LatencySettings): void {
  const numbers: Array<[string, number]> = [
    ['scale', s.scale],
    ['readMs', s.readMs],
    ['writeMs', s.writeMs],
    ['perObjectMs', s.perObjectMs],
    ...Object.entries(s.endpointMs),
  ];
  for (const [name, value] of numbers)
    if (!Number.isFinite(value) || value < 0) throw new Error(`latency ${name} must be a number >= 0`);
  if (!(s.jitter >= 0 && s.jitter <= 1)) throw new Error('latency jitter must be between 0 and 1');
  if (!(s.beforeShare >= 0 && s.beforeShare <= 1))
    throw new Error('latency beforeShare must be between 0 and 1');
}

/** mulberry32: a small, fast, seedable generator; the same seed gives the same sequence. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
