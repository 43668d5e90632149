import SectionMessage from '@atlaskit/section-message';
import { TryAgain } from './TryAgain';

/**
 * A view that could not load: says what failed and why, and offers Try again. The wrapper carries the alert
 * role so a screen reader announces the failure as it appears.
 */
export function LoadError(props: {
  title: string;
  message: string;
  onRetry: () => Promise<unknown>;
  testId?: string;
}) {
  return (
    <div role="alert">
      <SectionMessage appearance="error" title={props.title} testId={props.testId}>
        <p>{props.message}</p>
        <TryAgain onRetry={props.onRetry} />
      </SectionMessage>
    </div>
  );
}
