// The create/edit dialog and, for an existing entry, the delete confirmation. An occurrence of a
// series opens with a choice: change or delete this occurrence only, or the whole series.
import { useState } from 'react';
import { useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { ConfirmDialog, Dialog } from '../../../components/Dialog.tsx';
import { ApiError, messageOf } from '../../../lib/api.ts';
import { useCancelOccurrence } from '../api/cancel-occurrence.ts';
import { useDeleteScheduleEntry } from '../api/delete-schedule-entry.ts';
import type { ScheduleUser } from '../api/get-users.ts';
import { scheduleKeys } from '../api/keys.ts';
import type { ScheduleEntry } from '../api/schedule-entry.ts';
import { formatLongDate } from '../entry-display.ts';
import type { Occurrence } from '../recurrence.ts';
import { browserTimeZone, dateKeyAt } from '../zoned-time.ts';
import { EntryForm } from './EntryForm.tsx';

export type EntryDialogTarget = { mode: 'create'; date: string } | { mode: 'edit'; entry: ScheduleEntry; occurrence?: Occurrence };

type Scope = 'occurrence' | 'series';

export function EntryDialog(props: { target: EntryDialogTarget | null; users: UseQueryResult<{ items: ScheduleUser[] }>; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [scope, setScope] = useState<Scope>('occurrence');
  const remove = useDeleteScheduleEntry();
  const cancel = useCancelOccurrence();
  const entry = props.target?.mode === 'edit' ? props.target.entry : null;
  // An occurrence of a series opened from the schedule: its original start names it to the API.
  const occurrence = props.target?.mode === 'edit' && entry?.recurrence ? (props.target.occurrence ?? null) : null;
  const onlyThis = occurrence !== null && scope === 'occurrence';
  const occurrenceDay = occurrence && (entry!.allDay ? occurrence.start : dateKeyAt(Date.parse(occurrence.start), browserTimeZone()));
  const removing = onlyThis ? cancel : remove;

  const closeConfirm = () => {
    setConfirming(false);
    remove.reset();
    cancel.reset();
  };
  const close = () => {
    closeConfirm();
    setScope('occurrence');
    props.onClose();
  };
  const onDeleteError = (err: Error) => {
    // Someone else deleted it first: the outcome the user asked for.
    if (err instanceof ApiError && err.status === 404) {
      void queryClient.invalidateQueries({ queryKey: scheduleKeys.all });
      close();
    }
  };
  const confirmDelete = () => {
    if (!entry) return;
    if (onlyThis) cancel.mutate({ seriesId: entry.id, originalStart: occurrence.start }, { onSuccess: close, onError: onDeleteError });
    else remove.mutate(entry.id, { onSuccess: close, onError: onDeleteError });
  };

  let deleteMessage;
  if (onlyThis) deleteMessage = <>Only the occurrence of “{entry!.title}” on {formatLongDate(occurrenceDay!)} is removed; the rest of the series stays.</>;
  else if (entry?.recurrence)
    deleteMessage = (
      <>
        “{entry.title}” repeats: deleting it removes <strong>every occurrence</strong>.
      </>
    );
  else if (entry?.seriesEntryId) deleteMessage = <>This changed occurrence of “{entry.title}” is removed; the rest of the series stays.</>;
  else deleteMessage = <>“{entry?.title}” will be removed from the schedule.</>;

  return (
    <>
      <Dialog id="entry-form" title={entry ? (onlyThis ? 'Edit this occurrence' : 'Edit entry') : 'New entry'} open={props.target !== null} onClose={close}>
        {occurrence && <ScopeChoice scope={scope} day={occurrenceDay!} onChange={setScope} />}
        {props.target && (
          <EntryForm
            key={entry ? `${entry.id}-${entry.version}-${onlyThis}` : 'new'}
            // This occurrence alone: the form starts from the occurrence's times, without a rule.
            target={onlyThis ? { mode: 'edit', entry: { ...entry!, start: occurrence.start, end: occurrence.end, recurrence: null } } : props.target}
            occurrenceOf={onlyThis ? { seriesId: entry!.id, originalStart: occurrence.start } : undefined}
            users={props.users}
            onSaved={close}
            onCancel={close}
            onDelete={() => setConfirming(true)}
          />
        )}
      </Dialog>
      <ConfirmDialog
        id="entry-delete"
        title={onlyThis ? 'Delete this occurrence?' : 'Delete entry?'}
        message={deleteMessage}
        confirmLabel={onlyThis ? 'Delete this occurrence' : 'Delete'}
        open={confirming && entry !== null}
        pending={removing.isPending}
        error={removing.isError ? messageOf(removing.error) : null}
        onConfirm={confirmDelete}
        onClose={closeConfirm}
      />
    </>
  );
}

function ScopeChoice(props: { scope: Scope; day: string; onChange: (scope: Scope) => void }) {
  return (
    <fieldset className="entry-scope">
      <legend>This entry repeats. Change or delete:</legend>
      <div className="entry-form-check">
        <input id="entry-scope-occurrence" type="radio" name="entry-scope" checked={props.scope === 'occurrence'} onChange={() => props.onChange('occurrence')} />
        <label htmlFor="entry-scope-occurrence">This occurrence ({formatLongDate(props.day)})</label>
      </div>
      <div className="entry-form-check">
        <input id="entry-scope-series" type="radio" name="entry-scope" checked={props.scope === 'series'} onChange={() => props.onChange('series')} />
        <label htmlFor="entry-scope-series">The whole series</label>
      </div>
    </fieldset>
  );
}
