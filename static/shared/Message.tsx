import SectionMessage from '@atlaskit/section-message';
import { forwardRef, type ReactNode } from 'react';

const APPEARANCE = {
  info: 'information',
  warning: 'warning',
  error: 'error',
  success: 'success',
} as const;

/**
 * Atlaskit's section message (info, warning, error, success) with a heading; errors are announced (alert), the
 * others are polite status updates. Its ref can take focus (tabIndex -1): where the control that asked for it has
 * gone, focus moves to what it answered.
 */
export const Message = forwardRef<
  HTMLElement,
  {
    appearance: 'info' | 'warning' | 'error' | 'success';
    title: string;
    children?: ReactNode;
    testId?: string;
  }
>(function Message(props, ref) {
  const role = props.appearance === 'error' ? 'alert' : 'status';
  return (
    <section
      className="ol-message"
      role={role}
      data-testid={props.testId}
      ref={ref}
      tabIndex={ref ? -1 : undefined}
    >
      <SectionMessage appearance={APPEARANCE[props.appearance]} title={props.title}>
        {props.children}
      </SectionMessage>
    </section>
  );
});
