import DynamicTable from '@atlaskit/dynamic-table';
import {
  pointsByDelivery,
  SCORE_COMPONENT_IDS,
  SCORE_COMPONENT_LABELS,
  weightsTotalError,
} from '../../../src/domain/score-weights';
import type { Settings } from '../../../src/domain/settings';
import { TextInput } from '../../shared/Field';
import { TableScroll } from '../../shared/TableScroll';

/**
 * The score weights, checked as they are typed: they must add up to 100, and the table beside them shows the
 * points each part carries on an issue before delivery (the evidence part's share goes to the others) and after.
 */
export function Weights(props: {
  /** The weights as typed, and as they read (NaN for a text that is no number). */
  texts: Record<keyof Settings['weights'], string>;
  weights: Settings['weights'];
  readOnly: boolean;
  /** The error for one path (`weights.hypothesis`, or `weights` for the whole). */
  error: (path: string) => string | undefined;
  onChange: (id: keyof Settings['weights'], text: string) => void;
}) {
  const { weights } = props;
  const complete = SCORE_COMPONENT_IDS.every((id) => Number.isFinite(weights[id]));
  const totalError = complete ? weightsTotalError(weights) : null;
  // Typed weights are judged as they stand; an error from the last save counts only while some are blank.
  const wholeError = complete ? totalError : props.error('weights');
  const total = complete ? SCORE_COMPONENT_IDS.reduce((sum, id) => sum + weights[id], 0) : null;
  const points = complete && !wholeError ? pointsByDelivery(weights) : null;
  return (
    <>
      <div className="ol-grid">
        {SCORE_COMPONENT_IDS.map((id) => (
          <TextInput
            key={id}
            id={`weight-${id}`}
            label={SCORE_COMPONENT_LABELS[id]}
            inputMode="numeric"
            value={props.texts[id]}
            readOnly={props.readOnly}
            error={props.error(`weights.${id}`)}
            onChange={(v) => props.onChange(id, v)}
          />
        ))}
      </div>
      <p
        className={wholeError ? 'ol-error' : 'ol-help'}
        id="weights-total"
        data-testid="weights-total"
        aria-live="polite"
      >
        {wholeError ?? `Total ${total ?? '–'} of 100.`}
      </p>
      {points ? (
        <TableScroll label="Points each part carries">
          <DynamicTable
            label="Points each part carries"
            testId="weights-points"
            caption={
              <span className="ol-help">
                Points each part carries on an issue. Evidence counts only after delivery: until then its
                share is spread over the other parts.
              </span>
            }
            head={{
              cells: [
                { key: 'part', content: 'Part' },
                { key: 'before', content: 'Before delivery' },
                { key: 'after', content: 'After delivery' },
              ],
            }}
            rows={SCORE_COMPONENT_IDS.map((id) => ({
              key: id,
              testId: `points-${id}`,
              cells: [
                { key: 'part', content: SCORE_COMPONENT_LABELS[id] },
                { key: 'before', content: id === 'evidence' ? 'not yet' : points[id].before },
                { key: 'after', content: points[id].after },
              ],
            }))}
          />
        </TableScroll>
      ) : null}
    </>
  );
}
