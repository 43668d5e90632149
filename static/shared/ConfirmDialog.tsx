import Button from '@atlaskit/button/new';
import Modal, {
  ModalBody,
  ModalFooter,
  ModalHeader,
  ModalTitle,
  ModalTransition,
} from '@atlaskit/modal-dialog';
import { useRef, type ReactNode } from 'react';
import { placeDialogInView } from './placeDialogInView';

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
  // The control that opened the dialog, read as it opens: the dialog is placed beside it, in view.
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
          // A confirm asks for a choice (its buttons, or Escape): a click on the blanket is none. The second click of
          // a double click on the button that opens it lands on the blanket, and closed it before it was read.
          shouldCloseOnOverlayClick={false}
          width="small"
          onOpenComplete={(node) => placeDialogInView(node, opener.current)}
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
