// The create/edit dialog and, for an existing entry, the delete confirmation. Saving or deleting an
// occurrence of a series first asks which occurrences: this one, this and following, or all. A
// series saved with a start its rule skips is pointed out after saving.
import { useState } from 'react';
import { useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { ConfirmDialog, Dialog } from '../../../components/Dialog.tsx';
import { ApiError, messageOf } from '../../../lib/api.ts';
import { useChangeOccurrence } from '../api/change-occurrence.ts';
import { useDeleteOccurrence } from '../api/delete-occurrence.ts';
import { useDeleteScheduleEntry } from '../api/delete-schedule-entry.ts';
import { scheduleEntryQuery } from '../api/get-schedule-entry.ts';
import type { ScheduleUser } from '../api/get-users.ts';
import { scheduleKeys } from '../api/keys.ts';
import type { ScheduleEntry } from '../api/schedule-entry.ts';
import { formatLongDate } from '../entry-display.ts';
import { entryPatch, entryValues, type EntryFormValues } from '../entry-form-values.ts';
import { firstOccurrenceOffStart } from '../first-occurrence.ts';
import { describeRule, type Occurrence } from '../recurrence.ts';
import { browserTimeZone, dateKeyAt } from '../zoned-time.ts';
import { EntryForm } from './EntryForm.tsx';
import { useScopePrompt, type EditScope } from './ScopeDialog.tsx';

export type EntryDialogTarget = { mode: 'create'; date: string } | { mode: 'edit'; entry: ScheduleEntry; occurrence?: Occurrence };

/** An occurrence being edited: its series (or its override) and the start it has by the rule. */
interface OccurrenceTarget {
  entry: ScheduleEntry;
  originalStart: string;
  /** What the form shows: the series at the occurrence's times, or the override itself. */
  shown: ScheduleEntry;
}

function occurrenceTarget(target: EntryDialogTarget | null, entry: ScheduleEntry | null): OccurrenceTarget | null {
  if (target?.mode !== 'edit' || !entry) return null;
  const { occurrence } = target;
  if (entry.recurrence && occurrence) return { entry, originalStart: occurrence.start, shown: { ...entry, start: occurrence.start, end: occurrence.end } };
  if (entry.seriesEntryId && entry.originalStart) return { entry, originalStart: entry.originalStart, shown: entry };
  return null;
}

/** The day a start falls on, in the entry's own zone (the one its rule repeats in) unless told. */
const dayOf = (entry: ScheduleEntry, start: string, timeZone = entry.timeZone) => (entry.allDay ? start : dateKeyAt(Date.parse(start), timeZone));

export function EntryDialog(props: { target: EntryDialogTarget | null; users: UseQueryResult<{ items: ScheduleUser[] }>; onClose: () => void }) {
  const queryClient = useQueryClient();
  const scopePrompt = useScopePrompt();
  const [confirming, setConfirming] = useState(false);
  const [deleteScope, setDeleteScope] = useState<EditScope | null>(null);
  const [offRule, setOffRule] = useState<{ series: ScheduleEntry; first: Occurrence } | null>(null);
  const remove = useDeleteScheduleEntry();
  const removeOccurrence = useDeleteOccurrence();
  const changeOccurrence = useChangeOccurrence();
  const opened = props.target?.mode === 'edit' ? props.target.entry : null;
  // "Load their version" after a 409 fetches the entry into the cache: the occurrence is then shown
  // anew from it (the form alone would show the series' first occurrence).
  const latest = useQuery({ ...scheduleEntryQuery(opened?.id ?? ''), enabled: false });
  const entry = opened && latest.data && latest.data.version > opened.version ? latest.data : opened;
  const occurrence = occurrenceTarget(props.target, entry);
  const occurrenceDay = occurrence && dayOf(occurrence.shown, occurrence.shown.start, browserTimeZone());
  const removing = occurrence ? removeOccurrence : remove;

  const closeConfirm = () => {
    setConfirming(false);
    setDeleteScope(null);
    remove.reset();
    removeOccurrence.reset();
  };
  const close = () => {
    closeConfirm();
    props.onClose();
  };
  const onSaved = (saved?: ScheduleEntry) => {
    close();
    const first = saved && firstOccurrenceOffStart(saved);
    if (first) setOffRule({ series: saved, first });
  };

  const saveOccurrence = async (values: EntryFormValues): Promise<ScheduleEntry | null> => {
    const { entry: base, originalStart, shown } = occurrence!;
    const { expectedVersion: _, recurrence, ...changes } = entryPatch(values, shown);
    if (recurrence === undefined && Object.keys(changes).length === 0) return base; // nothing changed: nothing to ask
    // Moving the occurrence to another weekday carries "Weekly on <day>" along; only another choice is a new rule.
    const newRule = recurrence !== undefined && values.recurrence !== entryValues(shown).recurrence;
    const allDayChanged = changes.allDay !== undefined && changes.allDay !== shown.allDay;
    // One occurrence cannot repeat; the whole series cannot move by an all-day switch of one occurrence.
    const scopes = (['one', 'following', 'all'] as const).filter((scope) => !(newRule && scope === 'one') && !(allDayChanged && scope === 'all'));
    const scope = await scopePrompt.ask({ title: 'Save changes to a repeating entry', action: 'edit', scopes });
    if (!scope) return null;
    return changeOccurrence.mutateAsync({ entry: base, occurrenceStart: originalStart, scope, changes: { ...changes, ...(newRule ? { recurrence } : {}) } });
  };

  const onDelete = async () => {
    if (occurrence) {
      const scope = await scopePrompt.ask({ title: 'Delete from a repeating entry', action: 'delete' });
      if (!scope) return;
      setDeleteScope(scope);
    }
    setConfirming(true);
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
    if (occurrence && deleteScope) {
      removeOccurrence.mutate({ entry: occurrence.entry, occurrenceStart: occurrence.originalStart, scope: deleteScope }, { onSuccess: close, onError: onDeleteError });
    } else remove.mutate(entry.id, { onSuccess: close, onError: onDeleteError });
  };

  const title = entry?.title ?? '';
  let deleteMessage;
  if (deleteScope === 'one') deleteMessage = <>Only the occurrence of “{title}” on {formatLongDate(occurrenceDay!)} is removed; the rest of the series stays.</>;
  else if (deleteScope === 'following') deleteMessage = <>The occurrence of “{title}” on {formatLongDate(occurrenceDay!)} and every later one are removed; earlier ones stay.</>;
  else if (deleteScope === 'all' || entry?.recurrence)
    deleteMessage = (
      <>
        “{title}” repeats: deleting it removes <strong>every occurrence</strong>.
      </>
    );
  else deleteMessage = <>“{title}” will be removed from the schedule.</>;
  const confirmLabel = { one: 'Delete this occurrence', following: 'Delete these occurrences', all: 'Delete every occurrence' }[deleteScope ?? 'all'];

  return (
    <>
      <Dialog id="entry-form" title={entry ? (occurrence ? 'Edit occurrence' : 'Edit entry') : 'New entry'} open={props.target !== null} onClose={close}>
        {occurrence && <p className="entry-scope">Repeating entry, occurrence of {formatLongDate(occurrenceDay!)}. Saving or deleting asks which occurrences it applies to.</p>}
        {props.target && (
          <EntryForm
            key={entry ? `${entry.id}-${entry.version}-${occurrence?.originalStart ?? ''}` : 'new'}
            target={occurrence ? { mode: 'edit', entry: occurrence.shown } : props.target}
            saveOccurrence={occurrence ? saveOccurrence : undefined}
            users={props.users}
            onSaved={onSaved}
            onCancel={close}
            onDelete={() => void onDelete()}
          />
        )}
      </Dialog>
      {scopePrompt.element}
      <ConfirmDialog
        id="entry-delete"
        title={deleteScope === 'one' ? 'Delete this occurrence?' : deleteScope === 'following' ? 'Delete this and following?' : 'Delete entry?'}
        message={deleteMessage}
        confirmLabel={occurrence || entry?.recurrence ? confirmLabel : 'Delete'}
        open={confirming && entry !== null}
        pending={removing.isPending}
        error={removing.isError ? messageOf(removing.error) : null}
        onConfirm={confirmDelete}
        onClose={closeConfirm}
      />
      <Dialog id="entry-rule-notice" title="Its first occurrence is later" open={offRule !== null} onClose={() => setOffRule(null)}>
        {offRule && (
          <p>
            “{offRule.series.title}” starts on {formatLongDate(dayOf(offRule.series, offRule.series.start))}, a day its rule ({describeRule(offRule.series.recurrence!)})
            skips, so it first happens on <strong>{formatLongDate(dayOf(offRule.series, offRule.first.start))}</strong>. If that is not what you meant, edit its date or
            its rule.
          </p>
        )}
        <div className="actions">
          <button id="entry-rule-notice-ok" type="button" className="primary" onClick={() => setOffRule(null)}>
            OK
          </button>
        </div>
      </Dialog>
    </>
  );
}
