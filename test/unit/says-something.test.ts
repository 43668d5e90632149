import fs from 'node:fs';
import path from 'node:path';
import {
  isPlaceholder,
  isTemplateSlot,
  betMetricProblem,
  metricNameProblem,
  namesBetMetric,
  namesNothing,
  saysSomething,
  storySaysSomething,
} from '../../src/domain/says-something';
import { alsoExpectedProblem, checkHypothesisQuality, partsSaid } from '../../src/domain/hypothesis-quality';
import { parseStory } from '../../src/domain/story-parser';
import { asSeen } from '../../src/domain/visible-text';

describe('saysSomething', () => {
  it.each(['abc', 'def', 'xyz', 'asdf', 'qwe', 'xyz xyz', 'hello, hello', 'Abc def'])(
    'takes "%s" for filler',
    (part) => {
      expect(isPlaceholder(part)).toBe(true);
      expect(saysSomething(part)).toBe(false);
    },
  );

  it.each(['pay', 'log in', 'buy', 'abc analytics dashboard', 'defer payment', 'xyz corp invoices'])(
    'keeps the real words "%s"',
    (part) => expect(saysSomething(part)).toBe(true),
  );

  it("says a story of only the form's words says nothing, and one with a word of its own says something", () => {
    expect(storySaysSomething('')).toBe(false);
    expect(storySaysSomething('As a , I want , so that .')).toBe(false);
    expect(storySaysSomething('As a abc, I want to def, so that xyz.')).toBe(false);
    expect(storySaysSomething('As a user, I want to log in.')).toBe(true);
  });
});

describe('saysSomething in any script', () => {
  it.each(['🙂', '🚀🚀', '🎉🎉', '📈📈', '👍🏽👍🏽', '123', '１２３', '...', '—', '┌──┐'])(
    'takes "%s", which has no letter, for saying nothing',
    (part) => {
      expect(saysSomething(part)).toBe(false);
      expect(saysSomething(`${part} ${part}`)).toBe(false);
    },
  );

  it.each(['ψψψ', 'ｙｙｙ', 'ааа', 'ÉÉÉ', 'ψ ω', 'ä', 'e\u0301e\u0301e\u0301'])(
    'takes one letter, repeated or not, in any script ("%s") for filler',
    (part) => {
      expect(isPlaceholder(part)).toBe(true);
      expect(saysSomething(part)).toBe(false);
    },
  );

  it.each(['sdfgh', 'hjkkl', 'poiuy', 'lkjhg', 'xcvbn', 'Sdfgh Hjkkl'])(
    'takes the run along one keyboard row "%s" for a key mash',
    (part) => {
      expect(isPlaceholder(part)).toBe(true);
      expect(saysSomething(part)).toBe(false);
    },
  );

  it.each([
    'Wartezeit verkürzen',
    'Bestellungen schneller prüfen',
    '减少等待',
    '等待',
    '대기 시간 단축',
    '待ち時間を減らす',
    'تقليل وقت الانتظار',
    'оплатить заказ',
    'प्रतीक्षा कम करें',
    'ψυχή',
    'tree',
    'poi',
    'quiet typewriter',
  ])('keeps the real words "%s"', (part) => {
    expect(isPlaceholder(part)).toBe(false);
    expect(saysSomething(part)).toBe(true);
  });

  it('rejects no word of the published stories but the listed fillers, and no part of theirs but one that says nothing', () => {
    const dir = path.resolve(__dirname, '../../data/user-stories');
    const texts = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n'))
      .map((line) => (JSON.parse(line) as { text: string }).text.replace(/^#G\d+#\s*/, ''));
    expect(texts.length).toBeGreaterThan(500);
    const fillers = new Set(['test', 'testing', 'stuff', 'something']);
    const rejected = texts
      .flatMap((t) => t.split(/[^\p{L}]+/u))
      .filter((w) => w.length >= 4 && !fillers.has(w.toLowerCase()) && isPlaceholder(w));
    expect(rejected).toEqual([]);
    const now = new Date('2026-11-30T00:00:00Z');
    const hollow = texts.flatMap((t) => {
      const p = parseStory(t, { now });
      return [p.intent, p.benefit].filter((part) => part !== null && !saysSomething(part));
    });
    // One benefit only says the user will have what they asked for ("… PDFs, so that I have them").
    expect(hollow).toEqual(['I have them']);
  });
});

describe('a part that points elsewhere says nothing', () => {
  it.each([
    'see above',
    'See above.',
    'see below',
    'see description',
    'See the description',
    'see above for details',
    'see the comments above',
    'see the epic for details',
    'as above',
    'same as above',
    'Same as above.',
    'as discussed',
    'cf. above',
    'TBA',
    'to be decided',
    'To be defined.',
    'see jira',
    'See Confluence.',
    'as per meeting',
    'TODO: fill in',
    'will update later',
    'not sure yet',
    'coming soon',
    'placeholder text',
    'make it work',
    'just because',
    'The quick brown fox',
  ])('takes "%s" for filler', (part) => {
    expect(isPlaceholder(part)).toBe(true);
    expect(saysSomething(part)).toBe(false);
  });

  it.each([
    'see my orders',
    'see the description of each item',
    'see the comments',
    'see the details',
    'see attachments',
    'see the epic',
    'as a guest',
    'compare prices above my budget',
    'see jira issues of my team',
    'fill in my address once',
    'update my address later',
    'per meeting room',
    'make it work offline',
    'pending orders',
    'unknown callers',
    // A flow metric, and wants a shopper or an app's user may have.
    'WIP',
    'decide later',
    'update later',
    'see docs',
  ])('keeps the real words "%s"', (part) => expect(saysSomething(part)).toBe(true));

  it.each([
    'do stuff',
    'do things',
    'do something',
    'be able to do it',
    'get stuff done',
    'be able to',
    'I can',
    'have them',
  ])('takes "%s", empty verbs with nothing of their own, for a part that names nothing', (part) =>
    expect(saysSomething(part)).toBe(false),
  );

  it.each([
    'do my taxes',
    'get paid on time',
    'have it delivered',
    'be able to work offline',
    'I can work',
    'can pay',
  ])('keeps "%s", where an empty verb has a word of its own beside it', (part) =>
    expect(saysSomething(part)).toBe(true),
  );

  it.each(['idk', 'dunno', 'hmm', 'meh', 'unknown', 'unsure', 'dummy', 'FIXME', 'idk, dunno'])(
    'takes the shrug or stand-in "%s" for filler',
    (part) => expect(saysSomething(part)).toBe(false),
  );
});

describe('filler a review still found saying something', () => {
  it.each(['kjhkjh', 'fghfgh jkjkjk', 'asdasd dsadsa', 'jkjk', 'hjklhjkl'])(
    'takes the key mash "%s", which turns back or starts over, for filler',
    (part) => {
      expect(isPlaceholder(part)).toBe(true);
      expect(saysSomething(part)).toBe(false);
    },
  );

  it.each([
    'sed do eiusmod tempor incididunt',
    'ut labore et dolore magna aliqua',
    'Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris',
    'whatever',
    'blahblah',
    'asdf asdf asdf asdf asdf asdf asdf asdf asdf asdf',
    'hello hello hello hello hello hello hello hello hello',
  ])('takes "%s" for filler, however long', (part) => {
    expect(isPlaceholder(part)).toBe(true);
    expect(saysSomething(part)).toBe(false);
  });

  it.each(['this', 'that', 'this one', 'those things', 'it'])(
    'says the part "%s", which only points elsewhere, says nothing',
    (part) => {
      expect(isPlaceholder(part)).toBe(false);
      expect(namesNothing(part)).toBe(true);
      expect(saysSomething(part)).toBe(false);
    },
  );

  it.each([
    '[persona]',
    '{role}',
    '<type of user>',
    '<some goal',
    'role',
    'goal',
    'benefit',
    'metric',
    'some reason',
  ])('says the template slot "%s" says nothing', (part) => {
    expect(isTemplateSlot(part)).toBe(true);
    expect(saysSomething(part)).toBe(false);
  });

  it.each([
    'pay by invoice',
    'I save time',
    'nurse',
    'a shopper',
    'do the dishes',
    'in order to save time',
    'see this month’s invoices',
    'reach my savings goal',
    'typewriter',
    'pottery',
    'salad',
    'poop',
    'non-profit donors',
    'sed-style scripts',
    'asdf asdf asdf asdf asdf asdf asdf asdf asdf asdf but a real need at the end',
  ])('keeps the real words "%s"', (part) => {
    expect(isPlaceholder(part)).toBe(false);
    expect(namesNothing(part)).toBe(false);
    expect(saysSomething(part)).toBe(true);
  });
});

describe('text as the checks see it', () => {
  it.each([
    ['sys\u200Btem', 'system'],
    ['\u200B\u200C\u200D\u2060\uFEFFsystem', 'system'],
    ['devel\u00ADoper', 'developer'],
    ['\u202A\u202B\u202C\u202D\u202Eyyy\u2066\u2067\u2068\u2069', 'yyy'],
    ['ｓｙｓｔｅｍ ＡＰＩ', 'system API'],
    ['café', 'café'],
    ['plain ASCII, as it is', 'plain ASCII, as it is'],
  ])('reads %j as "%s"', (written, seen) => {
    expect(asSeen(written)).toBe(seen);
    expect(asSeen(asSeen(written))).toBe(seen);
  });
});

describe('a bet metric that stands in for one', () => {
  it.each([
    'KPI 1',
    'KPI-1',
    'KPI_1',
    'KPI 1.',
    'kpis',
    'Metric A',
    'Success',
    'success metric',
    'Primary success metric',
    'Top KPI',
    'our north star',
    'our north-star',
    'north star metric',
    'OKR 2.1',
    'key result #3',
    'KPI 1 (TBD)',
    'Objective 1',
    'Impact',
    'the main goal',
    'Kennzahl 1',
    'Métrica 1',
    'Objetivo 1',
  ])('refuses %j as naming no number in particular', (metric) => {
    expect(namesBetMetric(metric)).toBe(false);
    expect(betMetricProblem(metric)).toBe(
      `"${metric}" names no metric in particular: say which number should move, e.g. "weekly orders".`,
    );
  });

  it.each(['KPI', 'the metric', 'KR2', 'TBD'])('refuses %j as no metric, as before', (metric) => {
    expect(namesBetMetric(metric)).toBe(false);
    expect(betMetricProblem(metric)).toBe(metricNameProblem(metric));
    expect(betMetricProblem(metric)).toMatch(/not a metric: name the number that should move\.$/);
  });

  it.each([
    'success rate',
    'KPI: weekly orders',
    'checkout conversion',
    'NPS',
    'KRW revenue',
    'KRW',
    'targeted offers redeemed',
    'results per page',
    'Impact score',
    'Goals scored',
    'Umsatz',
  ])('takes %j', (metric) => {
    expect(namesBetMetric(metric)).toBe(true);
    expect(betMetricProblem(metric)).toBeNull();
  });

  it('leaves an outcome’s metric to the rule outcomes are stored under: none is locked by a name it was saved with', () => {
    for (const metric of ['KPI 1', 'Impact', 'Success']) expect(metricNameProblem(metric)).toBeNull();
  });

  it('fails the measurable check and counts as no metric in the score, fullwidth or not', () => {
    for (const metric of ['KPI 1', 'ＫＰＩ １']) {
      const expected = {
        metric,
        baseline: 10,
        target: 20,
        direction: 'increase',
        checkBy: '2030-01-01',
      } as const;
      const quality = checkHypothesisQuality({
        hypothesis: {
          persona: 'returning shopper',
          intent: 'find my saved cart',
          benefit: 'I finish my order',
        },
        expected: [expected],
      });
      expect(quality.find((c) => c.criterion === 'measurable')).toMatchObject({
        ok: false,
        why: '"KPI 1" names no metric in particular: say which number should move, e.g. "weekly orders".',
      });
      expect(partsSaid({}, expected).metric).toBe(false);
      expect(alsoExpectedProblem(expected)).toBe(
        '"KPI 1" names no metric in particular: say which number should move, e.g. "weekly orders".',
      );
    }
  });
});

describe('a metric name that names no number, quoted in its refusal', () => {
  it('is quoted whole when short', () => {
    expect(metricNameProblem('TBD')).toBe('"TBD" is not a metric: name the number that should move.');
  });

  it('is cut short when long, so the message stays beside its field', () => {
    expect(metricNameProblem('x'.repeat(400))).toBe(
      `"${'x'.repeat(40)}…" is not a metric: name the number that should move.`,
    );
    // Cut by character: forty emoji stay forty, none split into a broken half.
    const emoji = '😀'.repeat(45);
    expect(metricNameProblem(emoji)).toBe(
      `"${'😀'.repeat(40)}…" is not a metric: name the number that should move.`,
    );
  });
});
