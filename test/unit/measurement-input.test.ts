import {
  csvSeparator,
  MAX_MEASUREMENTS_PER_REQUEST,
  mergeIntoSeries,
  parseCsv,
  parseMeasurements,
  withoutInvisible,
} from '../../src/domain/measurement-input';

const TODAY = '2026-11-30';

describe('parseMeasurements', () => {
  it('reads one JSON object, a list, or {measurements: [...]} the same way', () => {
    const row = { metric: 'Conversion', value: 3.2, at: '2026-11-01' };
    for (const body of [row, [row], { measurements: [row] }]) {
      expect(parseMeasurements(JSON.stringify(body), 'application/json', TODAY)).toEqual({
        ok: true,
        measurements: [{ target: { metric: 'Conversion' }, value: 3.2, at: '2026-11-01' }],
      });
    }
  });

  it('reads CSV with quoted fields, CRLF lines and a date-time as its UTC day', () => {
    const csv = 'outcome,value,at,source,id\r\nfewer-drops,"1,5e1",2026-11-01,a,x\r\n';
    expect(parseMeasurements(csv, 'text/csv', TODAY)).toMatchObject({ ok: false });
    const good =
      'outcome,value,at,source,id\r\nfewer-drops,15,2026-11-01T23:30:00-02:00,"warehouse, nightly",x-1\r\n';
    expect(parseMeasurements(good, null, TODAY)).toEqual({
      ok: true,
      measurements: [
        {
          target: { outcomeId: 'fewer-drops' },
          value: 15,
          at: '2026-11-02',
          source: 'warehouse, nightly',
          id: 'x-1',
        },
      ],
      lines: [2],
    });
  });

  it('reads JSON saved with a byte-order mark, typed or sniffed', () => {
    const body = '\uFEFF[{"metric":"signups","value":3,"at":"2026-11-01"}]';
    for (const type of ['application/json', null])
      expect(parseMeasurements(body, type, TODAY)).toEqual({
        ok: true,
        measurements: [{ target: { metric: 'signups' }, value: 3, at: '2026-11-01' }],
      });
  });

  it('passes over the empty columns a spreadsheet writes past the last named one, and names an unnamed one', () => {
    const csv = 'metric,value,at,,\r\nsignups,3,2026-11-01,,\r\nsignups,4,2026-11-02,,\r\n';
    expect(parseMeasurements(csv, 'text/csv', TODAY)).toEqual({
      ok: true,
      measurements: [
        { target: { metric: 'signups' }, value: 3, at: '2026-11-01' },
        { target: { metric: 'signups' }, value: 4, at: '2026-11-02' },
      ],
      lines: [2, 3],
    });
    expect(parseMeasurements('metric,value,at,\nsignups,3,2026-11-01,\n', 'text/csv', TODAY)).toMatchObject({
      ok: true,
    });
    // A value in a column with no name is not passed over.
    expect(parseMeasurements('metric,value,at,\nsignups,3,2026-11-01,x\n', 'text/csv', TODAY)).toMatchObject({
      ok: false,
      message: 'CSV line 2 has 4 fields; the header has 3.',
    });
    expect(parseMeasurements('metric,,value,at\nsignups,,3,2026-11-01\n', 'text/csv', TODAY)).toMatchObject({
      ok: false,
      message: 'CSV column 2 has no name in the header: name it or remove it.',
    });
  });

  it('refuses a field beside the list of a {measurements: [...]} body, which it would drop', () => {
    const row = { metric: 'Conversion', value: 3.2, at: '2026-11-01' };
    expect(
      parseMeasurements(
        JSON.stringify({ source: 'nightly', measurements: [row] }),
        'application/json',
        TODAY,
      ),
    ).toEqual({
      ok: false,
      message:
        'The body holds "source" beside "measurements": give each measurement its own fields (metric or outcome, value, at, source, id).',
      errors: [],
    });
  });

  it('refuses the whole body when any row is wrong, naming each row and field', () => {
    const body = JSON.stringify([
      { metric: 'a', value: 1, at: '2026-11-01' },
      { metric: 'a', outcome: 'b', value: 1, at: '2026-11-01' },
      { metric: 'a', value: Infinity, at: '2026-12-05' },
    ]);
    const result = parseMeasurements(body, 'application/json', TODAY);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors.map((e) => `${e.row}:${e.field}`)).toEqual(['2:metric', '3:value', '3:at']);
  });

  it('accepts tomorrow (a sender ahead of UTC) but not later, nor before 2000', () => {
    const at = (day: string) =>
      parseMeasurements(JSON.stringify({ metric: 'a', value: 1, at: day }), null, TODAY).ok;
    expect(at('2026-12-01')).toBe(true);
    expect(at('2026-12-02')).toBe(false);
    expect(at('1999-12-31')).toBe(false);
  });

  it('caps a request at the most measurements one may carry', () => {
    const rows = Array.from({ length: MAX_MEASUREMENTS_PER_REQUEST + 1 }, () => ({
      metric: 'a',
      value: 1,
      at: TODAY,
    }));
    const result = parseMeasurements(JSON.stringify(rows), null, TODAY);
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/split it/) });
  });
});

describe('a person’s CSV file', () => {
  it('is separated by ";" when its header is, and its values are read with their decimal mark', () => {
    expect(csvSeparator('value;at\n12,5;2026-11-01\n')).toBe(';');
    expect(csvSeparator('\uFEFFvalue;at\r\n')).toBe(';');
    expect(csvSeparator('value,at\n12;2026-11-01\n')).toBe(',');
    // A ";" inside a quoted header name does not decide.
    expect(csvSeparator('"a;b",value,at\n')).toBe(',');
    const german = 'metric;value;at\nConversion;12,5;2026-11-01\nConversion;1.200,5;2026-11-02\n';
    expect(parseMeasurements(german, 'text/csv', TODAY, { decimalMark: ',' })).toEqual({
      ok: true,
      measurements: [
        { target: { metric: 'Conversion' }, value: 12.5, at: '2026-11-01' },
        { target: { metric: 'Conversion' }, value: 1200.5, at: '2026-11-02' },
      ],
      lines: [2, 3],
    });
    expect(
      parseMeasurements('metric;value;at\nConversion;zwölf;2026-11-01\n', 'text/csv', TODAY, {
        decimalMark: ',',
      }),
    ).toMatchObject({
      ok: false,
      errors: [{ row: 1, line: 2, field: 'value', message: 'value must be a number (CSV line 2).' }],
    });
  });

  it('is read strictly when a machine sent it (no decimal mark): "12,5" is no number there', () => {
    expect(
      parseMeasurements('metric,value,at\nConversion,"12,5",2026-11-01\n', 'text/csv', TODAY),
    ).toMatchObject({
      ok: false,
      errors: [{ field: 'value' }],
    });
  });
});

describe('parseCsv', () => {
  it('keeps commas, doubled quotes and line breaks inside quotes', () => {
    expect(parseCsv('a,b\n"x, ""y""","line\nbreak"\n')).toEqual([
      ['a', 'b'],
      ['x, "y"', 'line\nbreak'],
    ]);
    expect(parseCsv('a,b\n"",""""\n"x","y"')).toEqual([
      ['a', 'b'],
      ['', '"'],
      ['x', 'y'],
    ]);
  });

  // Text after a closing quote was added to the field: "Checkout abandonment"xyz made a series named
  // "Checkout abandonmentxyz". RFC 4180 lets only the separator or the line's end follow a closing quote.
  it('refuses text after a closing quote, naming the line and what was written', () => {
    expect(parseCsv('metric,value,at\n"Checkout abandonment"xyz,12,2026-11-30\n')).toEqual({
      error:
        'CSV line 2: text follows a closing quote in "Checkout abandonment"xyz. Put the whole field in quotes, doubling each quote inside it (""), or write it without quotes.',
    });
    for (const [csv, line] of [
      ['a,b\n\n"x" ,y\n', 3],
      ['a;b\n"x";"y"z\n', 2],
      ['a,b\n"two\nlines"!,y\n', 3],
      ['a,b\r\n\r\n"x"""y",z', 3],
    ] as const)
      expect(parseCsv(csv, csv.includes(';') ? ';' : ',')).toEqual({
        error: expect.stringMatching(new RegExp(`^CSV line ${line}: text follows a closing quote`)),
      });
  });

  it('refuses a quoted field left open at the end of the body, naming the line it begins on', () => {
    expect(parseCsv('metric,value,at\n\n"Checkout abandonment,12,2026-11-30\n')).toEqual({
      error:
        'The quoted CSV field that begins on line 3 is not closed: end it with a quote, and double each quote inside it ("").',
    });
    expect(parseCsv('a,b\nx,"y""')).toEqual({
      error: expect.stringMatching(/begins on line 2 is not closed/),
    });
  });
});

describe('the line a CSV row is named by', () => {
  // The bad value on line 6 (blank lines above it) was said to be in "row 2": the rows were counted, blank lines
  // left out, and no one finds row 2 in an editor. The line the row begins on is named as well.
  it('is the line of the body an editor shows, blank lines and quoted line breaks counted', () => {
    const result = parseMeasurements(
      'metric,value,at\n\n\nsignups,10,2026-11-06\n\nsignups,x,2026-11-07\n',
      'text/csv',
      TODAY,
    );
    expect(result).toEqual({
      ok: false,
      message: '1 of 2 measurements are invalid; nothing was recorded.',
      errors: [{ row: 2, line: 6, field: 'value', message: 'value must be a number (CSV line 6).' }],
    });
    // A line break in a quoted field is a line too (and no character a name or source may hold).
    const quotedBreak =
      'metric,value,at,source\r\nsignups,1,2026-11-06,"two\r\nlines"\r\nsignups,1,2099-01-01,x';
    expect(parseMeasurements(quotedBreak, 'text/csv', TODAY)).toMatchObject({
      errors: [
        {
          row: 1,
          line: 2,
          field: 'source',
          message: 'source must not hold control characters (CSV line 2).',
        },
        { row: 2, line: 4, field: 'at', message: expect.stringMatching(/\(CSV line 4\)\.$/) },
      ],
    });
    expect(parseMeasurements('metric,value,at\n\nsignups,1,2026-11-06,x\n', 'text/csv', TODAY)).toMatchObject(
      {
        ok: false,
        message: 'CSV line 3 has 4 fields; the header has 3.',
      },
    );
    // A JSON body has no lines: its rows are its list's items.
    expect(
      parseMeasurements(JSON.stringify([{ metric: 'a', value: 'x', at: TODAY }]), null, TODAY),
    ).toMatchObject({ errors: [{ row: 1, field: 'value', message: 'value must be a number.' }] });
  });

  // An outcome card's import names no series in its file: with the target given, the file is read as it is, so
  // its lines are the person's (made over into a file with an outcome column, its blank lines were gone).
  it('is the line of the file imported for a target, whose header names no series', () => {
    const csv = 'value,at\n\n\n10,2026-11-06\n\nx,2026-11-07\n';
    expect(
      parseMeasurements(csv, 'text/csv', TODAY, { decimalMark: ',', target: { outcomeId: 'fewer-drops' } }),
    ).toMatchObject({ ok: false, errors: [{ row: 2, line: 6, field: 'value' }] });
    expect(
      parseMeasurements('value,at\n10,2026-11-06\n', 'text/csv', TODAY, {
        target: { outcomeId: 'fewer-drops' },
      }),
    ).toEqual({
      ok: true,
      measurements: [{ target: { outcomeId: 'fewer-drops' }, value: 10, at: '2026-11-06' }],
      lines: [2],
    });
    // A file that names its rows' series keeps them; the target does not fill a blank one in.
    expect(
      parseMeasurements('metric,value,at\nsignups,10,2026-11-06\n,11,2026-11-07\n', 'text/csv', TODAY, {
        target: { outcomeId: 'fewer-drops' },
      }),
    ).toMatchObject({
      ok: false,
      errors: [{ row: 2, line: 3, field: 'metric' }],
    });
  });
});

describe('a name with a character drawn as nothing', () => {
  const row = (fields: Record<string, unknown>) =>
    parseMeasurements(JSON.stringify({ value: 2, at: TODAY, ...fields }), 'application/json', TODAY);

  // "Checkout\u200b abandonment" looked like the outcome's metric but made a series of its own (one of the
  // project's 500), and "\u200b" a series no one could see. Refused, naming the character and where it is.
  it.each([
    ['\u200b', 'U+200B (zero width space)'],
    ['\u2060', 'U+2060 (word joiner)'],
    ['\ufeff', 'U+FEFF (zero width no-break space (byte-order mark))'],
    ['\u202e', 'U+202E (right-to-left override)'],
    ['\u2066', 'U+2066 (left-to-right isolate)'],
    ['\u00ad', 'U+00AD (soft hyphen)'],
    ['\u3164', 'U+3164 (Hangul filler)'],
    ['\u{e0041}', 'U+E0041 (a format character)'],
  ])('refuses %j in a metric or a source, naming it', (c, named) => {
    expect(row({ metric: `Checkout${c} abandonment` })).toEqual({
      ok: false,
      message: '1 of 1 measurements are invalid; nothing was recorded.',
      errors: [
        {
          row: 1,
          field: 'metric',
          message: `metric holds an invisible character, ${named}, after "Checkout": remove it, so that the metric is what it looks like.`,
        },
      ],
    });
    expect(row({ metric: 'Checkout abandonment', source: `ci ${c}nightly` })).toMatchObject({
      ok: false,
      errors: [{ row: 1, field: 'source', message: expect.stringContaining(`${named}, after "ci"`) }],
    });
  });

  it('takes the joiners a script or an emoji is written with, and refuses a name of nothing else', () => {
    // Persian writes "می‌خواهم" with a zero-width non-joiner; a family emoji is joined by zero-width joiners.
    for (const metric of ['ثبت\u200cنام', 'sign-ups \u{1f468}\u200d\u{1f469}\u200d\u{1f467}'])
      expect(row({ metric })).toMatchObject({ ok: true, measurements: [{ target: { metric } }] });
    expect(row({ metric: '\u200d\u200c' })).toMatchObject({
      ok: false,
      errors: [
        { field: 'metric', message: 'metric holds only characters drawn as nothing: name what is measured.' },
      ],
    });
  });

  it('refuses a name of nothing else, in JSON and in CSV with the line', () => {
    expect(row({ metric: '\u200b' })).toMatchObject({
      ok: false,
      errors: [
        { field: 'metric', message: expect.stringContaining('U+200B (zero width space), at its start') },
      ],
    });
    expect(
      parseMeasurements('metric,value,at\n\n\u200b\u200d,1,2026-11-06\n', 'text/csv', TODAY),
    ).toMatchObject({
      ok: false,
      errors: [
        { row: 1, line: 3, field: 'metric', message: expect.stringMatching(/U\+200B.*\(CSV line 3\)\.$/) },
      ],
    });
  });

  it('takes names in other scripts, with accents and emoji (a variation selector is drawn)', () => {
    for (const metric of ['Café visits', 'نرخ تبدیل', 'コンバージョン率', '❤️ likes', '👍 votes'])
      expect(row({ metric })).toMatchObject({ ok: true, measurements: [{ target: { metric } }] });
    // A byte-order mark at an end is trimmed, as JavaScript trims it: it makes no other name.
    expect(row({ metric: '\ufeffsignups\ufeff' })).toMatchObject({
      ok: true,
      measurements: [{ target: { metric: 'signups' } }],
    });
  });

  it('names such a character in a column or field it does not know, which would look like a known one', () => {
    expect(parseMeasurements('metric,value\u200b,at\n', 'text/csv', TODAY)).toMatchObject({
      message: expect.stringContaining('"value<U+200B>"'),
    });
    expect(row({ metric: 'a', 'id\u200b': 'x' })).toMatchObject({
      message: expect.stringContaining('"id<U+200B>"'),
    });
  });

  it('is matched without it (how metric names are compared)', () => {
    expect(withoutInvisible('Checkout\u200b abandonment\u2060')).toBe('Checkout abandonment');
    expect(withoutInvisible('❤️ likes')).toBe('❤️ likes');
  });
});

describe('mergeIntoSeries', () => {
  it('skips ids the series or the same batch already holds, keeps date order and the newest only', () => {
    const existing = [{ at: '2026-01-02', value: 2, id: 'b' }];
    const incoming = [
      { at: '2026-01-01', value: 1, id: 'a' },
      { at: '2026-01-03', value: 3, id: 'b' },
      { at: '2026-01-04', value: 4, id: 'a' },
      { at: '2026-01-05', value: 5 },
    ];
    const merged = mergeIntoSeries(existing, incoming, 3);
    expect(merged).toEqual({
      added: 2,
      addedIds: ['a'],
      droppedIds: [],
      duplicates: 2,
      pushedOut: [],
      series: [
        { at: '2026-01-01', value: 1, id: 'a' },
        { at: '2026-01-02', value: 2, id: 'b' },
        { at: '2026-01-05', value: 5 },
      ].slice(-3),
    });
  });

  it('keeps as many of the newest as fit in the bytes given, and names the held ones pushed out', () => {
    const point = (i: number, note: string) => ({
      at: `2026-01-${String(i).padStart(2, '0')}`,
      value: i,
      note,
    });
    const existing = [1, 2, 3].map((i) => point(i, 'é'.repeat(40)));
    const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).length;
    const incoming = [point(4, 'é'.repeat(40))];
    // Room for two points in JSON (as a list), not three.
    const room = bytes([existing[2], incoming[0]]);
    const merged = mergeIntoSeries(existing, incoming, 500, room);
    expect(merged.series.map((m) => m.value)).toEqual([3, 4]);
    expect(bytes(merged.series)).toBeLessThanOrEqual(room);
    expect(merged).toMatchObject({ added: 1, duplicates: 0, pushedOut: existing.slice(0, 2) });
    // Counted by the count limit alike.
    expect(mergeIntoSeries(existing, incoming, 3)).toMatchObject({ added: 1, pushedOut: [existing[0]] });
  });

  it('names the new ones kept and those older than all it keeps', () => {
    const existing = [2, 3, 4].map((d) => ({ at: `2026-01-0${d}`, value: d, id: `held-${d}` }));
    const incoming = [
      { at: '2026-01-01', value: 1, id: 'too-old' },
      { at: '2026-01-05', value: 5, id: 'newest' },
    ];
    expect(mergeIntoSeries(existing, incoming, 3)).toMatchObject({
      added: 1,
      addedIds: ['newest'],
      droppedIds: ['too-old'],
      pushedOut: [existing[0]],
    });
  });
});
