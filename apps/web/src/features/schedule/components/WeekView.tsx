// Seven day columns, Monday first; each entry (or occurrence of a series) is a button that opens it.
import { useMemo } from 'react';
import type { ScheduleUser } from '../api/get-users.ts';
import type { ScheduleEntry } from '../api/schedule-entry.ts';
import { assigneeNames, formatDayHeading, formatLongDate, formatWhen } from '../entry-display.ts';
import { describeRule, type Occurrence } from '../recurrence.ts';
import { layoutWeek, type Placement, type WeekWindow } from '../week.ts';

export function WeekView(props: {
  week: WeekWindow;
  today: string;
  entries: ScheduleEntry[];
  usersById: Map<string, ScheduleUser>;
  onOpen: (entry: ScheduleEntry, occurrence: Occurrence) => void;
  onShowList: () => void;
}) {
  const layout = useMemo(() => layoutWeek(props.entries, props.week), [props.entries, props.week]);
  return (
    <>
      {layout.unplaced.length > 0 && (
        <p className="muted schedule-note">
          {layout.unplaced.length === 1 ? 'One repeating entry' : `${layout.unplaced.length} repeating entries`} with a custom rule cannot be placed on
          days here.{' '}
          <button id="schedule-unplaced-show-list" type="button" className="schedule-link" onClick={props.onShowList}>
            See the list
          </button>
        </p>
      )}
      <div className="schedule-week">
        {props.week.days.map((day) => {
          const placements = layout.byDay.get(day) ?? [];
          return (
            <section key={day} className="schedule-day" data-today={day === props.today || undefined} aria-labelledby={`schedule-day-${day}`}>
              <h2 id={`schedule-day-${day}`} className="schedule-day-heading">
                <span aria-hidden="true">{formatDayHeading(day)}</span>
                <span className="schedule-sr-only">{formatLongDate(day)}</span>
                {day === props.today && <span className="schedule-today-mark">Today</span>}
              </h2>
              {placements.length > 0 ? (
                <ul className="schedule-day-entries">
                  {placements.map((p) => (
                    <li key={p.domId}>
                      <EntryCard placement={p} usersById={props.usersById} onOpen={props.onOpen} />
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="schedule-day-free muted">Free</p>
              )}
            </section>
          );
        })}
      </div>
    </>
  );
}

function EntryCard({
  placement,
  usersById,
  onOpen,
}: {
  placement: Placement;
  usersById: Map<string, ScheduleUser>;
  onOpen: (entry: ScheduleEntry, occurrence: Occurrence) => void;
}) {
  const { entry, occurrence, day } = placement;
  const people = assigneeNames(entry.assigneeIds, usersById);
  return (
    <button id={placement.domId} type="button" className="schedule-entry" data-all-day={entry.allDay || undefined} onClick={() => onOpen(entry, occurrence)}>
      <span className="schedule-entry-when">{formatWhen(entry, occurrence, day)}</span>
      <span className="schedule-entry-title">{entry.title}</span>
      {entry.recurrence && (
        <span className="schedule-badge" title={describeRule(entry.recurrence)}>
          Repeats
        </span>
      )}
      {entry.seriesEntryId && (
        <span className="schedule-badge" title="One occurrence of a repeating entry, changed on its own">
          Changed occurrence
        </span>
      )}
      {people && <span className="schedule-entry-people">{people}</span>}
    </button>
  );
}
