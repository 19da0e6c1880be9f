// The schedule: one week (Monday to Sunday, ?week=) as day columns or as a list (?view=list), and
// the dialog that creates and edits entries.
import { useMemo, useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/states.tsx';
import { navigate, useLocation } from '../../../lib/router.tsx';
import { SCHEDULE_PAGE_LIMIT, useScheduleEntries } from '../api/get-schedule-entries.ts';
import { useUsers, type ScheduleUser } from '../api/get-users.ts';
import type { ScheduleEntry } from '../api/schedule-entry.ts';
import { formatWeekRange } from '../entry-display.ts';
import type { Occurrence } from '../recurrence.ts';
import { mondayOf, todayKey, weekFromParam, weekWindow } from '../week.ts';
import { addDays } from '../zoned-time.ts';
import { EntryDialog, type EntryDialogTarget } from './EntryDialog.tsx';
import { ScheduleList } from './ScheduleList.tsx';
import { WeekView } from './WeekView.tsx';
import '../schedule.css';

type View = 'week' | 'list';

export function SchedulePage() {
  const { path, search } = useLocation();
  const today = todayKey();
  const monday = weekFromParam(search.get('week'), today);
  const view: View = search.get('view') === 'list' ? 'list' : 'week';
  const week = useMemo(() => weekWindow(monday), [monday]);
  const entries = useScheduleEntries({ from: week.from, to: week.to });
  const users = useUsers();
  const usersById = useMemo(() => new Map<string, ScheduleUser>((users.data?.items ?? []).map((u) => [u.id, u])), [users.data]);
  const [target, setTarget] = useState<EntryDialogTarget | null>(null);

  // The current week and the week view are the defaults, so they stay out of the URL.
  const go = (next: { monday?: string; view?: View }) => {
    const params = new URLSearchParams();
    const nextMonday = next.monday ?? monday;
    if (nextMonday !== mondayOf(today)) params.set('week', nextMonday);
    if ((next.view ?? view) === 'list') params.set('view', 'list');
    const query = params.toString();
    navigate(query ? `${path}?${query}` : path, { replace: true });
  };
  const openEntry = (entry: ScheduleEntry, occurrence?: Occurrence) => setTarget({ mode: 'edit', entry, occurrence });
  const newEntryDate = week.days.includes(today) ? today : monday;

  let content;
  if (entries.isPending) content = <Loading id="schedule-loading" label="Loading the schedule…" />;
  else if (entries.isError && !entries.data) content = <ErrorState id="schedule-error" error={entries.error} onRetry={() => void entries.refetch()} />;
  else if (entries.data.items.length === 0) content = <Empty id="schedule-empty">Nothing scheduled this week.</Empty>;
  else if (view === 'week') content = <WeekView week={week} today={today} entries={entries.data.items} usersById={usersById} onOpen={openEntry} onShowList={() => go({ view: 'list' })} />;
  else content = <ScheduleList week={week} entries={entries.data.items} usersById={usersById} onOpen={openEntry} />;

  return (
    <section aria-labelledby="schedule-title" className="schedule">
      <header className="schedule-toolbar">
        <div className="schedule-heading">
          <h1 id="schedule-title">Schedule</h1>
          <p className="schedule-week-label" aria-live="polite">
            {formatWeekRange(monday)}
          </p>
        </div>
        <div className="schedule-controls">
          <div role="group" aria-label="Week" className="schedule-group">
            <button id="schedule-prev-week" type="button" aria-label="Previous week" onClick={() => go({ monday: addDays(monday, -7) })}>
              ‹ Prev
            </button>
            <button id="schedule-today" type="button" onClick={() => go({ monday: mondayOf(today) })}>
              Today
            </button>
            <button id="schedule-next-week" type="button" aria-label="Next week" onClick={() => go({ monday: addDays(monday, 7) })}>
              Next ›
            </button>
          </div>
          <div role="group" aria-label="View" className="schedule-group">
            <button id="schedule-view-week" type="button" aria-pressed={view === 'week'} onClick={() => go({ view: 'week' })}>
              Week
            </button>
            <button id="schedule-view-list" type="button" aria-pressed={view === 'list'} onClick={() => go({ view: 'list' })}>
              List
            </button>
          </div>
          <button id="schedule-new" type="button" className="primary" onClick={() => setTarget({ mode: 'create', date: newEntryDate })}>
            New entry
          </button>
        </div>
      </header>
      {entries.data && entries.data.total > entries.data.items.length && (
        <p id="schedule-truncated" className="muted" role="status">
          Showing the first {SCHEDULE_PAGE_LIMIT} of {entries.data.total} entries this week.
        </p>
      )}
      {entries.isError && entries.data && (
        // A refresh failed: keep showing what we have, say so.
        <ErrorState id="schedule-error" error={entries.error} onRetry={() => void entries.refetch()} />
      )}
      <div className="schedule-body" aria-busy={entries.isFetching} data-stale={entries.isPlaceholderData || undefined}>
        {content}
      </div>
      <EntryDialog target={target} users={users} onClose={() => setTarget(null)} />
    </section>
  );
}
