// Saving what a drag or a key press did on the schedule. A single entry is PATCHed with the version it
// was shown at and shows where it was dropped while that saves; an occurrence of a series first asks
// which occurrences the move is for. A refusal (409: someone else saved first) is kept per entry for
// the view to show on it, and the entry goes back to where the server has it.
import { useCallback, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, messageOf } from '../../lib/api.ts';
import { useChangeOccurrence } from './api/change-occurrence.ts';
import { useCreateScheduleEntry, type CreateScheduleEntryInput } from './api/create-schedule-entry.ts';
import { scheduleKeys } from './api/keys.ts';
import type { ScheduleEntry } from './api/schedule-entry.ts';
import { useUpdateScheduleEntry } from './api/update-schedule-entry.ts';
import { useScopePrompt } from './components/ScopeDialog.tsx';
import type { Occurrence } from './recurrence.ts';

export interface PlannedChange {
  entry: ScheduleEntry;
  /** The occurrence as shown (the entry itself when it does not repeat). */
  occurrence: Occurrence;
  /** Its new start and end, in the entry's format. */
  times: Occurrence;
  assigneeIds?: string[];
  /** Read out once saved: "Moved “Visit” to Tue 3 Mar, 10:15 – 11:15". */
  done: string;
}

export interface EntryProblem {
  message: string;
  /** Someone else changed the entry: reloading shows their version. */
  conflict: boolean;
}

const partOfSeries = (entry: ScheduleEntry) => Boolean(entry.recurrence || entry.seriesEntryId);

function without<K, V>(map: Map<K, V>, key: K): Map<K, V> {
  const next = new Map(map);
  next.delete(key);
  return next;
}

export function useEntryChanges() {
  const queryClient = useQueryClient();
  const update = useUpdateScheduleEntry();
  const changeOccurrence = useChangeOccurrence();
  const create = useCreateScheduleEntry();
  const scope = useScopePrompt();
  const [optimistic, setOptimistic] = useState<Map<string, ScheduleEntry>>(() => new Map());
  const [saving, setSaving] = useState<Set<string>>(() => new Set());
  const savingRef = useRef(saving);
  savingRef.current = saving;
  const [problems, setProblems] = useState<Map<string, EntryProblem>>(() => new Map());
  const [announcement, setAnnouncement] = useState('');
  const [createError, setCreateError] = useState<string | null>(null);

  const setSavingOf = (id: string, on: boolean) =>
    setSaving((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const save = useCallback(
    async (plan: PlannedChange) => {
      const { entry, times, assigneeIds } = plan;
      // One change at a time per entry: the next one needs the version this one produces.
      if (savingRef.current.has(entry.id)) return;
      setProblems((current) => without(current, entry.id));
      let saved: Promise<unknown>;
      if (partOfSeries(entry)) {
        const chosen = await scope.ask({ title: `Move “${entry.title}”`, action: 'move' });
        if (!chosen) return setAnnouncement(`“${entry.title}” stays where it was.`);
        setSavingOf(entry.id, true);
        saved = changeOccurrence.mutateAsync({
          entry,
          occurrenceStart: entry.originalStart ?? plan.occurrence.start,
          scope: chosen,
          changes: { start: times.start, end: times.end, ...(assigneeIds ? { assigneeIds } : {}) },
        });
      } else {
        setSavingOf(entry.id, true);
        setOptimistic((current) => new Map(current).set(entry.id, { ...entry, ...times, assigneeIds: assigneeIds ?? entry.assigneeIds }));
        saved = update.mutateAsync({ id: entry.id, patch: { start: times.start, end: times.end, ...(assigneeIds ? { assigneeIds } : {}), expectedVersion: entry.version } });
      }
      try {
        await saved;
        setAnnouncement(plan.done);
      } catch (err) {
        const conflict = err instanceof ApiError && err.status === 409;
        setProblems((current) => new Map(current).set(entry.id, { message: messageOf(err), conflict }));
        setAnnouncement(`“${entry.title}” was not changed: ${messageOf(err)}`);
      } finally {
        setOptimistic((current) => without(current, entry.id));
        setSavingOf(entry.id, false);
      }
    },
    // The mutation objects change every render; their mutateAsync and ask are stable.
    [scope.ask, update.mutateAsync, changeOccurrence.mutateAsync],
  );

  /** Creates an entry where the pointer was dragged; resolves with it so the caller can open it. */
  const createAt = useCallback(
    async (input: CreateScheduleEntryInput, done: string): Promise<ScheduleEntry | null> => {
      setCreateError(null);
      try {
        const entry = await create.mutateAsync(input);
        setAnnouncement(done);
        return entry;
      } catch (err) {
        setCreateError(`The new entry was not created: ${messageOf(err)}`);
        return null;
      }
    },
    [create.mutateAsync],
  );

  /** After a refusal: fetch the schedule as it is now and drop the message. */
  const reload = useCallback(
    async (entryId: string) => {
      await queryClient.invalidateQueries({ queryKey: scheduleKeys.all });
      setProblems((current) => without(current, entryId));
    },
    [queryClient],
  );

  /** The entries with the ones being saved where they were dropped. */
  const withPending = useCallback((entries: ScheduleEntry[]) => (optimistic.size === 0 ? entries : entries.map((e) => optimistic.get(e.id) ?? e)), [optimistic]);

  return { save, createAt, reload, withPending, saving, problems, announcement, announce: setAnnouncement, createError, scopeElement: scope.element };
}
