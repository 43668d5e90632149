import ProgressBar from '@atlaskit/progress-bar';
import type { Score } from '../../src/domain/score';

/**
 * The outcome-linkage score, `N / 100` beside its label, with each part's points, what earned them and, for
 * those who can edit, how to raise them. Announced politely as it changes, so a screen-reader user hears the
 * effect of their typing.
 */
export function ScoreBreakdown(props: {
  score: Score;
  label?: string;
  caption?: string;
  /** False for a reader who cannot edit: advice they cannot act on is noise, so the hints stay hidden. */
  canAct?: boolean;
}) {
  const { score } = props;
  const label = props.label ?? 'Outcome-linkage';
  return (
    <section className="ol-score" aria-labelledby="ol-score-label" data-testid="score">
      <div className="ol-score-head">
        <h2 className="ol-heading" id="ol-score-label" style={{ margin: 0 }}>
          {label}
        </h2>
        <output
          className="ol-score-total"
          aria-live="polite"
          aria-labelledby="ol-score-label"
          data-testid="score-total"
        >
          {score.total} / {score.max}
        </output>
      </div>
      {props.caption ? <p className="ol-help">{props.caption}</p> : null}
      <ProgressBar
        value={score.max > 0 ? score.total / score.max : 0}
        ariaLabel={`${label}: ${score.total} of ${score.max}`}
        appearance={score.total >= score.max ? 'success' : 'default'}
      />
      <ul className="ol-score-list">
        {score.components.map((c) => (
          <li key={c.id} data-testid={`score-${c.id}`}>
            <div>
              <span>{c.label}</span>{' '}
              <span className="ol-score-points">{c.applicable ? `${c.points} / ${c.max}` : 'not yet'}</span>
            </div>
            <div className="ol-help">{c.detail}</div>
            {c.hint && props.canAct !== false ? (
              <div className="ol-help">How to raise it: {c.hint}</div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
