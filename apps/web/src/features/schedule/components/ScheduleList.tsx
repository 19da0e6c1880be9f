// The week as a list: one row per entry (a series once, at its first occurrence this week).
import { useMemo } from 'react';
import type { ScheduleUser } from '../api/get-users.ts';
import type { ScheduleEntry } from '../api/schedule-entry.ts';
import { assigneeNames, formatDayHeading, formatWhen } from '../entry-display.ts';
import { describeRule, type Occurrence } from '../recurrence.ts';
import { firstOccurrences, type ScheduleWindow } from '../week.ts';
import { dateKeyAt } from '../zoned-time.ts';

/** The entry's times in its own zone, when that zone shows a different clock than the viewer's. */
function inEntryZone(entry: ScheduleEntry, shown: Occurrence, timeZone: string): string | null {
  if (entry.allDay || entry.timeZone === timeZone) return null;
  const own = formatWhen(entry, shown, undefined, entry.timeZone);
  return own === formatWhen(entry, shown, undefined, timeZone) ? null : `${own} in ${entry.timeZone.replaceAll('_', ' ')}`;
}

export function ScheduleList(props: { period: ScheduleWindow; entries: ScheduleEntry[]; usersById: Map<string, ScheduleUser>; onOpen: (entry: ScheduleEntry, occurrence?: Occurrence) => void }) {
  const { timeZone } = props.period;
  const rows = useMemo(() => firstOccurrences(props.entries, props.period), [props.entries, props.period]);
  return (
    <ul className="schedule-list">
      {rows.map(({ entry, occurrence }) => {
        const shown = occurrence ?? { start: entry.start, end: entry.end };
        const day = entry.allDay ? shown.start : dateKeyAt(Date.parse(shown.start), timeZone);
        const people = assigneeNames(entry.assigneeIds, props.usersById);
        const ownZone = inEntryZone(entry, shown, timeZone);
        return (
          <li key={entry.id}>
            <button id={`schedule-entry-${entry.id}`} type="button" className="schedule-row" onClick={() => props.onOpen(entry, occurrence ?? undefined)}>
              <span className="schedule-row-day">{occurrence ? formatDayHeading(day) : `Since ${formatDayHeading(day)}`}</span>
              <span className="schedule-row-when">
                {formatWhen(entry, shown, occurrence ? undefined : day, timeZone)}
                {ownZone && <small className="muted">{ownZone}</small>}
              </span>
              <span className="schedule-row-title">
                {entry.title}
                {entry.recurrence && <span className="schedule-badge">{describeRule(entry.recurrence)}</span>}
                {entry.seriesEntryId && <span className="schedule-badge">Changed occurrence</span>}
              </span>
              <span className="schedule-row-people muted">{people || 'Unassigned'}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
