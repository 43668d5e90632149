import type { OutcomeView } from '../../../src/contract/project-page';

/** A small SVG line of measured values against the baseline and the target line. */
export function ProgressChart({ outcome }: { outcome: OutcomeView }) {
  const W = 240;
  const H = 70;
  const points = [...outcome.measurements].sort((a, b) => a.at.localeCompare(b.at));
  const values = [outcome.baseline, outcome.target, ...points.map((p) => p.value)];
  const min = Math.min(...values);
  const max = Math.max(...values);
  const y = (v: number) => (max === min ? H / 2 : 8 + ((max - v) / (max - min)) * (H - 16));
  const x = (i: number) => (points.length <= 1 ? W / 2 : 10 + (i / (points.length - 1)) * (W - 20));
  const label = `${outcome.metric}: baseline ${outcome.baseline}, target ${outcome.target}, ${
    points.length
      ? `latest ${points[points.length - 1]!.value} on ${points[points.length - 1]!.at}`
      : 'no measurements yet'
  }`;
  return (
    <svg className="ol-chart" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <line className="target" x1={0} x2={W} y1={y(outcome.target)} y2={y(outcome.target)} />
      <text x={2} y={y(outcome.target) - 2}>
        target {outcome.target}
      </text>
      {points.length > 1 ? (
        <polyline points={points.map((p, i) => `${x(i)},${y(p.value)}`).join(' ')} />
      ) : null}
      {points.map((p, i) => (
        <circle key={`${p.at}-${i}`} cx={x(i)} cy={y(p.value)} r={3} />
      ))}
    </svg>
  );
}
