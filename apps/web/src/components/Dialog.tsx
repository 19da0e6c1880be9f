// A modal dialog on the native <dialog> element: focus moves into it, Escape closes it, the rest
// of the page is inert while it is open. Used for forms and for destructive confirmations.
import { useEffect, useRef, type ReactNode } from 'react';

export function Dialog(props: { id: string; title: string; open: boolean; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      id={props.id}
      aria-labelledby={`${props.id}-heading`}
      className="dialog"
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      {props.open && (
        <>
          <h2 id={`${props.id}-heading`}>{props.title}</h2>
          {props.children}
        </>
      )}
    </dialog>
  );
}

/** Asks before a destructive action; the action button shows progress and the error, if any. */
export function ConfirmDialog(props: {
  id: string;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  open: boolean;
  pending: boolean;
  error?: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog id={props.id} title={props.title} open={props.open} onClose={props.onClose}>
      <p>{props.message}</p>
      {props.error && (
        <p role="alert" className="error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
      <div className="actions">
        <button id={`${props.id}-cancel`} type="button" onClick={props.onClose} disabled={props.pending}>
          Cancel
        </button>
        <button id={`${props.id}-confirm`} type="button" className="danger" onClick={props.onConfirm} disabled={props.pending}>
          {props.pending ? 'Working…' : props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
