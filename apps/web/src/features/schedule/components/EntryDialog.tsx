// The create/edit dialog and, for an existing entry, the delete confirmation.
import { useState } from 'react';
import { useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { ConfirmDialog, Dialog } from '../../../components/Dialog.tsx';
import { ApiError, messageOf } from '../../../lib/api.ts';
import { useDeleteScheduleEntry } from '../api/delete-schedule-entry.ts';
import type { ScheduleUser } from '../api/get-users.ts';
import { scheduleKeys } from '../api/keys.ts';
import type { ScheduleEntry } from '../api/schedule-entry.ts';
import { EntryForm } from './EntryForm.tsx';

export type EntryDialogTarget = { mode: 'create'; date: string } | { mode: 'edit'; entry: ScheduleEntry };

export function EntryDialog(props: { target: EntryDialogTarget | null; users: UseQueryResult<{ items: ScheduleUser[] }>; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteScheduleEntry();
  const entry = props.target?.mode === 'edit' ? props.target.entry : null;

  const closeConfirm = () => {
    setConfirming(false);
    remove.reset();
  };
  const close = () => {
    closeConfirm();
    props.onClose();
  };
  const confirmDelete = () => {
    if (!entry) return;
    remove.mutate(entry.id, {
      onSuccess: close,
      onError: (err) => {
        // Someone else deleted it first: the outcome the user asked for.
        if (err instanceof ApiError && err.status === 404) {
          void queryClient.invalidateQueries({ queryKey: scheduleKeys.all });
          close();
        }
      },
    });
  };

  return (
    <>
      <Dialog id="entry-form" title={entry ? 'Edit entry' : 'New entry'} open={props.target !== null} onClose={close}>
        {props.target && (
          <EntryForm
            key={entry ? `${entry.id}-${entry.version}` : 'new'}
            target={props.target}
            users={props.users}
            onSaved={close}
            onCancel={close}
            onDelete={() => setConfirming(true)}
          />
        )}
      </Dialog>
      <ConfirmDialog
        id="entry-delete"
        title="Delete entry?"
        message={
          entry?.recurrence ? (
            <>
              “{entry.title}” repeats: deleting it removes <strong>every occurrence</strong>.
            </>
          ) : (
            <>“{entry?.title}” will be removed from the schedule.</>
          )
        }
        confirmLabel="Delete"
        open={confirming && entry !== null}
        pending={remove.isPending}
        error={remove.isError ? messageOf(remove.error) : null}
        onConfirm={confirmDelete}
        onClose={closeConfirm}
      />
    </>
  );
}
