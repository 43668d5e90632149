import Button from '@atlaskit/button/new';
import { useState } from 'react';
import { distinctReasons, type RecipeVerdict } from '../../src/domain/recipe-detector';
import { Message } from './Message';

/** What the panel can do with a hypothesis that already states the problem. */
export interface HypothesisOffer {
  /** False for someone who may not edit the issue: they are told the problem is stated, and offered nothing. */
  canEdit: boolean;
  /** False while the hypothesis on screen is not the saved one: only a saved hypothesis goes into Jira. */
  saved: boolean;
  busy: boolean;
  onReplace: () => void;
  onPrefix: () => void;
}

/** How many of a verdict's phrases are listed with their reasons; the rest are named after them. */
const SHOWN_REASONS = 5;

/** "the description", "the summary" or "the summary and the description": where the recipe's words are. */
function whereOf(verdict: RecipeVerdict): string {
  const sources = new Set(verdict.reasons.map((r) => r.source));
  if (sources.size === 2) return 'the Jira summary and description still read';
  return sources.has('summary') ? 'the Jira summary still reads' : 'the Jira description still reads';
}

/**
 * Says that an item reads as a recipe, quoting the words that make it one (from the summary or the
 * description). Before a hypothesis is written it offers to write one; once the hypothesis states the problem,
 * it speaks of the Jira text that still prescribes the solution, and offers to put the hypothesis into it.
 */
export function RecipeWarning(props: {
  verdict: RecipeVerdict;
  onWriteHypothesis?: () => void;
  /** Given when the hypothesis states the problem (a user's need, a reason, no prescribed solution). */
  hypothesis?: HypothesisOffer;
}) {
  const { verdict, hypothesis } = props;
  if (!verdict.isRecipe) return null;
  const distinct = distinctReasons(verdict);
  const reasons = distinct.slice(0, SHOWN_REASONS);
  // The rest by phrase alone, each once and none the list above quotes: that list keeps a phrase once per text.
  const named = new Set(reasons.map((r) => r.phrase.toLowerCase()));
  const rest = distinct.slice(SHOWN_REASONS).flatMap((r) => {
    const key = r.phrase.toLowerCase();
    if (named.has(key)) return [];
    named.add(key);
    return [r.phrase];
  });
  const more = rest.length;
  const list = (
    <ul>
      {reasons.map((r) => (
        <li key={`${r.source}-${r.start}`}>
          <span className="ol-quote">“{r.phrase}”</span> in the {r.source}: {r.why}
        </li>
      ))}
      {more > 0 ? (
        <li data-testid="recipe-more">{`and ${more} more: ${rest.map((p) => `“${p}”`).join(', ')}`}</li>
      ) : null}
    </ul>
  );
  if (hypothesis) {
    const sources = new Set(verdict.reasons.map((r) => r.source));
    // Putting the hypothesis into the description cannot mend a summary: only offered where the description
    // holds recipe words.
    const inDescription = sources.has('description');
    return (
      <Message
        appearance="warning"
        title={`Your hypothesis states the problem; ${whereOf(verdict)} as a recipe`}
        testId="recipe-warning"
      >
        {list}
        {sources.has('summary') ? (
          <p data-testid="rename-summary">
            Rename the issue in Jira so its summary names the problem, not the solution: the app does not
            change summaries.
          </p>
        ) : null}
        {!inDescription ? null : hypothesis.canEdit ? (
          <HypothesisActions hypothesis={hypothesis} />
        ) : (
          <p>
            Someone who may edit the issue can put the hypothesis into the Jira description, so the squad
            reads the problem rather than the solution.
          </p>
        )}
      </Message>
    );
  }
  return (
    <Message
      appearance="warning"
      title="This reads as a recipe: the solution is decided, the problem is not stated"
      testId="recipe-warning"
    >
      {list}
      <p>
        Say who has the problem, what they need and what result you expect, and leave the solution to the
        squad.
      </p>
      {props.onWriteHypothesis ? (
        <Button onClick={props.onWriteHypothesis}>Write the hypothesis</Button>
      ) : null}
    </Message>
  );
}

/** Put the saved hypothesis into the description, in place of it or above it; replacing asks once more. */
function HypothesisActions({ hypothesis }: { hypothesis: HypothesisOffer }) {
  // Replacing overwrites what the reporter wrote: it takes a second, deliberate click.
  const [confirmingReplace, setConfirmingReplace] = useState(false);
  return (
    <>
      <p>
        Put the hypothesis into the Jira description, so the squad reads the problem and the result you expect
        rather than the solution. It is written as you, with your permission to edit the issue.
      </p>
      {confirmingReplace ? (
        <div
          role="group"
          aria-label="Confirm the replacement"
          data-testid="confirm-replace"
          // Escape answers as the safe choice does; Enter on the focused one keeps the description too.
          onKeyDown={(e) => e.key === 'Escape' && setConfirmingReplace(false)}
        >
          <p>
            The description&apos;s current text will no longer be on the issue (Jira keeps it in the
            issue&apos;s history). Replace it?
          </p>
          <div className="ol-actions">
            <Button
              appearance="warning"
              isDisabled={!hypothesis.saved || hypothesis.busy}
              onClick={() => {
                setConfirmingReplace(false);
                hypothesis.onReplace();
              }}
            >
              Replace it
            </Button>
            <Button appearance="subtle" autoFocus onClick={() => setConfirmingReplace(false)}>
              Keep the description
            </Button>
          </div>
        </div>
      ) : (
        <div className="ol-actions">
          <Button
            isDisabled={!hypothesis.saved || hypothesis.busy}
            onClick={() => setConfirmingReplace(true)}
          >
            Replace the description with the hypothesis
          </Button>
          <Button isDisabled={!hypothesis.saved || hypothesis.busy} onClick={hypothesis.onPrefix}>
            Put the hypothesis above the description
          </Button>
        </div>
      )}
      {!hypothesis.saved ? (
        <p className="ol-help">Save first: only the saved hypothesis goes into the description.</p>
      ) : null}
    </>
  );
}
