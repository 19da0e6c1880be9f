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

type EntryBlockProps = Parameters<typeof EntryBlockView>[0];

/**
 * Props equal, with `style` compared by its values: the views build it afresh on every render, and
 * without this each re-render of the grid (data arriving, a save, a drag) re-rendered every block.
 */
function sameProps(a: EntryBlockProps, b: EntryBlockProps): boolean {
  for (const key of Object.keys(a) as (keyof EntryBlockProps)[]) {
    if (key === 'style') continue;
    if (a[key] !== b[key]) return false;
  }
  if (Object.keys(a).length !== Object.keys(b).length) return false;
  const styleKeys = Object.keys(a.style) as (keyof CSSProperties)[];
  return styleKeys.length === Object.keys(b.style).length && styleKeys.every((key) => a.style[key] === b.style[key]);
}

export const EntryBlock = memo(EntryBlockView, sameProps);

function EntryBlockView(props: {
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
  /**
   * Whole lines of text the block has room for on the grid (none given: all). One line shows title
   * and time side by side; more add the time, the entry's own zone, the people and the marks, in
   * that order. Lines that would be cut are not rendered at all: a week of 1,000 entries renders
   * a third fewer elements.
   */
  lines?: number;
}) {
  const { block, timeZone } = props;
  const { entry, occurrence } = block;
  const people = assigneeNames(
    entry.assigneeIds.filter((id) => id !== props.hidePerson),
    props.usersById,
  );
  const ownZone = ownZoneTime(block, timeZone);
  // The head and the time take the first two lines (one, side by side, on a short block).
  let room = (props.lines ?? Infinity) - 2;
  const fits = (shown: unknown) => Boolean(shown) && room-- > 0;
  const showZone = fits(ownZone);
  const showPeople = fits(people);
  const showMarks = fits(entry.recurrence || entry.seriesEntryId);
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
      data-short={props.lines === 1 || undefined}
      data-starts-before={block.startsBefore || undefined}
      data-ends-after={block.endsAfter || undefined}
      data-saving={props.saving || undefined}
      data-dragging={props.dragging || undefined}
      aria-busy={props.saving || undefined}
      aria-describedby={KEYBOARD_HINT_ID}
      title={[entry.title, ownZone, entry.recurrence && `Repeats: ${describeRule(entry.recurrence)}`, entry.seriesEntryId && 'Changed occurrence'].filter(Boolean).join('\n')}
    >
      <span className="schedule-entry-head">
        <SyncBadge states={props.sync} usersById={props.usersById} />
        <span className="schedule-entry-title">{entry.title}</span>
      </span>
      <span className="schedule-entry-when">
        {formatWhen(entry, occurrence, props.day, timeZone)}
        {/* Without a line of its own, the entry's own clock follows its time on the same line. */}
        {ownZone && !showZone && <span className="schedule-entry-zone">{ownZone}</span>}
      </span>
      {showZone && <span className="schedule-entry-zone">{ownZone}</span>}
      {showPeople && <span className="schedule-entry-people">{people}</span>}
      {showMarks && (
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
      )}
      <span className={`schedule-entry-resize schedule-entry-resize-${props.resize}`} aria-hidden="true" />
    </div>
  );
}

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
