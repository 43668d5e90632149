import { parseStory } from '../../src/domain/story-parser';
import { fastestRunMs } from '../support/timing';

const NOW = new Date('2026-11-21T09:00:00Z');
const STORY = 'As a shopper, I want to save my cart, so that I can finish my order later.';

/** Each expectation as [metric, baseline, target, direction, checkBy]. */
const read = (text: string) =>
  parseStory(text, { now: NOW }).expectedOutcomes.map((e) => [
    e.metric,
    e.baseline,
    e.target,
    e.direction,
    e.checkBy,
  ]);

describe('parseStory: every expected movement kept, or named as not kept (issue 12, item 3)', () => {
  it('keeps a movement stated in its own sentence after the "We expect …"', () => {
    expect(
      read(
        `${STORY} We expect cart drop-off to fall from 40% to 30% by 1 March 2027. NPS should rise from 20 to 30 by 1 June 2027.`,
      ),
    ).toEqual([
      ['cart drop-off', 40, 30, 'decrease', '2027-03-01'],
      ['NPS', 20, 30, 'increase', '2027-06-01'],
    ]);
  });

  it('keeps a metric whose name has a joining word or a quoted phrase in it', () => {
    const metricOf = (subject: string) =>
      read(`${STORY} We expect ${subject} to fall from 40 to 30 by 2027-03-01.`).map((e) => e[0]);
    expect(metricOf('time to market')).toEqual(['time to market']);
    expect(metricOf('mean time to recovery')).toEqual(['mean time to recovery']);
    expect(metricOf('return on ad spend')).toEqual(['return on ad spend']);
    expect(metricOf('time on site')).toEqual(['time on site']);
    expect(metricOf('sign-ups from organic search')).toEqual(['sign-ups from organic search']);
    expect(metricOf('"where is my order" calls')).toEqual(['"where is my order" calls']);
    expect(metricOf('“Where is my order” calls')).toEqual(['“Where is my order” calls']);
    expect(metricOf("'add to cart' clicks")).toEqual(["'add to cart' clicks"]);
    // The joining word still ends the name where the movement or the numbers follow it.
    expect(read(`${STORY} We expect time to fall from 5 to 3 minutes by 2027-03-01.`)).toEqual([
      ['time', 5, 3, 'decrease', '2027-03-01'],
    ]);
    expect(metricOf("the shopper's basket")).toEqual(["shopper's basket"]);
  });

  it('keeps a cohort window ("by week 2") in the metric\'s name when a day to check by is said too', () => {
    const notesOf = (text: string) => parseStory(text, { now: NOW }).notes;
    const windowed = [
      [
        `${STORY} We expect users active by week 2 to rise from 20% to 30% by 2027-06-30.`,
        [['users active by week 2', 20, 30, 'increase', '2027-06-30']],
      ],
      [
        `${STORY} We expect retention by day 7 to rise from 20% to 30% by Q3 2027.`,
        [['retention by day 7', 20, 30, 'increase', '2027-09-30']],
      ],
      [
        `${STORY} We expect users active by week 2 to rise from 20% to 30% and churn to fall from 5% to 4% by 2027-06-30.`,
        [
          ['users active by week 2', 20, 30, 'increase', '2027-06-30'],
          ['churn', 5, 4, 'decrease', '2027-06-30'],
        ],
      ],
    ] as const;
    for (const [text, expected] of windowed) {
      expect(read(text)).toEqual(expected);
      expect(notesOf(text)).toEqual([]);
    }
    // Said with no other deadline, "by week N" may be the deadline: it is still said to name no day.
    for (const text of [
      `${STORY} We expect users active by week 2 to rise from 20% to 30%.`,
      `${STORY} We expect checkout conversion to rise from 10% to 15% by week 12.`,
    ])
      expect(notesOf(text)).toContainEqual(expect.stringMatching(/names no day the app can check by/));
  });

  it("reads the numbers set off by commas after the movement as that movement's, not as a part of their own", () => {
    const rise = ['conversion', 10, 15, 'increase', '2027-03-01'];
    expect(read(`${STORY} We expect conversion to rise, from 10% to 15%, by 2027-03-01.`)).toEqual([rise]);
    expect(read(`${STORY} We expect conversion to rise sharply, from 10% to 15%, by 2027-03-01.`)).toEqual([
      rise,
    ]);
    expect(
      read(`${STORY} We expect conversion to rise by 5 points, from 10% to 15%, by 2027-03-01.`),
    ).toEqual([rise]);
    const story = parseStory(`${STORY} We expect conversion to rise, from 10% to 15%, by 2027-03-01.`, {
      now: NOW,
    });
    expect(story.notes).toEqual([]);
    // A part with a metric of its own after a comma is still one more expectation.
    expect(
      read(
        `${STORY} We expect conversion to rise from 10% to 15%, churn to fall from 5% to 4% by 2027-03-01.`,
      ),
    ).toEqual([rise, ['churn', 5, 4, 'decrease', '2027-03-01']]);
  });

  describe('the words that open a later sentence or join a later part are not its metric', () => {
    const FIRST = 'We expect conversion to rise from 10% to 15% by 2027-06-30';
    const rise = ['conversion', 10, 15, 'increase', '2027-06-30'];

    it.each(['Also,', 'Additionally,', 'Furthermore,', 'Secondly,', 'Meanwhile', 'In addition,', 'And'])(
      'reads "%s churn should fall …" as churn, with no note',
      (opening) => {
        const text = `${STORY} ${FIRST}. ${opening} churn should fall from 5% to 4% by 2027-09-30.`;
        expect(read(text)).toEqual([rise, ['churn', 5, 4, 'decrease', '2027-09-30']]);
        // No '"churn" is not kept: it shares "Also"'s baseline …'.
        expect(parseStory(text, { now: NOW }).notes).toEqual([]);
      },
    );

    it.each([
      [', but churn to fall from 5% to 4%', 'churn'],
      [', plus NPS to rise from 30 to 40', 'NPS'],
      [' and we expect churn to fall from 5% to 4%', 'churn'],
      [', and expect churn to fall from 5% to 4%', 'churn'],
      [', with abandonment falling from 70% to 60%', 'abandonment'],
    ])('reads the part "%s" as %s', (part, metric) => {
      expect(
        parseStory(`${STORY} ${FIRST}${part}.`, { now: NOW }).expectedOutcomes.map((e) => e.metric),
      ).toEqual(['conversion', metric]);
    });

    it('keeps such a word where it opens a name, with no comma after it', () => {
      const metricOf = (subject: string) =>
        read(`${STORY} ${FIRST}. ${subject} should fall from 5 to 4 by 2027-09-30.`).map((e) => e[0]);
      expect(metricOf('First response time')).toEqual(['conversion', 'First response time']);
      expect(metricOf('Monthly churn')).toEqual(['conversion', 'Monthly churn']);
      expect(metricOf('Plus members')).toEqual(['conversion', 'Plus members']);
    });
  });

  it('keeps a movement sentence that follows the story with no "We expect" at all', () => {
    expect(read(`${STORY} Cart drop-off should fall from 40% to 30% by 2027-03-01.`)).toEqual([
      ['Cart drop-off', 40, 30, 'decrease', '2027-03-01'],
    ]);
  });

  it('keeps the "#" of a metric named "# of …" on a line of its own, which reads as a list mark elsewhere', () => {
    expect(read(`${STORY}\n# of tickets to drop from 400 to 300 by 2027-06-30.`)).toEqual([
      ['# of tickets', 400, 300, 'decrease', '2027-06-30'],
    ]);
    expect(read(`${STORY}\n#Cart drop-off should fall from 40% to 30% by 2027-03-01.`)).toEqual([
      ['Cart drop-off', 40, 30, 'decrease', '2027-03-01'],
    ]);
  });

  it("says which part of a shared subject it could not keep when one range cannot be both metrics'", () => {
    const story = parseStory(
      `${STORY} We expect cart drop-off and support tickets to fall from 40% to 30% by 1 March 2027.`,
      { now: NOW },
    );
    expect(story.expectedOutcomes.map((e) => e.metric)).toEqual(['cart drop-off']);
    expect(story.notes.join(' ')).toMatch(/"support tickets".*not kept/);
  });

  it('keeps both metrics of a shared subject when the numbers fit both (a target, a relative change)', () => {
    expect(read(`${STORY} We expect checkout errors and timeouts to fall below 2% by 2027-03-01.`)).toEqual([
      ['checkout errors', null, 2, 'decrease', '2027-03-01'],
      ['timeouts', null, 2, 'decrease', '2027-03-01'],
    ]);
    const relative = parseStory(
      `${STORY} We expect saved carts to reduce drop-off and support tickets by 10%.`,
    );
    expect(relative.expectedOutcomes.map((e) => [e.metric, e.baseline, e.target])).toEqual([
      ['drop-off', null, null],
      ['support tickets', null, null],
    ]);
  });

  it('keeps every movement of a "Success:" list, on one line or as items', () => {
    const both = [
      ['drop-off', 40, 30, 'decrease', '2027-03-01'],
      ['NPS', 20, 30, 'increase', '2027-06-01'],
    ];
    expect(
      read(
        `${STORY} Success: drop-off down from 40% to 30% by 2027-03-01; NPS up from 20 to 30 by 2027-06-01`,
      ),
    ).toEqual(both);
    expect(
      read(
        `${STORY}\nSuccess:\n- drop-off down from 40% to 30% by 2027-03-01\n- NPS up from 20 to 30 by 2027-06-01`,
      ),
    ).toEqual(both);
    expect(
      read('Success: drop-off down from 40% to 30% by 2027-03-01; NPS up from 20 to 30 by 2027-06-01'),
    ).toEqual(both);
  });

  it('names a later movement sentence whose metric it cannot read', () => {
    const story = parseStory(
      `${STORY} We expect cart drop-off to fall from 40% to 30% by 2027-03-01. It should then drop to 25% by 2027-09-01.`,
      { now: NOW },
    );
    expect(story.expectedOutcomes).toHaveLength(1);
    expect(story.notes.join(' ')).toMatch(/"It should then drop to 25%.*not kept/);
  });

  describe('a description is not an expectation', () => {
    it.each([
      'Server leaks memory. After the upgrade, memory grows from 2 GB to 8 GB after an hour.',
      'Memory grows from 2 GB to 8 GB after an hour. Expected result: memory stays flat.',
      `${STORY} Today memory grows from 2 GB to 8 GB after an hour.`,
      `${STORY} Last quarter drop-off rose from 30% to 40%.`,
      `${STORY} We expect cart drop-off to fall from 40% to 30% by 2027-03-01. Last year it rose from 30% to 40%.`,
      `${STORY} Actual result: memory will grow from 2 GB to 8 GB after an hour.`,
      'Increase the default pool size from 10 to 20. The pool should grow to 20 connections.',
    ])('takes no expectation and makes no note from %j', (text) => {
      const story = parseStory(text, { now: NOW });
      const first = /We expect cart drop-off/.test(text) ? 1 : 0;
      expect(story.expectedOutcomes).toHaveLength(first);
      expect(story.notes.join(' ')).not.toMatch(/memory|rose|pool|not kept/i);
    });

    // From real Jira issues (DM-1732, XD-2681, MESOS-3142).
    it('reads no "Success:" inside a log line, no movement without numbers, and lists only metrics the numbers follow', () => {
      expect(
        parseStory(
          'InfileMerger sql success: CREATE TABLE qservResult.result_1211906_m (`ra` DOUBLE) 0103 16:38:18.661',
        ).expectedOutcomes,
      ).toEqual([]);
      const ulimit = parseStory(
        "As a developer, I'd like to refer to wiki so that I can configure machines. *Exception:* (reason to increase _ulimit_) 8:25:52,266 ERROR",
      );
      expect(ulimit.expectedOutcomes).toEqual([]);
      expect(ulimit.notes.join(' ')).not.toMatch(/ulimit/);
      expect(
        parseStory(
          'We believe this will significantly reduce the length and complexity at the calling sites (<6 LOC against the current 20+).',
        ).expectedOutcomes.map((e) => e.metric),
      ).toEqual(['length']);
    });
  });

  // From real Jira issues: tool output, versions, dates and movements with no number of their own.
  describe('a label in tool output, a version, a date or a movement with no number is no expectation', () => {
    it.each([
      [
        'XD-3128: a shell banner',
        "Starting teh shell without having admin running on localhost:9393 results in the following message: {code} 1.2.0.RC1 | Admin Server Target: http://localhost:9393 ------------------------------------------------------------------------------- Error: Unable to contact XD Admin Server at 'http://localhost:9393'. {code}",
      ],
      [
        'DM-1305: clang -v',
        'pugsley:lsstsw mjuric$ clang -v Apple LLVM version 5.1 (clang-503.0.40) (based on LLVM 3.4svn) Target: x86_64-apple-darwin13.4.0 Thread model: posix ============ The files are in {{/Users/mjuric/test/lsstsw/build/shapelet/}}.',
      ],
      [
        'DM-5941: ifconfig',
        'vagrant@es-1:~$ ifconfig ens3 Link encap:Ethernet HWaddr fa:16:3e:47:28:a7 inet addr:10.0.42.30 Bcast:10.0.42.255 Mask:255.255.255.0 UP BROADCAST RUNNING MULTICAST MTU:1454 Metric:1 RX packets:363265 errors:0 dropped:0 overruns:0 frame:0 TX packets:304215 errors:0 dropped:0',
      ],
      [
        'DM-5941: ifconfig, a line of its own',
        'UP BROADCAST RUNNING\nMetric:1 RX packets:363265 errors:0 dropped:0',
      ],
      [
        'XD-3128: the banner\'s "Target:" on a line of its own',
        "1.2.0.RC1 | Admin Server\nTarget: http://localhost:9393 ---------- Error: Unable to contact XD Admin Server at 'http://localhost:9393'.",
      ],
      [
        'CB-2174: Android logcat',
        "Users with CoolIris Android Gallery App Can't Select Photo Here is a log from the Production version of Untappd (2.1.3): 01-04 02:31:38.187 I/InputDispatcher(132): Delivering touch to current input target: action: 0, channel '40a90ab8 com.cooliris.media/com.cooliris.media.Gallery (server)' 01-04 02:31:38.613 I/Web Console(10958): MESSAGE FAIL: Unable to retrieve path to picture! at file:///android_asset/www/assets/js/photo.js:187",
      ],
      [
        'TESB-11321: a version and a day',
        'Upgrade Cellar to 2.3.2 GA We expect a Cellar 2.3.2 GA reöease during this sprint and would just switch to the GA versio nonce it is availble (if it is avialble <= 10th Oct) .',
      ],
      [
        'CB-5767: "shrinking" and "raised" in the benefit',
        'In order to resolve the issues iOS 7 creates with the keyboard shrinking the view, our project needs the KeyboardWillShow, KeyboardDidShow, KeyboardWillHide and KeyboardDidHide native events to be raised by the keyboard plugin as JavaScript events, so that we can show/hide some HTML elements.',
      ],
      [
        'XD-2904: "improvements" in the want',
        "As a user, I'd like to upgrade to Spring Boot 1.2.3 release, do I can leverage the latest improvements and bug fixes.",
      ],
      [
        'DM-4439: a shell comment',
        '# Disabling buffering in python in order to enable "real-time" logging. export PYTHONUNBUFFERED=1 export XRD_LOGLEVEL=Debug export XRDSSIDEBUG=1 # Increase timeouts, without that, long-running queries fail. # The proper fix is coming, see DM-3433 export XRD_REQUESTTIMEOUT=64000',
      ],
    ])('takes none from %s', (_key, text) => {
      expect(read(text)).toEqual([]);
    });

    it('still reads a label that heads a line or a sentence, with an amount', () => {
      expect(read(`${STORY}\nTarget: conversion 3% by 2027-06-30`)).toEqual([
        ['conversion', null, 3, null, '2027-06-30'],
      ]);
      expect(read(`${STORY} Success metric: drop-off from 40% to 30% by 2027-06-30.`)).toEqual([
        ['drop-off', 40, 30, 'decrease', '2027-06-30'],
      ]);
    });

    it('still reads a label its sentence opens with a few words: "Our KPI:", "The primary success metric:"', () => {
      for (const lead of ['Our KPI:', 'The primary success metric:'])
        expect(
          read(
            `As a shopper, I want saved carts so that I finish later. ${lead} conversion from 2% to 3% by 2027-06-01.`,
          ),
        ).toEqual([['conversion', 2, 3, 'increase', '2027-06-01']]);
    });

    it('names a label a person wrote mid-sentence, rather than passing over it unseen', () => {
      const story = parseStory(
        'We ship the new checkout this quarter, and our KPI: conversion from 2% to 3% by 2027-06-01.',
        { now: new Date('2026-06-15T09:00:00Z') },
      );
      expect(story.expectedOutcomes).toEqual([]);
      expect(story.notes).toContain(
        '"KPI:" is in the middle of a sentence, so what follows it was not read as an expectation; start a sentence or a line with it.',
      );
      // Tool output is no expectation, and no note either.
      expect(parseStory('Admin Server Target: http://localhost:9393 is down').notes.join(' ')).not.toMatch(
        /middle of a sentence/,
      );
    });

    it('reads the metric after a label in the benefit, not the benefit words before it', () => {
      const story = parseStory(
        'As a shopper, I want saved carts so that I can finish later, and our KPI: conversion should rise from 2% to 3% by 2027-06-01.',
        { now: new Date('2026-06-15T09:00:00Z') },
      );
      expect(story.expectedOutcomes).toEqual([
        {
          metric: 'conversion',
          baseline: 2,
          target: 3,
          unit: '%',
          direction: 'increase',
          checkBy: '2027-06-01',
        },
      ]);
      expect(story.notes.join(' ')).not.toMatch(/middle of a sentence/);
    });

    it.each([
      'As a shopper I want one-click checkout so that conversion rises from 2% to 3% by 2027-06-01 (our goal: fewer abandoned carts).',
      'As a shopper I want one-click checkout so that conversion rises from 2% to 3% by 2027-06-01, target: Q2.',
    ])('still reads a movement in the benefit said before a label: %s', (text) => {
      expect(read(text)).toEqual([['conversion', 2, 3, 'increase', '2027-06-01']]);
    });

    it('still reads a movement in the benefit with a relative number of its own', () => {
      expect(
        read(
          'As a shopper, I want saved carts so that I can increase return-shopper conversion by 10 percent.',
        ),
      ).toEqual([['return-shopper conversion', null, null, 'increase', null]]);
    });
  });

  it.each([
    ['movement sentences', `${STORY} ` + 'NPS should rise from 1 to 2. '.repeat(2_000)],
    [
      'opening words',
      `${STORY} ` + 'Additionally, NPS should rise from 1 to 2, plus NPS to rise from 1 to 2. '.repeat(700),
    ],
    ['one long movement sentence', `${STORY} NPS should rise ` + 'from 1 to 2 '.repeat(5_000)],
    ['numbered lines', `${STORY}\n` + '1. x\n'.repeat(10_000)],
    ['"success:" in a line', 'x success: 1 '.repeat(4_000)],
    ['listed metrics', `${STORY} We expect ` + 'a and '.repeat(8_000) + 'b to fall below 2%.'],
    [
      'spaces after "(today"',
      `${STORY} We expect churn (today${' '.repeat(50_000)}x) to fall to 4% by 2027-06-30.`,
    ],
    ['spaces after "today"', `${STORY} We expect churn today${' '.repeat(50_000)}: x to fall to 4%.`],
    [
      'parts opened by "without"',
      `${STORY} We expect churn to fall ` + 'without raising x above 1 '.repeat(2_000),
    ],
    [
      'changes beside a metric',
      `${STORY} We expect conversion` + ' +3'.repeat(15_000) + ' to rise from 2% to 3%.',
    ],
  ])('parses 50 KB of adversarial %s in well under a second', (_name, text) => {
    expect(fastestRunMs(() => parseStory(text, { now: NOW }))).toBeLessThan(500);
  });
});

describe('parseStory: a number longer than an amount reads', () => {
  it('says a baseline or target of more than 15 digits was left out, rather than dropping it silently', () => {
    const parsed = parseStory(`${STORY} We expect orders to grow from 1 to 1234567890123456 by March 2027.`, {
      now: NOW,
    });
    expect(parsed.expectedOutcome).toMatchObject({ baseline: 1, target: null });
    expect(parsed.notes).toContain(
      '"1234567890123456" has more digits than a number keeps exactly (15), so it was left out: write it shorter, as "1.2e15".',
    );
  });

  it('says nothing of a 15-digit target it keeps, nor of a long number outside the movement', () => {
    const kept = parseStory(`${STORY} We expect orders to grow from 1 to 123456789012345 by March 2027.`, {
      now: NOW,
    });
    expect(kept.expectedOutcome?.target).toBe(123456789012345);
    expect(kept.notes.filter((n) => n.includes('more digits'))).toEqual([]);
    const elsewhere = parseStory(
      `${STORY} We expect orders to grow from 1 to 5 by March 2027. Order 12345678901234567 showed it.`,
      { now: NOW },
    );
    expect(elsewhere.expectedOutcome).toMatchObject({ baseline: 1, target: 5 });
    expect(elsewhere.notes.filter((n) => n.includes('more digits'))).toEqual([]);
  });
});

describe('parseStory: the numbers of a movement as the story gives them', () => {
  it('reads a four-digit target as an amount; only a bare year from 1900 to 2099 is a year', () => {
    const movement = (clause: string) => read(`${STORY} We expect ${clause} by 2027-06-30.`)[0]?.slice(1, 3);
    expect(movement('daily active users to grow to 5000')).toEqual([null, 5000]);
    expect(movement('daily active users to grow to 5,000')).toEqual([null, 5000]);
    expect(movement('support tickets to drop to 1000')).toEqual([null, 1000]);
    expect(movement('weekly orders to reach 1500')).toEqual([null, 1500]);
    expect(movement('active users to rise from 1000 users to 1500 users')).toEqual([1000, 1500]);
    expect(movement('page load to fall from 2500 ms to 2000 ms')).toEqual([2500, 2000]);
    // A year stays a date, not a target.
    expect(read(`${STORY} We expect churn to fall by 2027.`)[0]?.[2]).toBeNull();
  });

  it.each([
    ['median handle time below 6 minutes (today 9)', 'median handle time', 9, 6],
    ['median handle time to fall below 6 minutes (today: 9 minutes)', 'median handle time', 9, 6],
    ['churn to fall to 5% (now 7%)', 'churn', 7, 5],
    ['churn (today: 7%) to fall to 5%', 'churn', 7, 5],
  ])('reads today’s value set apart ("%s") as the baseline', (clause, metric, baseline, target) => {
    expect(read(`${STORY} We expect ${clause} by 2027-06-30.`)).toEqual([
      [metric, baseline, target, 'decrease', '2027-06-30'],
    ]);
  });

  it.each([
    ['checkout errors (today 9 per day) to fall to 3 per day', 'checkout errors', 9, 3],
    ['checkout errors (today 9 errors) to fall to 3', 'checkout errors', 9, 3],
  ])('reads today’s value with its unit in words ("%s")', (clause, metric, baseline, target) => {
    expect(read(`${STORY} We expect ${clause} by 2027-06-30.`)[0]?.slice(0, 3)).toEqual([
      metric,
      baseline,
      target,
    ]);
  });

  it('reads a range in brackets after a check-by counted from today', () => {
    expect(
      read(`${STORY} We expect abandonment to halve within 3 months (40% to 20%).`)[0]?.slice(0, 3),
    ).toEqual(['abandonment', 40, 20]);
  });

  it('reads no baseline from a number set apart with words after it ("(today 3 teams use it)")', () => {
    expect(
      read(`${STORY} We expect active teams to rise to 150 (today 3 teams use it) by 2027-06-30.`),
    ).toEqual([['active teams', null, 150, 'increase', '2027-06-30']]);
  });

  it('reads today’s value said aside, between commas, as the baseline and not as a second metric', () => {
    expect(read(`${STORY} We expect support tickets, currently 400, to drop to 300 by 2027-06-30.`)).toEqual([
      ['support tickets', 400, 300, 'decrease', '2027-06-30'],
    ]);
    expect(
      read(`${STORY} We expect checkout time, about 90 seconds today, to fall to 60 seconds by 2027-06-30.`),
    ).toEqual([['checkout time', 90, 60, 'decrease', '2027-06-30']]);
    // A list of metrics still is one.
    expect(
      read(`${STORY} We expect drop-off, returns and complaints to fall by 10% by 2027-06-30.`).map(
        (e) => e[0],
      ),
    ).toEqual(['drop-off', 'returns', 'complaints']);
  });
});

describe('parseStory: a movement word that is part of the metric’s name', () => {
  it.each([
    [
      'revenue growth rate',
      'We expect revenue growth rate to increase from 4% to 6% by 1 June 2027.',
      'increase',
    ],
    [
      'the user growth rate',
      'We expect the user growth rate to rise from 4% to 6% by 1 June 2027.',
      'increase',
    ],
    ['drop rate', 'We expect drop rate to fall from 40% to 30% by 1 June 2027.', 'decrease'],
    ['decline ratio', 'We expect decline ratio to shrink from 40% to 30% by 1 June 2027.', 'decrease'],
    [
      'monthly revenue growth',
      'We expect monthly revenue growth to rise from 4% to 6% by 1 June 2027.',
      'increase',
    ],
  ])('keeps "%s" whole and moves it by the verb after it', (metric, line, direction) => {
    expect(read(`${STORY} ${line}`)[0]).toEqual([
      metric.replace(/^the /, ''),
      expect.any(Number),
      expect.any(Number),
      direction,
      '2027-06-01',
    ]);
  });

  it('still reads a movement word before "rates" as the movement when no verb follows', () => {
    expect(read(`${STORY} We want to increase rates from 2% to 3% by 1 June 2027.`)).toEqual([
      ['rates', 2, 3, 'increase', '2027-06-01'],
    ]);
  });

  it('still reads the first of two movements when each moves its own metric', () => {
    expect(
      read(
        `${STORY} We expect sign-ups to grow from 100 to 150 and churn to fall from 5% to 4% by 1 June 2027.`,
      ),
    ).toEqual([
      ['sign-ups', 100, 150, 'increase', '2027-06-01'],
      ['churn', 5, 4, 'decrease', '2027-06-01'],
    ]);
  });
});

describe('parseStory: a sentence beside the story keeps every movement it states', () => {
  it('keeps a movement with no number beside one with numbers, as after "We expect"', () => {
    const tail = 'reduce our 40 percent drop-off rate and increase return-shopper conversion by 10 percent.';
    const expected = [
      ['drop-off rate', 40, null, 'decrease', null],
      ['return-shopper conversion', null, null, 'increase', null],
    ];
    expect(read(`${STORY} This should ${tail}`)).toEqual(expected);
    expect(read(`${STORY} We expect this will ${tail}`)).toEqual(expected);
  });

  it('still reads nothing from a sentence whose movements have no number', () => {
    expect(read(`${STORY} This should reduce drop-off and increase conversion.`)).toEqual([]);
  });
});

describe('parseStory: a change said beside the metric is not part of its name', () => {
  it.each([
    [
      'a multiple after the verb',
      'checkout abandonment to be cut in half (from 40% to 20%)',
      'checkout abandonment',
      40,
      20,
    ],
    [
      'a multiple, then the range in brackets',
      'abandonment to get cut in half (40% to 20%)',
      'abandonment',
      40,
      20,
    ],
    ['"twofold" after the verb', 'abandonment to drop twofold from 40% to 20%', 'abandonment', 40, 20],
    ['the range in brackets, with "from"', 'conversion (from 12% to 15%)', 'conversion', 12, 15],
    ['points after the name', 'conversion +3pp from 12% to 15%', 'conversion', 12, 15],
    [
      '"up … percentage points" after the name',
      'conversion up 3 percentage points, from 12% to 15%,',
      'conversion',
      12,
      15,
    ],
    ['points before the name', '+3 pp conversion (12% → 15%)', 'conversion', 12, 15],
    [
      'a lift in the metric, the range in brackets',
      'a 3 point lift in conversion (12% to 15%)',
      'conversion',
      12,
      15,
    ],
    [
      'points, then the range in brackets',
      'trial-to-paid conversion +3 percentage points (from 12% to 15%)',
      'trial-to-paid conversion',
      12,
      15,
    ],
  ])('%s', (_, clause, metric, baseline, target) => {
    const [first] = read(`${STORY} We expect ${clause} by 2027-06-30.`);
    expect(first?.slice(0, 3)).toEqual([metric, baseline, target]);
  });

  it('says a multiple with no numbers is relative, and names the metric', () => {
    const parsed = parseStory(`${STORY} We expect abandonment to be cut in half by 2027-06-30.`, {
      now: NOW,
    });
    expect(parsed.expectedOutcomes.map((e) => [e.metric, e.baseline, e.target, e.direction])).toEqual([
      ['abandonment', null, null, 'decrease'],
    ]);
    expect(parsed.notes).toContain('"in half" is a relative change; no target is computed from it.');
  });

  it('keeps a number that is part of the name', () => {
    const metricOf = (subject: string) =>
      read(`${STORY} We expect ${subject} to rise from 20% to 25% by 2027-06-30.`).map((e) => e[0]);
    expect(metricOf('day 7 retention')).toEqual(['day 7 retention']);
    expect(metricOf('top 10 hit rate')).toEqual(['top 10 hit rate']);
    expect(metricOf('p75 conversion')).toEqual(['p75 conversion']);
  });

  it.each([
    ['a scale in the subject', 'CSAT (1 to 5) to rise to 4.5', 'CSAT', null, 4.5],
    [
      'who, in the subject',
      'churn among young users (18 to 25) to fall to 4%',
      'churn among young users',
      null,
      4,
    ],
    ['a scale after the target', 'CSAT to rise to 4.5 (1 to 5)', 'CSAT', null, 4.5],
  ])('reads no movement from a range in brackets that is %s', (_, clause, metric, baseline, target) => {
    expect(read(`${STORY} We expect ${clause} by 2027-06-30.`)[0]?.slice(0, 3)).toEqual([
      metric,
      baseline,
      target,
    ]);
  });

  it('reads a range in brackets only when its numbers have one unit', () => {
    expect(
      read(`${STORY} We expect conversion (12% to 15 users) by 2027-06-30.`)[0]?.slice(1, 3) ?? [],
    ).not.toEqual([12, 15]);
  });
});

describe('parseStory: a range after a sentence’s own "Success:"', () => {
  it.each([
    ['an arrow', 'Success: weekly orders 10 → 15 by 1 June 2027.'],
    ['from … to', 'Success: weekly orders from 10 to 15 by 1 June 2027.'],
  ])('reads %s as the movement', (_, line) => {
    expect(read(`${STORY} ${line}`)).toEqual([['weekly orders', 10, 15, 'increase', '2027-06-01']]);
  });

  it('still passes over "success:" in tool output', () => {
    expect(read('sql success: CREATE TABLE t (id 1 to 2)')).toEqual([]);
    expect(read(`${STORY} Build log: step success: copied from 10 to 15 files.`)).toEqual([]);
  });
});

describe('a further expectation with no day of its own', () => {
  const read = (text: string) => parseStory(text, { now: NOW });

  it('is said to be checked by the first expectation’s day', () => {
    const story = read(
      'As a shopper, I want to save my cart so that I can come back. Cart drop-off should fall from 40% to 30% by 2027-06-30. Repeat orders should rise from 10% to 12%.',
    );
    expect(story.expectedOutcomes.map((e) => e.checkBy)).toEqual(['2027-06-30', null]);
    expect(story.notes).toEqual([
      `"Repeat orders" has no check-by date of its own: it is checked by the first expectation's, 2027-06-30.`,
    ]);
  });

  it('is said once for a metric expected twice', () => {
    const story = read(
      'We expect cart drop-off to fall from 40% to 30% by 2027-06-30. Repeat orders should rise from 10% to 12%, and repeat orders to rise from 12% to 14%.',
    );
    expect(story.expectedOutcomes.map((e) => e.checkBy)).toEqual(['2027-06-30', null, null]);
    expect(story.notes.filter((n) => n.includes('no check-by date of its own'))).toHaveLength(1);
  });

  it('is not said of one with its own day, nor when the first has none either', () => {
    const dated = read(
      'We expect cart drop-off to fall from 40% to 30% by 2027-06-30. We also expect repeat orders to rise from 10% to 12% by 2027-09-30.',
    );
    expect(dated.expectedOutcomes.map((e) => e.checkBy)).toEqual(['2027-06-30', '2027-09-30']);
    expect(dated.notes.filter((n) => n.includes('no check-by date of its own'))).toEqual([]);
    const undated = read(
      'We expect cart drop-off to fall from 40% to 30% and repeat orders to rise from 10% to 12%.',
    );
    expect(undated.expectedOutcomes).toHaveLength(2);
    expect(undated.notes.filter((n) => n.includes('no check-by date of its own'))).toEqual([]);
  });
});

describe('a sentence of a metric, its range and a day, with no verb', () => {
  const STORY = 'As a shopper, I want to save my cart so that I can come back.';
  const read = (sentence: string) => parseStory(`${STORY} ${sentence}`, { now: NOW }).expectedOutcomes;

  it.each([
    ['Cart drop-off from 40% to 30% by 2027-06-30.', 'Cart drop-off', 40, 30, 'decrease', '2027-06-30'],
    ['- NPS 30 → 45 by June 2027', 'NPS', 30, 45, 'increase', '2027-06-30'],
    // A day without its year: the next one.
    ['Checkout time 90 s → 60 s by the end of March', 'Checkout time', 90, 60, 'decrease', '2027-03-31'],
    [
      'Mobile conversion from 1.8% to 2.4% by 2027-03-01.',
      'Mobile conversion',
      1.8,
      2.4,
      'increase',
      '2027-03-01',
    ],
    ['Average order value €52 → €60 by 2027-03-01', 'Average order value', 52, 60, 'increase', '2027-03-01'],
    [
      'Weekly repeat orders from 1,200 to 1,500 by the end of March 2027.',
      'Weekly repeat orders',
      1200,
      1500,
      'increase',
      '2027-03-31',
    ],
  ])(
    'reads "%s" as an expectation after a story',
    (sentence, metric, baseline, target, direction, checkBy) => {
      expect(read(sentence)).toEqual([
        expect.objectContaining({ metric, baseline, target, direction, checkBy }),
      ]);
    },
  );

  it.each([
    // No day to check by: a range may be a setting or a size.
    'Cart drop-off from 40% to 30%.',
    // An instruction, or a version.
    'Upgrade Jackson from 2.9 to 2.10 by 2027-01-10.',
    'Change the timeout from 30 s to 60 s by 2027-01-10.',
    'Jackson version from 2.9 to 2.10 by 2027-01-10.',
    // A range that is not the sentence's only business.
    'Shoppers aged 18 to 25 by 2027-01-10.',
    // Conditions and kill criteria.
    'Kill it if drop-off from 40% to 45% by 2027-01-10.',
    'If drop-off from 40% to 45% by 2027-01-10, we stop.',
    // Instructions, wherever their verb stands.
    'Please upgrade Jackson from 2.9 to 2.10 by 2027-01-10.',
    'We upgrade Jackson from 2.9 to 2.10 by 2027-01-10.',
    'Upgrading Jackson from 2.9 to 2.10 by 2027-01-10.',
    'Moving the service from 2 to 4 nodes by 2027-01-10.',
    'Scaling the cluster from 3 to 6 by 2027-01-10.',
    // Versions of things.
    'Postgres from 12 to 15 by 2027-01-10.',
    'Spring Boot from 2.7 to 3.2 by 2027-01-10.',
    'Kubernetes 1.27 → 1.29 by 2027-01-10.',
    'Ubuntu 20.04 → 22.04 by 2027-01-10.',
    'Python3 3.9→3.12 by 2027-01-10.',
    'Golang 1.20→1.22 by 2027-01-10.',
    // A day gone, a time gone, a setting, an estimate.
    'Cart drop-off from 50% to 40% by 2026-01-10.',
    'Last year drop-off from 50% to 40% by 2027-01-10.',
    'Previously NPS 20 → 30 by 2027-01-10.',
    'Story points from 3 to 5 by 2027-01-10.',
    'Timeout from 30 s to 60 s by 2027-01-10.',
    'Budget from $10k to $12k by 2027-01-10.',
  ])('does not read "%s" as one', (sentence) => {
    expect(read(sentence)).toEqual([]);
  });

  it('is not read outside a story or an expectation: a bug report’s text stays a description', () => {
    expect(parseStory('Cart drop-off from 40% to 30% by 2027-06-30.', { now: NOW }).expectedOutcomes).toEqual(
      [],
    );
  });
});

describe('a metric named before an arrow', () => {
  const metricOf = (text: string) => parseStory(text, { now: NOW }).expectedOutcomes.map((e) => e.metric);

  it.each([
    ['Success: NPS 30 → 45 by the end of March.', 'NPS'],
    ['Success: churn 5% → 4% at the latest by June.', 'churn'],
    ['Success: share of repeat buyers 20% → 25% by June.', 'share of repeat buyers'],
  ])('"%s" names %s, not the words up to a later "of" or "at"', (text, metric) => {
    expect(metricOf(text)).toEqual([metric]);
  });

  it('still cuts at "of" or "at" before an amount', () => {
    expect(metricOf('Target: conversion of 3% by June 2027.')).toEqual(['conversion']);
  });
});
