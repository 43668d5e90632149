import { targetLabelPlace, type LabelRoom, type Point } from '../../static/outcome-map/src/chart-label';

/** A 240 × 80 chart with its target line at the bottom of the plot (62) and a label 70 wide, as "target 60 s" is drawn. */
const room = (points: Point[], over: Partial<LabelRoom> = {}): LabelRoom => ({
  width: 240,
  height: 80,
  targetY: 62,
  label: { width: 70, height: 14 },
  gap: 4,
  inset: 2,
  points,
  reach: 3,
  ...over,
});

/** Evenly across the chart, as the chart spreads its measurements. */
const across = (ys: number[]): Point[] => ys.map((y, i) => ({ x: 10 + (i / (ys.length - 1)) * 220, y }));

describe("the outcome chart's target label", () => {
  it('sits at the right end above the target line while the measured line is clear of it', () => {
    expect(targetLabelPlace(room(across([16, 20, 24, 30])))).toEqual({
      x: 238,
      y: 58,
      anchor: 'end',
      baseline: 'text-after-edge',
    });
  });

  it('goes below the line when the measurements close on the target from above, through the usual place', () => {
    // The demo's "Faster checkout": falling from 120 s toward 60 s, the last dots just above the target line.
    const falling = across([16, 20, 28, 38, 44, 52, 56]);
    expect(targetLabelPlace(room(falling))).toMatchObject({
      anchor: 'end',
      baseline: 'text-before-edge',
      y: 66,
    });
  });

  it('goes to the left end when the line runs through both places at the right', () => {
    // Flat high above the target, then a dip under it and back up across it at the right end.
    const crossing = across([20, 20, 20, 20, 30, 75, 45]);
    expect(targetLabelPlace(room(crossing))).toEqual({
      x: 2,
      y: 58,
      anchor: 'start',
      baseline: 'text-after-edge',
    });
  });

  it('counts the line between two dots, not only the dots', () => {
    // Two dots far apart: the segment between them passes through the right end above the target line.
    // Both dots lie outside the usual place's box (x 165 to 241, y 41 to 61 with the dots' reach): only the
    // line between them crosses it.
    const two = [
      { x: 150, y: 75 },
      { x: 239, y: 20 },
    ];
    expect(targetLabelPlace(room(two))).not.toMatchObject({ anchor: 'end', baseline: 'text-after-edge' });
  });

  it('stays inside the chart: with the target at the top, the label goes below it', () => {
    expect(targetLabelPlace(room(across([70, 60, 50]), { targetY: 10 }))).toMatchObject({
      baseline: 'text-before-edge',
      y: 14,
    });
  });

  it('keeps the usual place when every place is crossed', () => {
    const everywhere = across([40, 75, 40, 75, 40, 75, 40, 75, 40, 75, 40]);
    expect(targetLabelPlace(room(everywhere, { targetY: 58 }))).toMatchObject({
      anchor: 'end',
      baseline: 'text-after-edge',
    });
  });
});
