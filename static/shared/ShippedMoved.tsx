/**
 * Shipped versus moved, drawn for the project page's tab and the dashboard gadget alike: per month, what was
 * delivered (items and points), the share that carried a bet and how many of those bets were validated or invalidated,
 * with each outcome's metric under it on the same month axis; the bets' hit rate; the items shipped without a
 * bet. The chart is plain SVG in design tokens (both themes follow); the table under it says the same in text.
 * Points and metric values are written with the reader's decimal mark, as the outcome map writes them.
 */
import DynamicTable from '@atlaskit/dynamic-table';
import Lozenge from '@atlaskit/lozenge';
import { token } from '@atlaskit/tokens';
import type { ShippedMovedData } from '../../src/contract/shipped';
import { amountText, type DecimalMark } from '../../src/domain/amounts';
import type { OutcomeTrack, ShippedRow } from '../../src/domain/shipped';
import { IssueLink } from './IssueLink';
import { JqlSearchLink } from './JqlSearchLink';
import { pct } from './percent';
import { betsDecided } from './shipped-words';
import { useDecimalMark } from './useDecimalMark';
import { useMeasuredWidth } from './useMeasuredWidth';

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const monthName = (m: string) => `${MONTH_NAMES[Number(m.slice(5, 7)) - 1] ?? m} ${m.slice(0, 4)}`;
const shortMonth = (m: string) => MONTH_NAMES[Number(m.slice(5, 7)) - 1] ?? m;

const LEFT = 150;
const BAR_BAND = 120;
const LINE_BAND = 56;
const AXIS = 22;
const GAP = 10;

const textStyle = {
  fill: token('color.text.subtle', '#44546f'),
  font: token('font.body.small', '400 12px/16px sans-serif'),
};

/** The chart's colours, which the legend names too. */
const colour = {
  items: token('color.background.neutral.bold', '#44546f'),
  bet: token('color.background.information.bold', '#0c66e4'),
  validated: token('color.background.success.bold', '#1f845a'),
  invalidated: token('color.background.danger.bold', '#c9372c'),
  line: token('color.border.discovery', '#8270db'),
  target: token('color.border.success', '#22a06b'),
  grid: token('color.border', '#091e4224'),
};

/** One SVG: delivered bars (bets and verdicts inside them) on top, each outcome's metric below, one month axis. */
function Chart({ rows, outcomes, label }: { rows: ShippedRow[]; outcomes: OutcomeTrack[]; label: string }) {
  const [ref, W] = useMeasuredWidth(640, 320);
  const n = Math.max(1, rows.length);
  const slot = (W - LEFT - 8) / n;
  const barW = Math.max(4, Math.min(36, slot * 0.6));
  const cx = (i: number) => LEFT + slot * i + slot / 2;
  const maxItems = Math.max(1, ...rows.map((r) => r.items));
  const H = BAR_BAND + GAP + outcomes.length * (LINE_BAND + GAP) + AXIS;
  const barY = (v: number) => BAR_BAND - (v / maxItems) * (BAR_BAND - 16);
  return (
    <svg
      ref={ref}
      className="ol-shipped-chart"
      width="100%"
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={label}
      data-testid="shipped-chart"
    >
      <text x={0} y={14} style={textStyle}>
        Delivered items
      </text>
      <text x={0} y={30} style={textStyle}>
        (max {maxItems})
      </text>
      <line x1={LEFT} x2={W} y1={BAR_BAND} y2={BAR_BAND} style={{ stroke: colour.grid }} />
      {rows.map((r, i) => {
        const x = cx(i) - barW / 2;
        const decidedTop = barY(r.validated + r.invalidated);
        return (
          <g key={r.label} data-month={r.label}>
            <rect
              x={x}
              y={barY(r.items)}
              width={barW}
              height={BAR_BAND - barY(r.items)}
              style={{ fill: colour.items }}
            />
            <rect
              x={x}
              y={barY(r.withBet)}
              width={barW}
              height={BAR_BAND - barY(r.withBet)}
              style={{ fill: colour.bet }}
            />
            <rect
              x={x}
              y={barY(r.validated)}
              width={barW / 2}
              height={BAR_BAND - barY(r.validated)}
              style={{ fill: colour.validated }}
            />
            <rect
              x={x + barW / 2}
              y={barY(r.invalidated)}
              width={barW / 2}
              height={BAR_BAND - barY(r.invalidated)}
              style={{ fill: colour.invalidated }}
            />
            {r.items > 0 ? (
              <text
                x={cx(i)}
                y={Math.min(barY(r.items), decidedTop) - 3}
                textAnchor="middle"
                style={textStyle}
              >
                {r.items}
              </text>
            ) : null}
          </g>
        );
      })}
      {outcomes.map((o, k) => {
        const top = BAR_BAND + GAP + k * (LINE_BAND + GAP);
        const known = o.values.filter((v): v is number => v !== null);
        const all = [...known, ...(o.target !== null ? [o.target] : [])];
        const min = Math.min(...all);
        const max = Math.max(...all);
        const y = (v: number) =>
          max === min ? top + LINE_BAND / 2 : top + 6 + ((max - v) / (max - min)) * (LINE_BAND - 12);
        const points = o.values.flatMap((v, i) => (v === null ? [] : [`${cx(i)},${y(v)}`]));
        return (
          <g key={o.id} data-outcome={o.name}>
            <text x={0} y={top + 14} style={{ ...textStyle, fill: token('color.text', '#172b4d') }}>
              {o.name.length > 22 ? `${o.name.slice(0, 21)}…` : o.name}
            </text>
            <text x={0} y={top + 30} style={textStyle}>
              {o.metric.length > 22 ? `${o.metric.slice(0, 21)}…` : o.metric}
            </text>
            <text x={0} y={top + 46} style={textStyle} data-testid="outcome-delivered">
              {deliveredFor(o)} delivered for it
            </text>
            <line
              x1={LEFT}
              x2={W}
              y1={top + LINE_BAND}
              y2={top + LINE_BAND}
              style={{ stroke: colour.grid }}
            />
            {o.target !== null && known.length > 0 ? (
              <line
                x1={LEFT}
                x2={W}
                y1={y(o.target)}
                y2={y(o.target)}
                strokeDasharray="4 3"
                style={{ stroke: colour.target }}
              />
            ) : null}
            {points.length > 1 ? (
              <polyline
                points={points.join(' ')}
                fill="none"
                strokeWidth={2}
                style={{ stroke: colour.line }}
              />
            ) : null}
            {o.values.map((v, i) =>
              v === null ? null : <circle key={i} cx={cx(i)} cy={y(v)} r={3} style={{ fill: colour.line }} />,
            )}
          </g>
        );
      })}
      {rows.map((r, i) =>
        n <= 12 || i % 2 === 0 ? (
          <text key={r.label} x={cx(i)} y={H - 6} textAnchor="middle" style={textStyle}>
            {shortMonth(r.label)}
          </text>
        ) : null,
      )}
    </svg>
  );
}

function Legend() {
  const swatch = (name: string, colour: string) => (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: token('space.050', '4px') }}>
      <svg width="12" height="12" aria-hidden="true">
        <rect width="12" height="12" style={{ fill: colour }} />
      </svg>
      {name}
    </span>
  );
  return (
    <p
      className="ol-shipped-legend"
      style={{ display: 'flex', flexWrap: 'wrap', gap: token('space.200', '16px'), margin: 0 }}
    >
      {swatch('Delivered', colour.items)}
      {swatch('Carried a bet', colour.bet)}
      {swatch('Bet validated', colour.validated)}
      {swatch('Bet invalidated', colour.invalidated)}
      {swatch('Outcome metric (dashed: target)', colour.line)}
    </p>
  );
}

/** Items delivered for an outcome over the months shown, in words. */
function deliveredFor(o: OutcomeTrack): string {
  const n = o.delivered.reduce((a, b) => a + b, 0);
  return `${n} item${n === 1 ? '' : 's'}`;
}

function value(v: number | null, unit: string | null, mark: DecimalMark): string {
  return v === null ? '–' : amountText(v, unit, mark);
}

export function ShippedMovedView({
  data,
  headingLevel = 2,
}: {
  data: ShippedMovedData;
  headingLevel?: 2 | 3;
}) {
  const { view } = data;
  const mark = useDecimalMark();
  const figure = (n: number) => amountText(n, null, mark);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const Sub = headingLevel === 2 ? 'h3' : 'h4';
  const id = `shipped-${data.projectKey}`;
  const first = view.months[0]?.label;
  const last = view.months[view.months.length - 1]?.label;
  const span = first && last ? `${monthName(first)} to ${monthName(last)}` : '';
  const t = view.totals;
  const chartLabel = `${data.projectName ?? data.projectKey}, ${span}: ${t.items} items delivered (${figure(t.points)} points), ${pct(
    t.items ? t.withBet / t.items : null,
  )} with a bet, hit rate ${pct(t.hitRate)}. ${view.outcomes
    .map((o) => {
      const known = o.values.filter((v): v is number => v !== null);
      const moved = known.length
        ? `${o.name}: ${o.metric} from ${figure(known[0]!)} to ${figure(known[known.length - 1]!)}`
        : `${o.name}: not measured`;
      return `${moved}, ${deliveredFor(o)} delivered for it`;
    })
    .join('. ')}. The table below lists each month.`;
  const head = {
    cells: [
      { key: 'month', content: 'Month' },
      { key: 'items', content: 'Items' },
      { key: 'points', content: 'Points' },
      { key: 'bet', content: 'With a bet' },
      { key: 'decided', content: 'Bets validated / invalidated' },
      ...view.outcomes.map((o) => ({ key: `o-${o.id}`, content: `${o.name} (${o.metric})` })),
    ],
  };
  const rows = view.months.map((r, i) => ({
    key: r.label,
    cells: [
      { key: 'month', content: monthName(r.label) },
      { key: 'items', content: String(r.items) },
      { key: 'points', content: figure(r.points) },
      { key: 'bet', content: `${r.withBet} (${pct(r.betShare)})` },
      {
        key: 'decided',
        content: betsDecided(r),
      },
      ...view.outcomes.map((o) => ({
        key: `o-${o.id}`,
        content: `${value(o.values[i] ?? null, o.unit, mark)}${o.delivered[i] ? `; ${o.delivered[i]} delivered for it` : ''}`,
      })),
    ],
  }));
  return (
    <section
      aria-labelledby={id}
      data-testid={`shipped-moved-${data.projectKey}`}
      style={{ display: 'grid', gap: token('space.200', '16px') }}
    >
      <Heading id={id} style={{ margin: 0 }}>
        Shipped versus moved{data.projectName ? `: ${data.projectName}` : ''}
      </Heading>
      <p style={{ margin: 0 }}>
        {span}: <strong>{t.items}</strong> items delivered ({figure(t.points)} points),{' '}
        <strong>{pct(t.items ? t.withBet / t.items : null)}</strong> carried a bet; of{' '}
        {t.validated + t.invalidated} bets with a verdict, the hit rate is{' '}
        <Lozenge appearance={t.hitRate === null ? 'default' : t.hitRate >= 0.5 ? 'success' : 'removed'}>
          {pct(t.hitRate)}
        </Lozenge>
        . {view.unbetCount} shipped without a bet.
        {data.catchingUp ? ' The scan is still reading older deliveries.' : ''}
        {data.updatedAt
          ? ` Counted by the scan on ${data.updatedAt.slice(0, 10)}.`
          : ' No scan has counted deliveries yet.'}
      </p>
      <Legend />
      <div className="ol-table-wrap" style={{ overflowX: 'auto' }}>
        <Chart rows={view.months} outcomes={view.outcomes} label={chartLabel} />
      </div>
      <div
        className="ol-table-wrap"
        role="region"
        aria-label="Each month in numbers"
        data-testid="shipped-months"
        tabIndex={0}
        style={{ overflowX: 'auto' }}
      >
        <DynamicTable
          caption="Each month: delivered, bets and the outcomes' metrics"
          head={head}
          rows={rows}
          testId="shipped-months-table"
        />
      </div>
      {view.sprints.length > 0 ? (
        <div
          className="ol-table-wrap"
          role="region"
          aria-label="Each sprint in numbers"
          data-testid="shipped-sprints"
          tabIndex={0}
          style={{ overflowX: 'auto' }}
        >
          <DynamicTable
            caption="Each sprint: delivered and bets"
            head={{
              cells: [
                { key: 'sprint', content: 'Sprint' },
                { key: 'items', content: 'Items' },
                { key: 'points', content: 'Points' },
                { key: 'bet', content: 'With a bet' },
                { key: 'decided', content: 'Bets validated / invalidated' },
              ],
            }}
            rows={view.sprints.map((s) => ({
              key: s.label,
              cells: [
                { key: 'sprint', content: s.label },
                { key: 'items', content: String(s.items) },
                { key: 'points', content: figure(s.points) },
                { key: 'bet', content: `${s.withBet} (${pct(s.betShare)})` },
                { key: 'decided', content: `${s.validated} / ${s.invalidated}` },
              ],
            }))}
            testId="shipped-sprints-table"
          />
        </div>
      ) : null}
      <Sub style={{ margin: 0 }}>Shipped without a bet ({view.unbetCount})</Sub>
      {view.unbet.length ? (
        <ul data-testid="shipped-unbet" style={{ margin: 0 }}>
          {view.unbet.map((u) => (
            <li key={u.issueKey}>
              <IssueLink issueKey={u.issueKey} /> {u.summary} (delivered {u.deliveredOn}
              {u.points ? `, ${figure(u.points)} points` : ''})
            </li>
          ))}
        </ul>
      ) : (
        <p style={{ margin: 0 }}>Every item delivered in these months carried a bet.</p>
      )}
      <p style={{ margin: 0 }}>
        <JqlSearchLink jql={data.unbetJql}>Search them all in Jira</JqlSearchLink>
      </p>
    </section>
  );
}
