// One entry (or occurrence) on the time grid or the dispatch board: a focusable button-like block the
// grid's single pointer and key listeners act on, with its sync badge, its resize handle and, after a
// refused change, the reason next to it. Positions come from the layout; nothing here measures.
import { memo, type CSSProperties } from 'react';
import type { EntrySyncState } from '../api/get-entry-sync.ts';
import type { ScheduleUser } from '../api/get-users.ts';
import { assigneeNames, formatWhen } from '../entry-display.ts';
import type { Block } from '../grid-layout.ts';
import { describeRule } from '../recurrence.ts';
import type { EntryProblem } from '../use-entry-changes.ts';
import { SyncBadge } from './SyncBadge.tsx';

export const KEYBOARD_HINT_ID = 'schedule-keyboard-hint';

/** "9:00 – 10:00 AM in America/Chicago" when the entry's own zone shows another clock than the viewer's. */
export function ownZoneTime(block: Block, timeZone: string): string | null {
  const { entry, occurrence } = block;
  if (entry.allDay || entry.timeZone === timeZone) return null;
  const own = formatWhen(entry, occurrence, undefined, entry.timeZone);
  return own === formatWhen(entry, occurrence, undefined, timeZone) ? null : `${own} in ${entry.timeZone.replaceAll('_', ' ')}`;
}

export const EntryBlock = memo(function EntryBlock(props: {
  block: Block;
  day?: string;
  timeZone: string;
  style: CSSProperties;
  usersById: Map<string, ScheduleUser>;
  sync: EntrySyncState[] | undefined;
  saving: boolean;
  dragging: boolean;
  /** On a technician's row the name is the row's; other assignees still show. */
  hidePerson?: string;
  resize: 'bottom' | 'right';
  /** Too short on the grid for more than one line: title and time side by side. */
  short?: boolean;
}) {
  const { block, timeZone } = props;
  const { entry, occurrence } = block;
  const people = assigneeNames(
    entry.assigneeIds.filter((id) => id !== props.hidePerson),
    props.usersById,
  );
  const ownZone = ownZoneTime(block, timeZone);
  return (
    <div
      id={block.domId}
      role="button"
      tabIndex={0}
      className="schedule-entry"
      style={props.style}
      data-entry-id={entry.id}
      data-occurrence-start={entry.recurrence ? occurrence.start : (entry.originalStart ?? undefined)}
      data-technician={block.technicianId ?? undefined}
      data-all-day={entry.allDay || undefined}
      data-short={props.short || undefined}
      data-starts-before={block.startsBefore || undefined}
      data-ends-after={block.endsAfter || undefined}
      data-saving={props.saving || undefined}
      data-dragging={props.dragging || undefined}
      aria-busy={props.saving || undefined}
      aria-describedby={KEYBOARD_HINT_ID}
      title={ownZone ? `${entry.title}\n${ownZone}` : entry.title}
    >
      <span className="schedule-entry-head">
        <SyncBadge states={props.sync} usersById={props.usersById} />
        <span className="schedule-entry-title">{entry.title}</span>
      </span>
      <span className="schedule-entry-when">{formatWhen(entry, occurrence, props.day, timeZone)}</span>
      {ownZone && <span className="schedule-entry-zone">{ownZone}</span>}
      {people && <span className="schedule-entry-people">{people}</span>}
      <span className="schedule-entry-marks">
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
      </span>
      <span className={`schedule-entry-resize schedule-entry-resize-${props.resize}`} aria-hidden="true" />
    </div>
  );
});

/** Why the last change to an entry did not save, shown under it; a conflict offers the current version. */
export function EntryProblemNote(props: { block: Block; problem: EntryProblem; style: CSSProperties; onReload: (entryId: string) => void }) {
  const { entry } = props.block;
  return (
    <div className="schedule-entry-problem" role="alert" style={props.style} data-problem-for={entry.id}>
      <p>{props.problem.conflict ? `Not moved: someone else changed “${entry.title}” meanwhile.` : props.problem.message}</p>
      <button id={`schedule-problem-reload-${props.block.domId}`} type="button" onClick={() => props.onReload(entry.id)}>
        Reload
      </button>
    </div>
  );
}
