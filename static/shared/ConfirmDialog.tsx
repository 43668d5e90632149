import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A decision asked in a modal, as Jira asks before anything it cannot undo. The native modal <dialog> keeps
 * focus inside, makes the page behind it inert and closes on Escape; focus starts on the safe choice (Cancel)
 * and returns to the button that opened it.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** A confirm that loses data is styled as a warning. */
  appearance?: 'warning' | 'danger';
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      const opener = document.activeElement as HTMLElement | null;
      dialog.showModal();
      // The frame grows with its content, so its middle can be far off screen: open beside the button
      // that asked, above it when there is room, and bring it into view.
      if (opener) {
        const at = opener.getBoundingClientRect();
        const above = at.top + window.scrollY - dialog.offsetHeight - 8;
        dialog.style.top = `${Math.max(8, above)}px`;
      }
      dialog.scrollIntoView({ block: 'nearest' });
      cancelRef.current?.focus();
      return () => opener?.focus();
    }
    if (!props.open && dialog.open) dialog.close();
    return undefined;
  }, [props.open]);
  const titleId = `${props.confirmLabel.replace(/\W+/g, '-').toLowerCase()}-title`;
  return (
    <dialog
      ref={ref}
      className="ol-modal"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      {props.open ? (
        <div className="ol-stack">
          <h2 className="ol-heading" id={titleId}>
            {props.title}
          </h2>
          {props.children}
          <div className="ol-actions ol-modal-actions">
            <button type="button" className="ol-btn" ref={cancelRef} onClick={props.onCancel}>
              Cancel
            </button>
            <button
              type="button"
              className={`ol-btn ${props.appearance === 'danger' ? 'ol-btn-danger' : 'ol-btn-warning'}`}
              onClick={props.onConfirm}
            >
              {props.confirmLabel}
            </button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
