import type { RecipeVerdict } from '../../src/domain/recipe-detector';
import { Message } from './Message';

/**
 * Says that an item reads as a recipe, quoting the words that make it one (from the summary or the
 * description), and offers the way out: writing the problem as a hypothesis.
 */
export function RecipeWarning(props: { verdict: RecipeVerdict; onWriteHypothesis?: () => void }) {
  const { verdict } = props;
  if (!verdict.isRecipe) return null;
  const reasons = verdict.reasons.slice(0, 5);
  return (
    <Message
      appearance="warning"
      title="This reads as a recipe: the solution is decided, the problem is not stated"
      testId="recipe-warning"
    >
      <ul>
        {reasons.map((r) => (
          <li key={`${r.source}-${r.start}`}>
            <span className="ol-quote">“{r.phrase}”</span> in the {r.source}: {r.why}
          </li>
        ))}
      </ul>
      <p>
        Say who has the problem, what they need and what result you expect, and leave the solution to the
        squad.
      </p>
      {props.onWriteHypothesis ? (
        <button type="button" className="ol-btn" onClick={props.onWriteHypothesis}>
          Write the hypothesis
        </button>
      ) : null}
    </Message>
  );
}
