import type { ReactNode } from 'react';

/** A section message (info, warning, error, success) in design-token colours; errors are announced. */
export function Message(props: {
  appearance: 'info' | 'warning' | 'error' | 'success';
  title: string;
  children?: ReactNode;
  testId?: string;
}) {
  const role = props.appearance === 'error' ? 'alert' : 'status';
  return (
    <section className={`ol-message ol-message-${props.appearance}`} role={role} data-testid={props.testId}>
      <h2 className="ol-message-title">{props.title}</h2>
      {props.children}
    </section>
  );
}
