// The "Upcoming schedule" section of a client's page: its entries from today to 30 days on, with
// times, technicians and a link that opens each one's day on the schedule.
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Empty, ErrorState, Loading } from '../../../components/states.tsx';
import { Link } from '../../../lib/router.tsx';
import { usersQuery } from '../../schedule/api/get-users.ts';
import { assigneeNames, formatWhen } from '../../schedule/entry-display.ts';
import { addDays, browserTimeZone, dateKeyAt, instantOf, isoWithOffset, parseDateKey } from '../../schedule/zoned-time.ts';
import { CLIENT_SCHEDULE_LIMIT, useClientSchedule } from '../api/get-client-schedule.ts';
import { scheduleLink, upcomingOccurrences } from '../upcoming-schedule.ts';

const UPCOMING_DAYS = 30;

/** Today's midnight to the one UPCOMING_DAYS later, in the viewer's zone: one query key per day. */
function upcomingWindow(timeZone: string) {
  const today = dateKeyAt(Date.now(), timeZone);
  const midnight = (day: string) => instantOf({ ...parseDateKey(day)!, hour: 0, minute: 0 }, timeZone);
  const [fromMs, toMs] = [midnight(today), midnight(addDays(today, UPCOMING_DAYS))];
  return { from: isoWithOffset(fromMs, timeZone), to: isoWithOffset(toMs, timeZone), toMs };
}

export function ClientUpcomingSchedule({ clientId }: { clientId: string }) {
  const timeZone = browserTimeZone();
  const { from, to, toMs } = upcomingWindow(timeZone);
  const schedule = useClientSchedule(clientId, { from, to });
  const users = useQuery(usersQuery);
  const usersById = useMemo(() => new Map((users.data?.items ?? []).map((u) => [u.id, u])), [users.data]);
  const upcoming = useMemo(() => (schedule.data ? upcomingOccurrences(schedule.data.items, Date.now(), toMs, timeZone) : []), [schedule.data, toMs, timeZone]);

  let body;
  if (schedule.isPending) body = <Loading id="client-schedule-loading" label="Loading the schedule…" />;
  else if (schedule.isError) body = <ErrorState id="client-schedule-error" error={schedule.error} onRetry={() => void schedule.refetch()} />;
  else if (upcoming.length === 0) body = <Empty id="client-schedule-empty">Nothing is scheduled for this client in the next {UPCOMING_DAYS} days.</Empty>;
  else {
    body = (
      <>
        <table id="client-schedule-table" className="record-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Entry</th>
              <th scope="col">Technicians</th>
              <th scope="col">
                <span className="record-sr-only">Schedule</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {upcoming.map(({ entry, occurrence, day }, n) => (
              <tr key={`${entry.id} ${occurrence.start}`} data-entry-id={entry.id}>
                <td>
                  <time dateTime={occurrence.start}>{formatWhen(entry, occurrence, undefined, timeZone)}</time>
                </td>
                <td>{entry.title}</td>
                <td>{entry.assigneeIds.length ? assigneeNames(entry.assigneeIds, usersById) : <span className="muted">Unassigned</span>}</td>
                <td>
                  <Link id={`client-schedule-open-${n}`} to={scheduleLink(day)}>
                    Open on the schedule
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {schedule.data.total > schedule.data.items.length && (
          <p id="client-schedule-partial" className="muted">
            Showing the first {CLIENT_SCHEDULE_LIMIT} entries of {schedule.data.total}.
          </p>
        )}
      </>
    );
  }

  return (
    <section id="client-schedule" className="record-section" aria-labelledby="client-schedule-title">
      <header className="record-header">
        <h2 id="client-schedule-title">Upcoming schedule</h2>
      </header>
      {body}
    </section>
  );
}
