import Button from '@atlaskit/button/new';
import Modal, {
  ModalBody,
  ModalFooter,
  ModalHeader,
  ModalTitle,
  ModalTransition,
} from '@atlaskit/modal-dialog';
import { useRef, type ReactNode } from 'react';

/**
 * Forge sizes a surface's frame to its content, so the frame's top (where Atlaskit puts a modal) can be far
 * off screen while the person looks at the button they pressed: the dialog moves up or down to sit just above
 * that button (below it when there is no room above), inside the blanket that still covers the whole frame.
 * A dialog that grows once open (a refusal shown in it) grows away from that button: placed above it, its bottom
 * and its own buttons stay where the person pressed them, instead of sliding down past the visible page (until
 * its top reaches the frame's, from where it can only grow downwards).
 */
export function placeBeside(dialog: HTMLElement, opener: Element | null): void {
  // Atlaskit's positioner: the absolutely placed box around the dialog (the node itself or an ancestor).
  let box: HTMLElement | null = dialog;
  for (let depth = 0; box && depth < 3 && getComputedStyle(box).position !== 'absolute'; depth++)
    box = box.parentElement;
  if (!box || !opener || getComputedStyle(box).position !== 'absolute') return;
  const positioner = box;
  // Read once: the dialog stays where it opened, even when the list behind the blanket is read again meanwhile.
  const at = opener.getBoundingClientRect();
  const above = at.top - dialog.getBoundingClientRect().height - 8 >= 8;
  const place = () => {
    const top = above ? at.top - dialog.getBoundingClientRect().height - 8 : at.bottom + 8;
    // Atlaskit's own placement is !important, so this one must be too.
    positioner.style.setProperty('top', `${Math.max(8, top)}px`, 'important');
    positioner.style.setProperty('bottom', 'auto', 'important');
  };
  place();
  dialog.scrollIntoView({ block: 'nearest' });
  if (!above || typeof ResizeObserver === 'undefined') return;
  const resized = new ResizeObserver(() => {
    if (dialog.isConnected) place();
    else resized.disconnect();
  });
  resized.observe(dialog);
}

/**
 * A decision asked in Atlaskit's modal dialog, as Jira asks before anything it cannot undo: it keeps focus
 * inside, hides the page behind it from assistive technology, closes on Escape, starts on the safe choice
 * (Cancel) and gives focus back to the button that opened it. While `busy` (the confirmed action is under way)
 * it stays open with both buttons off, so a second press cannot send the action again.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  /** A confirm that loses data is styled as a warning, one that destroys as a danger. */
  appearance?: 'warning' | 'danger';
  busy?: boolean;
  /** Once the dialog has left: where focus goes when the button that opened it is gone. */
  onClosed?: () => void;
}) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  // The control that opened the dialog, read as it opens: the dialog is placed beside it.
  const opener = useRef<Element | null>(null);
  const wasOpen = useRef(false);
  if (props.open && !wasOpen.current) opener.current = document.activeElement;
  wasOpen.current = props.open;
  return (
    <ModalTransition>
      {props.open ? (
        <Modal
          onClose={() => {
            if (!props.busy) props.onCancel();
          }}
          autoFocus={cancelRef}
          width="small"
          onOpenComplete={(node) => placeBeside(node, opener.current)}
          {...(props.onClosed ? { onCloseComplete: props.onClosed } : {})}
        >
          <ModalHeader>
            <ModalTitle appearance={props.appearance ?? 'warning'}>{props.title}</ModalTitle>
          </ModalHeader>
          <ModalBody>{props.children}</ModalBody>
          <ModalFooter>
            <Button ref={cancelRef} appearance="subtle" isDisabled={props.busy} onClick={props.onCancel}>
              Cancel
            </Button>
            <Button
              appearance={props.appearance ?? 'warning'}
              isLoading={props.busy}
              onClick={() => {
                if (!props.busy) props.onConfirm();
              }}
            >
              {props.confirmLabel}
            </Button>
          </ModalFooter>
        </Modal>
      ) : null}
    </ModalTransition>
  );
}
