// The schedule: a week or a day as a time grid, the dispatch board (technicians as rows), or a week as
// a list; the address says which (schedule-url.ts). Entries are dragged, stretched and created on the
// grid and edited in the dialog; the page fetches the period once and hands it to the view.
import { useMemo, useState } from 'react';
import { ErrorState, Empty, Loading } from '../../../components/states.tsx';
import { navigate, useLocation } from '../../../lib/router.tsx';
import { useClientOptions } from '../api/get-client-options.ts';
import { useEntrySync } from '../api/get-entry-sync.ts';
import { useScheduleEntries } from '../api/get-schedule-entries.ts';
import { isAssignable, useUsers, type ScheduleUser } from '../api/get-users.ts';
import type { ScheduleEntry } from '../api/schedule-entry.ts';
import { useScheduleSettings, type WorkingHours } from '../api/schedule-settings.ts';
import { describeTimes } from '../change-text.ts';
import { draftEntry } from '../grid-moves.ts';
import type { Occurrence } from '../recurrence.ts';
import { readScheduleUrl, scheduleQuery, windowOf, type ScheduleUrl } from '../schedule-url.ts';
import { useEntryChanges } from '../use-entry-changes.ts';
import { DispatchView } from './DispatchView.tsx';
import { EntryDialog, type EntryDialogTarget } from './EntryDialog.tsx';
import { KeyboardHelp, type GridContext } from './GridShell.tsx';
import { ScheduleList } from './ScheduleList.tsx';
import { ScheduleToolbar } from './ScheduleToolbar.tsx';
import { WeekView } from './WeekView.tsx';
import '../schedule.css';

/** Until the tenant's setting has loaded (and when none is stored): weekdays, 08:00–17:00. */
const DEFAULT_WORKING_HOURS: WorkingHours = { start: '08:00', end: '17:00', days: [1, 2, 3, 4, 5] };

export function SchedulePage() {
  const { path, search } = useLocation();
  const { timeZone, today, ...url } = readScheduleUrl(search);
  // `url` is new on every render; the period shown depends on these parts of it.
  const period = useMemo(() => windowOf(url, timeZone), [url.view, url.period, url.date, timeZone]);
  const entries = useScheduleEntries({ from: period.from, to: period.to });
  const users = useUsers();
  const clients = useClientOptions();
  const settings = useScheduleSettings();
  const sync = useEntrySync({ from: period.from, to: period.to });
  const changes = useEntryChanges();
  const [target, setTarget] = useState<EntryDialogTarget | null>(null);

  const usersById = useMemo(() => new Map<string, ScheduleUser>((users.data?.items ?? []).map((u) => [u.id, u])), [users.data]);
  const allTechnicians = useMemo(() => (users.data?.items ?? []).filter(isAssignable).sort((a, b) => a.displayName.localeCompare(b.displayName)), [users.data]);
  const techKey = url.technicianIds.join(',');
  const chosen = useMemo(() => new Set(techKey.split(',').filter(Boolean)), [techKey]);
  const technicians = useMemo(() => (chosen.size ? allTechnicians.filter((t) => chosen.has(t.id)) : allTechnicians), [allTechnicians, chosen]);

  const { withPending } = changes;
  const shown = useMemo(() => {
    let items = withPending(entries.data?.items ?? []);
    if (url.clientId) items = items.filter((e) => e.clientId === url.clientId);
    // The board filters by its rows; the grid keeps entries of any chosen technician.
    if (chosen.size && url.view !== 'dispatch') items = items.filter((e) => e.assigneeIds.some((id) => chosen.has(id)));
    return items;
  }, [entries.data, withPending, url.clientId, chosen, url.view]);

  const go = (next: ScheduleUrl) => {
    const query = scheduleQuery(next, today);
    navigate(query ? `${path}?${query}` : path, { replace: true });
  };

  const grid: GridContext = useMemo(
    () => ({
      timeZone,
      usersById,
      sync,
      saving: changes.saving,
      problems: changes.problems,
      save: (plan) => void changes.save(plan),
      reload: (entryId) => void changes.reload(entryId),
      announce: changes.announce,
      open: (entry: ScheduleEntry, occurrence: Occurrence) => setTarget({ mode: 'edit', entry, occurrence }),
      // Created at once with a placeholder title, then opened so it can be named and completed.
      create: async (times: Occurrence, technicianId: string | null) => {
        const assigneeIds = technicianId ? [technicianId] : [];
        const input = { title: 'New entry', ...times, timeZone, allDay: false, assigneeIds, clientId: url.clientId };
        const created = await changes.createAt(input, `Created “New entry”, ${describeTimes(draftEntry(times, timeZone, assigneeIds), times, timeZone)}. Name it in the dialog.`);
        if (created) setTarget({ mode: 'edit', entry: created });
      },
    }),
    [timeZone, usersById, sync, changes.saving, changes.problems, changes.save, changes.reload, changes.announce, changes.createAt, url.clientId],
  );

  const workingHours = settings.data?.workingHours ?? DEFAULT_WORKING_HOURS;
  let content;
  if (entries.isPending) content = <Loading id="schedule-loading" label="Loading the schedule…" />;
  else if (entries.isError && !entries.data) content = <ErrorState id="schedule-error" error={entries.error} onRetry={() => void entries.refetch()} />;
  else if (url.view === 'list')
    content =
      shown.length === 0 ? (
        <Empty id="schedule-empty">Nothing scheduled this week.</Empty>
      ) : (
        <ScheduleList period={period} entries={shown} usersById={usersById} onOpen={(entry, occurrence) => setTarget({ mode: 'edit', entry, occurrence })} />
      );
  else if (url.view === 'dispatch') content = <DispatchView period={period} entries={shown} technicians={technicians} workingHours={workingHours} grid={grid} />;
  else content = <WeekView period={period} today={today} entries={shown} workingHours={workingHours} grid={grid} />;

  const newEntryDate = period.days.includes(today) ? today : period.days[0];
  return (
    <section aria-labelledby="schedule-title" className="schedule">
      <ScheduleToolbar
        url={url}
        timeZone={timeZone}
        today={today}
        technicians={allTechnicians}
        clients={clients.data?.items ?? []}
        go={go}
        onNew={() => setTarget({ mode: 'create', date: newEntryDate })}
      />
      {entries.isError && entries.data && (
        // A refresh failed: keep showing what we have, say so.
        <ErrorState id="schedule-error" error={entries.error} onRetry={() => void entries.refetch()} />
      )}
      {changes.createError && (
        <p id="schedule-create-error" role="alert" className="error">
          {changes.createError}
        </p>
      )}
      <div className="schedule-body" aria-busy={entries.isFetching} data-stale={entries.isPlaceholderData || undefined}>
        {content}
      </div>
      {url.view !== 'list' && <KeyboardHelp view={url.view === 'dispatch' ? 'dispatch' : 'grid'} />}
      <p id="schedule-announcer" className="schedule-sr-only" aria-live="polite" role="status">
        {changes.announcement}
      </p>
      <EntryDialog target={target} users={users} onClose={() => setTarget(null)} />
      {changes.scopeElement}
    </section>
  );
}
