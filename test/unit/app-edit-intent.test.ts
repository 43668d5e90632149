import { APP_EDIT_WINDOW_MS, recognisesAppEdit } from '../../src/scan/scan-page';

describe('an app edit begun before its stamp was written', () => {
  const intent = { at: '2026-06-01T10:00:00.000Z', realActivityBefore: '2026-03-01T00:00:00.000Z' };
  const after = (ms: number) => new Date(Date.parse(intent.at) + ms).toISOString();

  it('explains a bump of updated made while the invocation that recorded it could still run', () => {
    expect(recognisesAppEdit(intent, { lastAppEditAt: null }, after(1_500))).toBe(true);
    expect(recognisesAppEdit(intent, { lastAppEditAt: null }, after(APP_EDIT_WINDOW_MS))).toBe(true);
  });

  it('does not explain activity after that invocation must have ended, nor long before it', () => {
    expect(recognisesAppEdit(intent, { lastAppEditAt: null }, after(APP_EDIT_WINDOW_MS + 60_000))).toBe(
      false,
    );
    expect(recognisesAppEdit(intent, { lastAppEditAt: null }, after(-3_600_000))).toBe(false);
  });

  it('is not needed when the lens already carries a stamp as late as the bump', () => {
    expect(recognisesAppEdit(intent, { lastAppEditAt: after(2_000) }, after(1_500))).toBe(false);
    // A stamp older than the bump (the stopped try's call landed after the retry stamped) is not enough.
    expect(recognisesAppEdit(intent, { lastAppEditAt: after(1_000) }, after(1_500))).toBe(true);
  });

  it('needs an intent and readable dates', () => {
    expect(recognisesAppEdit(undefined, { lastAppEditAt: null }, after(1_000))).toBe(false);
    expect(recognisesAppEdit({ ...intent, at: 'soon' }, { lastAppEditAt: null }, after(1_000))).toBe(false);
  });
});
