/** Where the outcome chart's target label is drawn, off the target line and off the measured line. */

export interface Point {
  x: number;
  y: number;
}

export interface LabelPlace {
  /** The label's anchor: its right end (`end`) or its left end (`start`). */
  x: number;
  /** The edge nearest the target line: the label's bottom when above it, its top when below. */
  y: number;
  anchor: 'start' | 'end';
  /** SVG dominant-baseline that makes `y` that edge. */
  baseline: 'text-after-edge' | 'text-before-edge';
}

export interface LabelRoom {
  width: number;
  height: number;
  targetY: number;
  /** The label's size as drawn (its width estimated from its text where it cannot be measured). */
  label: { width: number; height: number };
  /** Space between the label and the target line, and between the label and the frame's sides. */
  gap: number;
  inset: number;
  /** The measured values as drawn, in order; joined by a line when there are two or more. */
  points: readonly Point[];
  /** How far the drawn line reaches past its centre: the dots' radius, or half the stroke. */
  reach: number;
}

/**
 * The first of: right end above the target line, right end below it, left end above, left end below, whose box
 * the measured line does not cross and which fits in the frame. The right end above is the usual place (where the
 * line is heading); it is left only when the line runs through it, as when the measurements close on the target.
 * When every place is crossed, the usual one is kept.
 */
export function targetLabelPlace(room: LabelRoom): LabelPlace {
  const { width, height, targetY, label, gap, inset } = room;
  const places: LabelPlace[] = [];
  for (const anchor of ['end', 'start'] as const)
    for (const baseline of ['text-after-edge', 'text-before-edge'] as const)
      places.push({
        anchor,
        baseline,
        x: anchor === 'end' ? width - inset : inset,
        y: baseline === 'text-after-edge' ? targetY - gap : targetY + gap,
      });
  const fits = (box: Box) => box.top >= 0 && box.bottom <= height;
  const clear = places.find((place) => {
    const box = boxOf(place, label);
    return fits(box) && !crosses(room.points, grown(box, room.reach));
  });
  return clear ?? places[0]!;
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function boxOf(place: LabelPlace, label: { width: number; height: number }): Box {
  const left = place.anchor === 'end' ? place.x - label.width : place.x;
  const top = place.baseline === 'text-after-edge' ? place.y - label.height : place.y;
  return { left, right: left + label.width, top, bottom: top + label.height };
}

function grown(box: Box, by: number): Box {
  return { left: box.left - by, right: box.right + by, top: box.top - by, bottom: box.bottom + by };
}

/** Whether the dots, or the line joining them, enter the box. */
function crosses(points: readonly Point[], box: Box): boolean {
  const inside = (p: Point) => p.x >= box.left && p.x <= box.right && p.y >= box.top && p.y <= box.bottom;
  if (points.some(inside)) return true;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    // The segment's part within the box's columns, and the heights it spans there.
    const from = Math.max(Math.min(a.x, b.x), box.left);
    const to = Math.min(Math.max(a.x, b.x), box.right);
    if (from > to) continue;
    const yAt = (x: number) => (a.x === b.x ? a.y : a.y + ((x - a.x) / (b.x - a.x)) * (b.y - a.y));
    const y1 = a.x === b.x ? Math.min(a.y, b.y) : Math.min(yAt(from), yAt(to));
    const y2 = a.x === b.x ? Math.max(a.y, b.y) : Math.max(yAt(from), yAt(to));
    if (y2 >= box.top && y1 <= box.bottom) return true;
  }
  return false;
}
