import {
  csvSeparator,
  MAX_MEASUREMENTS_PER_REQUEST,
  mergeIntoSeries,
  parseCsv,
  parseMeasurements,
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
    });
    expect(parseMeasurements('metric,value,at,\nsignups,3,2026-11-01,\n', 'text/csv', TODAY)).toMatchObject({
      ok: true,
    });
    // A value in a column with no name is not passed over.
    expect(parseMeasurements('metric,value,at,\nsignups,3,2026-11-01,x\n', 'text/csv', TODAY)).toMatchObject({
      ok: false,
      message: 'CSV row 1 has 4 fields; the header has 3.',
    });
    expect(parseMeasurements('metric,,value,at\nsignups,,3,2026-11-01\n', 'text/csv', TODAY)).toMatchObject({
      ok: false,
      message: 'CSV column 2 has no name in the header: name it or remove it.',
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
    });
    expect(
      parseMeasurements('metric;value;at\nConversion;zwölf;2026-11-01\n', 'text/csv', TODAY, {
        decimalMark: ',',
      }),
    ).toMatchObject({ ok: false, errors: [{ row: 1, field: 'value', message: 'value must be a number.' }] });
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
      pushedOut: 0,
      series: [
        { at: '2026-01-01', value: 1, id: 'a' },
        { at: '2026-01-02', value: 2, id: 'b' },
        { at: '2026-01-05', value: 5 },
      ].slice(-3),
    });
  });

  it('keeps as many of the newest as fit in the bytes given, and counts the held ones pushed out', () => {
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
    expect(merged).toMatchObject({ added: 1, duplicates: 0, pushedOut: 2 });
    // Counted by the count limit alike.
    expect(mergeIntoSeries(existing, incoming, 3)).toMatchObject({ added: 1, pushedOut: 1 });
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
      pushedOut: 1,
    });
  });
});
