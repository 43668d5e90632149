import { token } from '@atlaskit/tokens';
import { useDecimalMark } from '../../shared/useDecimalMark';
import { useMeasuredWidth } from '../../shared/useMeasuredWidth';
import { amountText } from '../../../src/domain/amounts';
import type { OutcomeView } from '../../../src/contract/project-page';
import { targetLabelPlace } from './chart-label';

const H = 80;
/** Room above and below the plot: the target's label fits on either side of its line, at the top or the bottom. */
const PAD = 18;
/** Space between the target label and its line. */
const LABEL_GAP = 4;
/**
 * The box the label's 12 px letters take (font.body.small), and a width per character above their average (the
 * label is figures, a unit and lower-case letters): an estimate, as the label is placed before it is drawn.
 */
const LABEL_HEIGHT = 14;
const LABEL_CHAR_WIDTH = 7;

/**
 * A small SVG line of measured values against the target line, in design tokens (`token()`). It draws at
 * the width of its card (measured, not scaled, so the text keeps its size), with the target's label beside its
 * line, never across it, and off the measured line (targetLabelPlace).
 */
export function ProgressChart({ outcome }: { outcome: OutcomeView }) {
  const [ref, W] = useMeasuredWidth(240, 120);
  const mark = useDecimalMark();
  // Written as the card's sentence beside it writes them: with the unit and the person's decimal mark.
  const amount = (n: number) => amountText(n, outcome.unit, mark);

  const points = [...outcome.measurements].sort((a, b) => a.at.localeCompare(b.at));
  const values = [outcome.baseline, outcome.target, ...points.map((p) => p.value)];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const y = (v: number) => (max === min ? H / 2 : PAD + ((max - v) / (max - min)) * (H - 2 * PAD));
  const x = (i: number) => (points.length <= 1 ? W / 2 : 10 + (i / (points.length - 1)) * (W - 20));
  const targetY = y(outcome.target);
  const targetText = `target ${amount(outcome.target)}`;
  const place = targetLabelPlace({
    width: W,
    height: H,
    targetY,
    label: { width: targetText.length * LABEL_CHAR_WIDTH, height: LABEL_HEIGHT },
    gap: LABEL_GAP,
    inset: 2,
    points: points.map((p, i) => ({ x: x(i), y: y(p.value) })),
    reach: 3,
  });
  const label = `${outcome.metric}: baseline ${amount(outcome.baseline)}, target ${amount(outcome.target)}, ${
    points.length
      ? `latest ${amount(points[points.length - 1]!.value)} on ${points[points.length - 1]!.at}`
      : 'no measurements yet'
  }`;
  return (
    <svg ref={ref} className="ol-chart" height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <line
        className="target"
        x1={0}
        x2={W}
        y1={targetY}
        y2={targetY}
        style={{ stroke: token('color.border.success', '#22a06b') }}
        strokeDasharray="4 3"
      />
      <text
        className="target-label"
        style={{
          fill: token('color.text.subtle', '#44546f'),
          font: token('font.body.small', '400 12px/16px sans-serif'),
        }}
        x={place.x}
        y={place.y}
        textAnchor={place.anchor}
        dominantBaseline={place.baseline}
      >
        {targetText}
      </text>
      {points.length > 1 ? (
        <polyline
          points={points.map((p, i) => `${x(i)},${y(p.value)}`).join(' ')}
          fill="none"
          strokeWidth={2}
          style={{ stroke: token('color.border.brand', '#0c66e4') }}
        />
      ) : null}
      {points.map((p, i) => (
        <circle
          key={`${p.at}-${i}`}
          cx={x(i)}
          cy={y(p.value)}
          r={3}
          style={{ fill: token('color.border.brand', '#0c66e4') }}
        />
      ))}
    </svg>
  );
}
