// Asks before deleting a contact, and deletes it; shared by the contacts page and a client's section.
import { ConfirmDialog } from '../../../components/Dialog.tsx';
import { messageOf } from '../../../lib/api.ts';
import { useDeleteContact } from '../api/delete-contact.ts';
import type { Contact } from '../api/types.ts';

/** Open while `contact` is set; `onClose` runs on cancel and after a successful delete. */
export function DeleteContactDialog(props: { id: string; contact: Contact | null; onClose: () => void }) {
  const remove = useDeleteContact();
  const close = () => {
    remove.reset();
    props.onClose();
  };
  return (
    <ConfirmDialog
      id={props.id}
      title="Delete contact"
      message={
        <>
          Delete <strong>{props.contact?.fullName}</strong>? This cannot be undone; marking the contact inactive keeps its history.
        </>
      }
      confirmLabel="Delete contact"
      open={props.contact !== null}
      pending={remove.isPending}
      error={remove.error ? messageOf(remove.error) : null}
      onConfirm={() => props.contact && remove.mutate(props.contact.id, { onSuccess: close })}
      onClose={close}
    />
  );
}
