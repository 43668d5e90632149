/**
 * The picture of a calibration: for every idle limit up to a year, the share of today's open items it flags and,
 * of past items idle beyond it, the shares later closed unfixed and later delivered. A solid line marks the
 * value being previewed, a dashed one the current setting. Colours are design tokens, so both themes hold.
 */
import { token } from '@atlaskit/tokens';
import type { ReplayRow } from '../../../src/domain/calibration';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { left: 40, right: 12, top: 12, bottom: 28 };
/** The picture stops at a year: the grid is daily there, and longer limits are rare choices. */
const MAX_DAYS = 365;

export const CURVES = [
  { key: 'flaggedShare', label: 'Flagged today', color: token('color.chart.blue.bold') },
  { key: 'laterAbandoned', label: 'Later closed unfixed', color: token('color.chart.danger.bold') },
  { key: 'laterDelivered', label: 'Later delivered', color: token('color.chart.success.bold') },
] as const;

const x = (days: number) => PAD.left + (Math.min(days, MAX_DAYS) / MAX_DAYS) * (WIDTH - PAD.left - PAD.right);
const y = (share: number) => PAD.top + (1 - share) * (HEIGHT - PAD.top - PAD.bottom);

function pathOf(rows: readonly ReplayRow[], key: (typeof CURVES)[number]['key']): string {
  return rows
    .filter((r) => key === 'flaggedShare' || r.pastItems > 0)
    .map((r, i) => `${i === 0 ? 'M' : 'L'}${x(r.idleDays).toFixed(1)},${y(r[key]).toFixed(1)}`)
    .join(' ');
}

export function ThresholdCurve(props: { replay: readonly ReplayRow[]; value: number; current: number }) {
  const rows = props.replay.filter((r) => r.idleDays <= MAX_DAYS);
  const muted = token('color.text.subtlest');
  return (
    <figure className="ol-curve">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Shares by idle limit, from 1 to ${MAX_DAYS} days; the preview is at ${props.value} days, the current setting at ${props.current} days.`}
        data-testid="threshold-curve"
      >
        {[0, 0.25, 0.5, 0.75, 1].map((s) => (
          <g key={s}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(s)}
              y2={y(s)}
              style={{ stroke: token('color.border') }}
            />
            <text x={PAD.left - 6} y={y(s) + 4} textAnchor="end" fontSize="11" style={{ fill: muted }}>
              {Math.round(s * 100)}%
            </text>
          </g>
        ))}
        {[0, 90, 180, 270, 365].map((d) => (
          <text key={d} x={x(d)} y={HEIGHT - 8} textAnchor="middle" fontSize="11" style={{ fill: muted }}>
            {d === 0 ? '0 days' : d}
          </text>
        ))}
        {CURVES.map((c) => (
          <path
            key={c.key}
            d={pathOf(rows, c.key)}
            fill="none"
            strokeWidth={2}
            style={{ stroke: c.color }}
            data-testid={`curve-${c.key}`}
          />
        ))}
        <line
          x1={x(props.current)}
          x2={x(props.current)}
          y1={PAD.top}
          y2={HEIGHT - PAD.bottom}
          strokeDasharray="4 4"
          strokeWidth={1.5}
          style={{ stroke: token('color.text.subtle') }}
          data-testid="current-marker"
        />
        <line
          x1={x(props.value)}
          x2={x(props.value)}
          y1={PAD.top}
          y2={HEIGHT - PAD.bottom}
          strokeWidth={2.5}
          style={{ stroke: token('color.text') }}
          data-testid="threshold-marker"
          data-idle-days={props.value}
        />
      </svg>
      <figcaption className="ol-curve-legend">
        {CURVES.map((c) => (
          <span key={c.key}>
            <span className="ol-curve-swatch" style={{ background: c.color }} aria-hidden="true" />
            {c.label}
          </span>
        ))}
        <span>Solid line: the value previewed · dashed: the current setting</span>
      </figcaption>
    </figure>
  );
}
