import { ZOMBIE_RULE_IDS, type ZombieRuleId } from './zombie';

/**
 * The retrospective questions, answered from the data: who wrote the stories, are they recipes or problems,
 * which outcome does each serve, how good are the bets, and what lingers.
 */

/** Who reported an issue: their account (names are not unique: every deleted account is "Former user"). */
export interface Reporter {
  accountId: string;
  name: string | null;
}

export interface HealthItem {
  key: string;
  summary: string;
  reporter: Reporter | null;
  isRecipe: boolean;
  recipePhrases: string[];
  link: 'direct' | 'inherited' | 'none';
  score: number;
  zombieRules: ZombieRuleId[];
}

export interface Share {
  count: number;
  /** 0..1, rounded to 3 decimals; 0 for an empty backlog. */
  share: number;
}

export interface HealthExample {
  key: string;
  summary: string;
  phrases: string[];
}

export interface BacklogHealth {
  total: number;
  reporters: Array<{ reporter: string | null } & Share>;
  recipes: Share & { examples: HealthExample[] };
  problems: Share & { examples: HealthExample[] };
  links: { direct: Share; inherited: Share; none: Share; linked: Share };
  scores: {
    buckets: Array<{ from: number; to: number; count: number }>;
    mean: number | null;
    median: number | null;
  };
  zombies: Share & { byRule: Record<ZombieRuleId, number> };
}

const EXAMPLES = 5;

/**
 * One row per reporter account, most stories first. Two accounts of one name (two deleted accounts, both
 * "Former user") stay two rows, numbered so they read as two people: "Former user (2)".
 */
export function reporterRows(
  counted: ReadonlyArray<{ name: string | null; count: number }>,
  share: (count: number) => Share,
): Array<{ reporter: string | null } & Share> {
  const sorted = [...counted].sort(
    (a, b) => b.count - a.count || String(a.name).localeCompare(String(b.name)),
  );
  const seen = new Map<string | null, number>();
  return sorted.map(({ name, count }) => {
    const nth = (seen.get(name) ?? 0) + 1;
    seen.set(name, nth);
    return { reporter: name !== null && nth > 1 ? `${name} (${nth})` : name, ...share(count) };
  });
}

export function backlogHealth(items: readonly HealthItem[]): BacklogHealth {
  const total = items.length;
  const share = (count: number): Share => ({ count, share: total ? round3(count / total) : 0 });

  const byReporter = new Map<string, { name: string | null; count: number }>();
  for (const { reporter } of items) {
    const id = reporter?.accountId ?? '';
    const known = byReporter.get(id);
    if (known) known.count += 1;
    else byReporter.set(id, { name: reporter ? (reporter.name ?? reporter.accountId) : null, count: 1 });
  }
  const reporters = reporterRows([...byReporter.values()], share);

  const recipes = items.filter((i) => i.isRecipe);
  const problems = items.filter((i) => !i.isRecipe);
  const example = (i: HealthItem): HealthExample => ({
    key: i.key,
    summary: i.summary,
    phrases: i.recipePhrases,
  });

  const count = (link: HealthItem['link']) => items.filter((i) => i.link === link).length;
  const direct = count('direct');
  const inherited = count('inherited');

  const byRule = Object.fromEntries(ZOMBIE_RULE_IDS.map((r) => [r, 0])) as Record<ZombieRuleId, number>;
  let zombies = 0;
  for (const item of items) {
    if (item.zombieRules.length > 0) zombies += 1;
    for (const rule of new Set(item.zombieRules)) byRule[rule] += 1;
  }

  return {
    total,
    reporters,
    recipes: { ...share(recipes.length), examples: recipes.slice(0, EXAMPLES).map(example) },
    problems: { ...share(problems.length), examples: problems.slice(0, EXAMPLES).map(example) },
    links: {
      direct: share(direct),
      inherited: share(inherited),
      none: share(total - direct - inherited),
      linked: share(direct + inherited),
    },
    scores: scoreStats(items.map((i) => i.score)),
    zombies: { ...share(zombies), byRule },
  };
}

function scoreStats(scores: number[]): BacklogHealth['scores'] {
  const buckets = [0, 20, 40, 60, 80].map((from) => ({ from, to: from === 80 ? 100 : from + 19, count: 0 }));
  for (const score of scores) {
    const bucket = buckets[Math.min(4, Math.max(0, Math.floor(score / 20)))];
    if (bucket) bucket.count += 1;
  }
  if (scores.length === 0) return { buckets, mean: null, median: null };
  const sorted = [...scores].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  return { buckets, mean: Math.round(mean * 10) / 10, median };
}

export interface HealthMovement {
  total: number;
  recipeShare: number;
  linkedShare: number;
  meanScore: number | null;
  zombies: number;
}

/** How the backlog moved between two reports (current minus previous). */
export function healthMovement(current: BacklogHealth, previous: BacklogHealth): HealthMovement {
  return {
    total: current.total - previous.total,
    recipeShare: round3(current.recipes.share - previous.recipes.share),
    linkedShare: round3(current.links.linked.share - previous.links.linked.share),
    meanScore:
      current.scores.mean === null || previous.scores.mean === null
        ? null
        : Math.round((current.scores.mean - previous.scores.mean) * 10) / 10,
    zombies: current.zombies.count - previous.zombies.count,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
