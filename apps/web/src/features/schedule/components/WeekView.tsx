// The time grid for a week or a day: days across, hours down, an all-day lane on top, overlapping
// entries side by side, working hours light and the rest shaded, a line at the current time.
//
// Built on plain React, CSS positioning and pointer events rather than a calendar library. FullCalendar
// and Schedule-X sell their resource (technician) views under commercial licences; EventCalendar (MIT)
// has them but no keyboard dragging or resizing and a Svelte runtime to ship; react-big-calendar's
// drag and drop has no keyboard path either. Here the layout is a pure, tested function
// (grid-layout.ts), one pointer and one key listener serve the whole grid, and each drag has a key.
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type MouseEvent, type PointerEvent } from 'react';
import type { WorkingHours } from '../api/schedule-settings.ts';
import type { ScheduleEntry } from '../api/schedule-entry.ts';
import { movedText, resizedText } from '../change-text.ts';
import { formatDayHeading, formatLongDate } from '../entry-display.ts';
import { DAY_MINUTES, layoutTimeGrid, type Block } from '../grid-layout.ts';
import { draftEntry, instantOnGrid, rangeOnGrid, resizeAllDay, resizeTo, shiftAllDay, shiftTimed, snap, snapStart } from '../grid-moves.ts';
import type { Occurrence } from '../recurrence.ts';
import { trackDrag } from '../pointer-drag.ts';
import type { ScheduleWindow } from '../week.ts';
import { dayNumberOf, wallTimeAt, weekdayOf } from '../zoned-time.ts';
import { EntryBlock, EntryProblemNote } from './EntryBlock.tsx';
import { ARROWS, pressedOn, useFocusFollow, type GridContext } from './GridShell.tsx';

const HOUR_PX = 48;
const PX_PER_MINUTE = HOUR_PX / 60;
const ALL_DAY_ROW_PX = 26;
/** A line of an entry's text (0.78rem at 1.25) and the block's padding and borders, in px. */
const LINE_PX = 15.6;
const BLOCK_CHROME_PX = 4;
const linesIn = (block: Block) => Math.max(1, Math.floor((Math.max(block.end - block.start, 15) * PX_PER_MINUTE - BLOCK_CHROME_PX) / LINE_PX));

interface Drag {
  /** The block being dragged (drawn faded), or null while creating. */
  domId: string | null;
  /** Where it would land, laid out like any entry. */
  ghost: ReturnType<typeof layoutTimeGrid>;
}

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const iso = (instant: number) => new Date(instant).toISOString();
const clamp = (n: number, low: number, high: number) => Math.min(Math.max(n, low), high);

export function WeekView(props: { period: ScheduleWindow; today: string; entries: ScheduleEntry[]; workingHours: WorkingHours; grid: GridContext }) {
  const { period, grid } = props;
  const layout = useMemo(() => layoutTimeGrid(props.entries, period), [props.entries, period]);
  const [drag, setDrag] = useState<Drag | null>(null);
  const columnsRef = useRef<HTMLDivElement>(null);
  const laneRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const focus = useFocusFollow(layout);
  const dayCount = period.days.length;

  // Open on the working day rather than at midnight.
  const workStart = minutesOf(props.workingHours.start);
  useLayoutEffect(() => {
    scrollRef.current?.scrollTo({ top: Math.max(0, workStart - 60) * PX_PER_MINUTE });
  }, [workStart]);

  const pointOnGrid = (x: number, y: number) => {
    const rect = columnsRef.current!.getBoundingClientRect();
    return { dayIndex: clamp(Math.floor(((x - rect.left) / rect.width) * dayCount), 0, dayCount - 1), minute: clamp((y - rect.top) / PX_PER_MINUTE, 0, DAY_MINUTES) };
  };
  const dayInLane = (x: number) => {
    const rect = laneRef.current!.getBoundingClientRect();
    return clamp(Math.floor(((x - rect.left) / rect.width) * dayCount), 0, dayCount - 1);
  };
  const ghostOf = (entry: ScheduleEntry, times: Occurrence) => layoutTimeGrid([{ ...entry, ...times, recurrence: null, seriesEntryId: null }], period);

  const dragBlock = (e: PointerEvent, block: Block, kind: 'move' | 'resize') => {
    const { entry, occurrence } = block;
    const from = pointOnGrid(e.clientX, e.clientY);
    const fromDay = dayInLane(e.clientX);
    let times: Occurrence | null = null;
    const timesAt = (x: number, y: number): Occurrence => {
      if (entry.allDay) {
        const days = dayInLane(x) - fromDay;
        if (kind === 'move') return shiftAllDay(occurrence, days);
        // The right edge follows the pointer's day.
        return resizeAllDay(occurrence, dayNumberOf(period.days[dayInLane(x)]) + 1 - dayNumberOf(occurrence.end));
      }
      const to = pointOnGrid(x, y);
      if (kind === 'resize') return resizeTo(occurrence, instantOnGrid(period, to.dayIndex, snap(to.minute)));
      return snapStart(shiftTimed(occurrence, { days: to.dayIndex - from.dayIndex, minutes: to.minute - from.minute }, period.timeZone), period.timeZone);
    };
    trackDrag(e, {
      move: (m) => {
        times = timesAt(m.clientX, m.clientY);
        setDrag({ domId: block.domId, ghost: ghostOf(entry, times) });
      },
      drop: () => {
        setDrag(null);
        if (!times || (times.start === occurrence.start && times.end === occurrence.end)) return;
        const done = kind === 'move' ? movedText(entry, times, period.timeZone) : resizedText(entry, times, period.timeZone);
        grid.save({ entry, occurrence, times, done });
      },
      cancel: () => setDrag(null),
    });
  };

  const dragCreate = (e: PointerEvent) => {
    const from = pointOnGrid(e.clientX, e.clientY);
    let times: Occurrence | null = null;
    trackDrag(e, {
      move: (m) => {
        const [start, end] = rangeOnGrid(from.minute, pointOnGrid(m.clientX, m.clientY).minute);
        times = { start: iso(instantOnGrid(period, from.dayIndex, start)), end: iso(instantOnGrid(period, from.dayIndex, end)) };
        setDrag({ domId: null, ghost: ghostOf(draftEntry(times, period.timeZone, []), times) });
      },
      drop: () => {
        setDrag(null);
        if (times) grid.create(times, null);
      },
      cancel: () => setDrag(null),
    });
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button === 0 && e.isPrimary) focus.stop();
    const pressed = pressedOn(e, layout.byDomId, grid);
    if (!pressed) return;
    if ('block' in pressed) return dragBlock(e, pressed.block, pressed.kind);
    if (pressed.target.closest('[data-column-day]')) {
      e.preventDefault();
      dragCreate(e);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (!target.classList.contains('schedule-entry')) return;
    const block = layout.byDomId.get(target.id);
    if (!block) return;
    const { entry, occurrence } = block;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      return grid.open(entry, occurrence);
    }
    if (!e.altKey || !ARROWS.has(e.key)) return;
    e.preventDefault();
    if (grid.saving.has(entry.id)) return grid.announce(`“${entry.title}” is still saving.`);
    const step = e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? -1 : 1;
    const vertical = e.key === 'ArrowUp' || e.key === 'ArrowDown';
    let times: Occurrence | null = null;
    if (entry.allDay) {
      if (!vertical) times = e.shiftKey ? resizeAllDay(occurrence, step) : shiftAllDay(occurrence, step);
    } else if (e.shiftKey) {
      if (vertical) times = resizeTo(occurrence, Date.parse(occurrence.end) + step * 15 * 60_000);
    } else {
      times = shiftTimed(occurrence, vertical ? { minutes: step * 15 } : { days: step }, period.timeZone);
    }
    if (!times) return grid.announce(entry.allDay ? 'All-day entries move and stretch by days: use Alt with the left and right arrows.' : 'Use Alt + Shift with the up and down arrows to change the length.');
    focus.follow(entry.id, null);
    grid.save({ entry, occurrence, times, done: e.shiftKey ? resizedText(entry, times, period.timeZone) : movedText(entry, times, period.timeZone) });
  };

  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (target.closest('button, .schedule-entry-problem')) return;
    const block = layout.byDomId.get(target.closest<HTMLElement>('.schedule-entry')?.id ?? '');
    if (block) grid.open(block.entry, block.occurrence);
  };

  const isoWeekday = (day: string) => weekdayOf(day) + 1;
  const working = (day: string) => (props.workingHours.days.includes(isoWeekday(day)) ? { start: workStart, end: minutesOf(props.workingHours.end) } : null);

  return (
    <div
      id="schedule-grid"
      className="schedule-grid"
      data-view={dayCount === 1 ? 'day' : 'week'}
      data-ready="true"
      data-dragging={drag ? true : undefined}
      style={{ '--days': dayCount, '--hour': `${HOUR_PX}px` } as CSSProperties}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
      onClick={onClick}
    >
      {layout.unplaced.length > 0 && (
        <p className="muted schedule-note">
          {layout.unplaced.length === 1 ? 'One repeating entry' : `${layout.unplaced.length} repeating entries`} with a custom rule cannot be placed here; the list view shows them.
        </p>
      )}
      <div id="schedule-grid-scroll" className="schedule-grid-scroll" ref={scrollRef}>
        <div className="schedule-grid-top">
          <div className="schedule-grid-head">
            <div className="schedule-gutter-cell" />
            {period.days.map((day) => (
              <h2 key={day} id={`schedule-day-${day}`} className="schedule-day-heading" data-today={day === props.today || undefined}>
                <span aria-hidden="true">{formatDayHeading(day)}</span>
                <span className="schedule-sr-only">{formatLongDate(day)}</span>
                {day === props.today && <span className="schedule-today-mark">Today</span>}
              </h2>
            ))}
          </div>
          <div className="schedule-allday">
            <div className="schedule-gutter-cell schedule-allday-label">All day</div>
            <div className="schedule-allday-lane" ref={laneRef} style={{ height: Math.max(1, layout.allDayRows + (drag?.ghost.allDay.length ? 1 : 0)) * ALL_DAY_ROW_PX + 4 }}>
              {layout.allDay.map((block) => (
                <PlacedBlock
                  key={block.domId}
                  block={block}
                  style={allDayStyle(block, dayCount)}
                  problemStyle={{ ...allDayStyle(block, dayCount), top: (block.slot + 1) * ALL_DAY_ROW_PX, height: 'auto' }}
                  dragging={drag?.domId === block.domId}
                  grid={grid}
                  resize="right"
                />
              ))}
              {drag?.ghost.allDay.map((block) => (
                <div key={block.domId} className="schedule-ghost" style={allDayStyle({ ...block, slot: layout.allDayRows }, dayCount)} />
              ))}
            </div>
          </div>
        </div>
        <div className="schedule-grid-body">
          <HourGutter />
          <div className="schedule-columns" ref={columnsRef}>
            {period.days.map((day) => (
              <DayColumn
                key={day}
                day={day}
                blocks={layout.byDay.get(day)!}
                ghost={drag?.ghost.byDay.get(day)}
                draggingId={drag?.domId ?? null}
                today={day === props.today}
                working={working(day)}
                grid={grid}
              />
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}

const allDayStyle = (block: Block, dayCount: number): CSSProperties => ({
  left: `calc(${(block.start / dayCount) * 100}% + 2px)`,
  width: `calc(${((block.end - block.start) / dayCount) * 100}% - 4px)`,
  top: block.slot * ALL_DAY_ROW_PX + 2,
  height: ALL_DAY_ROW_PX - 4,
});

const timedStyle = (block: Block): CSSProperties => ({
  top: block.start * PX_PER_MINUTE,
  height: Math.max(block.end - block.start, 15) * PX_PER_MINUTE,
  left: `${(block.slot / block.slots) * 100}%`,
  width: `calc(${100 / block.slots}% - 2px)`,
});

/** A block and, under it, why its last change did not save. */
function PlacedBlock(props: { block: Block; day?: string; style: CSSProperties; problemStyle: CSSProperties; dragging: boolean; grid: GridContext; resize: 'bottom' | 'right' }) {
  const { block, grid } = props;
  const problem = grid.problems.get(block.entry.id);
  return (
    <>
      <EntryBlock
        block={block}
        day={props.day}
        timeZone={grid.timeZone}
        style={props.style}
        usersById={grid.usersById}
        sync={grid.sync.get(block.entry.id)}
        saving={grid.saving.has(block.entry.id)}
        dragging={props.dragging}
        resize={props.resize}
        lines={props.resize === 'bottom' ? linesIn(block) : undefined}
      />
      {problem && <EntryProblemNote block={block} problem={problem} style={props.problemStyle} onReload={grid.reload} />}
    </>
  );
}

const DayColumn = memo(function DayColumn(props: {
  day: string;
  blocks: Block[];
  ghost: Block[] | undefined;
  draggingId: string | null;
  today: boolean;
  working: { start: number; end: number } | null;
  grid: GridContext;
}) {
  const { working } = props;
  return (
    <div className="schedule-column" data-column-day={props.day} data-today={props.today || undefined} aria-labelledby={`schedule-day-${props.day}`} role="group">
      {working ? (
        <>
          <div className="schedule-off-hours" style={{ top: 0, height: working.start * PX_PER_MINUTE }} />
          <div className="schedule-off-hours" style={{ top: working.end * PX_PER_MINUTE, bottom: 0 }} />
        </>
      ) : (
        <div className="schedule-off-hours" style={{ top: 0, bottom: 0 }} />
      )}
      {props.blocks.map((block) => (
        <PlacedBlock
          key={block.domId}
          block={block}
          day={props.day}
          style={timedStyle(block)}
          problemStyle={{ ...timedStyle(block), top: (block.start + Math.max(block.end - block.start, 15)) * PX_PER_MINUTE, height: 'auto' }}
          dragging={props.draggingId === block.domId}
          grid={props.grid}
          resize="bottom"
        />
      ))}
      {props.ghost?.map((block) => (
        <div key={block.domId} className="schedule-ghost" style={{ ...timedStyle(block), left: 0, width: '100%' }} />
      ))}
      {props.today && <NowLine timeZone={props.grid.timeZone} />}
    </div>
  );
});

function HourGutter() {
  return (
    <div className="schedule-gutter" aria-hidden="true">
      {Array.from({ length: 23 }, (_, i) => (
        <span key={i} className="schedule-hour" style={{ top: (i + 1) * HOUR_PX }}>
          {String(i + 1).padStart(2, '0')}:00
        </span>
      ))}
    </div>
  );
}

/** The current time, moved once a minute. */
function NowLine(props: { timeZone: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  const wall = wallTimeAt(now, props.timeZone);
  const minute = wall.hour * 60 + wall.minute;
  return <div className="schedule-now" style={{ top: minute * PX_PER_MINUTE }} aria-hidden="true" />;
}
