import SectionMessage from '@atlaskit/section-message';
import type { ReactNode } from 'react';

const APPEARANCE = {
  info: 'information',
  warning: 'warning',
  error: 'error',
  success: 'success',
} as const;

/**
 * Atlaskit's section message (info, warning, error, success) with a heading; errors are announced (alert), the
 * others are polite status updates.
 */
export function Message(props: {
  appearance: 'info' | 'warning' | 'error' | 'success';
  title: string;
  children?: ReactNode;
  testId?: string;
}) {
  const role = props.appearance === 'error' ? 'alert' : 'status';
  return (
    <section className="ol-message" role={role} data-testid={props.testId}>
      <SectionMessage appearance={APPEARANCE[props.appearance]} title={props.title}>
        {props.children}
      </SectionMessage>
    </section>
  );
}
