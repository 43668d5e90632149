import type { PanelKillReview } from '../../../src/contract/issue-panel';
import type { DecimalMark } from '../../../src/domain/amounts';
import { ruleWords } from '../../../src/domain/zombie-rule-detail';
import { Message } from '../../shared/Message';

/** Why the nightly scan sent this item to kill review (and what would clear it), or that a Keep snoozed it. */
export function KillReviewStatus({
  review,
  today,
  mark,
}: {
  review: PanelKillReview;
  today: string;
  mark: DecimalMark;
}) {
  if (review.rules.length > 0) {
    return (
      <Message appearance="warning" title="In kill review" testId="kill-review">
        <p>
          The squad decides on the project page (Outcome map → Kill review): kill it, keep it with new kill
          criteria, or link it to an outcome. Nothing closes by itself.
        </p>
        <ul>
          {review.rules.map((r) => {
            const words = ruleWords(r, mark);
            return (
              <li key={r.rule}>
                <strong>{words.detail}</strong> Past its limit since {r.since}. {words.clearBy}
              </li>
            );
          })}
        </ul>
      </Message>
    );
  }
  if (review.snoozedUntil && review.snoozedUntil > today) {
    return (
      <Message appearance="info" title="Kept in kill review" testId="kill-review-snoozed">
        <p>The squad decided to keep this item; the zombie rules wait until {review.snoozedUntil}.</p>
      </Message>
    );
  }
  return null;
}
