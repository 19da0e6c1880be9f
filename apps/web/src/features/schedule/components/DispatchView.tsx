// The dispatch board: a row per technician, time across a day or a week, entries on the rows of the
// people assigned; entries assigned to nobody wait in the side list until dragged onto someone.
// Same machinery as the time grid (WeekView.tsx explains the choice of no calendar library).
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type MouseEvent, type PointerEvent } from 'react';
import type { ScheduleUser } from '../api/get-users.ts';
import type { WorkingHours } from '../api/schedule-settings.ts';
import type { ScheduleEntry } from '../api/schedule-entry.ts';
import { movedText, resizedText } from '../change-text.ts';
import { formatDayHeading } from '../entry-display.ts';
import { layoutDispatch, type Block } from '../grid-layout.ts';
import { draftEntry, moveTo, rangeOnGrid, replaceAssignee, resizeAllDay, resizeTo, shiftAllDay, shiftTimed, snap, snapStart } from '../grid-moves.ts';
import { trackDrag } from '../pointer-drag.ts';
import type { Occurrence } from '../recurrence.ts';
import type { ScheduleWindow } from '../week.ts';
import { dayNumberOf, weekdayOf } from '../zoned-time.ts';
import { EntryBlock, EntryProblemNote } from './EntryBlock.tsx';
import { ARROWS, pressedOn, useFocusFollow, type GridContext } from './GridShell.tsx';

const NAME_PX = 176;
const LANE_PX = 46;
const ROW_PADDING_PX = 6;
const MINUTE_MS = 60_000;
/** A day shows a working day and an hour either side (07:00–19:00 for 08:00–18:00) on a 1440 px screen. */
const DAY_PX_PER_HOUR = 60;
/** A week shows a working day of each in a wide screen. */
const WEEK_PX_PER_HOUR = 24;
/** Blocks narrower than this show their title only. */
const NARROW_PX = 72;

interface Drag {
  domId: string | null;
  technicianId: string | null;
  ghost: Block[];
}

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const iso = (instant: number) => new Date(instant).toISOString();
const clamp = (n: number, low: number, high: number) => Math.min(Math.max(n, low), high);

export function DispatchView(props: { period: ScheduleWindow; entries: ScheduleEntry[]; technicians: ScheduleUser[]; workingHours: WorkingHours; grid: GridContext }) {
  const { period, grid, technicians } = props;
  const technicianIds = useMemo(() => technicians.map((t) => t.id), [technicians]);
  const layout = useMemo(() => layoutDispatch(props.entries, period, technicianIds), [props.entries, period, technicianIds]);
  const [drag, setDrag] = useState<Drag | null>(null);
  const scaleRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const focus = useFocusFollow(layout);
  const dayCount = period.days.length;
  const pxPerMinute = dayCount === 1 ? DAY_PX_PER_HOUR / 60 : WEEK_PX_PER_HOUR / 60;
  const width = layout.totalMinutes * pxPerMinute;
  const nameOf = (id: string) => technicians.find((t) => t.id === id)?.displayName;

  const workStart = minutesOf(props.workingHours.start);
  const workEnd = minutesOf(props.workingHours.end);
  // Open on the (first) working day rather than at midnight.
  useLayoutEffect(() => {
    scrollRef.current?.scrollTo({ left: Math.max(0, workStart - 60) * pxPerMinute });
  }, [workStart, pxPerMinute]);

  const minuteAt = (x: number) => clamp((x - scaleRef.current!.getBoundingClientRect().left) / pxPerMinute, 0, layout.totalMinutes);
  const technicianAt = (x: number, y: number) => document.elementFromPoint(x, y)?.closest<HTMLElement>('[data-tech-row]')?.dataset.techRow ?? null;
  const ghostOf = (entry: ScheduleEntry, times: Occurrence, technicianId: string) =>
    layoutDispatch([{ ...entry, ...times, assigneeIds: [technicianId], recurrence: null, seriesEntryId: null }], period, [technicianId]).rows.get(technicianId)!.blocks;

  /** An all-day occurrence moved so it starts on the day of the period under `minute`. */
  const allDayAt = (occurrence: Occurrence, minute: number) => {
    const day = period.days[clamp(layout.dayMarks.findLastIndex((mark) => mark <= minute), 0, dayCount - 1)];
    return shiftAllDay(occurrence, dayNumberOf(day) - dayNumberOf(occurrence.start));
  };

  const dragBlock = (e: PointerEvent, block: Block, kind: 'move' | 'resize') => {
    const { entry, occurrence } = block;
    const from = minuteAt(e.clientX);
    let plan: { times: Occurrence; technicianId: string } | null = null;
    const planAt = (x: number, y: number) => {
      const minute = minuteAt(x);
      const technicianId = kind === 'resize' ? block.technicianId : (technicianAt(x, y) ?? block.technicianId);
      // From the side list, only a row is somewhere to drop.
      if (!technicianId) return null;
      let times: Occurrence;
      if (kind === 'resize') times = entry.allDay ? resizeAllDay(occurrence, Math.round((minute - block.end) / 1440)) : resizeTo(occurrence, period.fromMs + snap(minute) * MINUTE_MS);
      else if (!block.technicianId) times = entry.allDay ? allDayAt(occurrence, minute) : snapStart(moveTo(occurrence, period.fromMs + minute * MINUTE_MS), period.timeZone);
      else if (entry.allDay) times = shiftAllDay(occurrence, Math.round((minute - from) / 1440));
      else times = snapStart(shiftTimed(occurrence, { minutes: minute - from }, period.timeZone), period.timeZone);
      return { times, technicianId };
    };
    trackDrag(e, {
      move: (m) => {
        plan = planAt(m.clientX, m.clientY);
        setDrag({ domId: block.domId, technicianId: plan?.technicianId ?? null, ghost: plan ? ghostOf(entry, plan.times, plan.technicianId) : [] });
      },
      drop: () => {
        setDrag(null);
        if (!plan) return;
        const moved = plan.technicianId !== block.technicianId;
        if (!moved && plan.times.start === occurrence.start && plan.times.end === occurrence.end) return;
        const assigneeIds = moved ? replaceAssignee(entry.assigneeIds, block.technicianId, plan.technicianId) : undefined;
        const done = kind === 'resize' ? resizedText(entry, plan.times, period.timeZone) : movedText(entry, plan.times, period.timeZone, nameOf(plan.technicianId));
        grid.save({ entry, occurrence, times: plan.times, assigneeIds, done });
      },
      cancel: () => setDrag(null),
    });
  };

  const dragCreate = (e: PointerEvent, technicianId: string) => {
    const from = minuteAt(e.clientX);
    let times: Occurrence | null = null;
    trackDrag(e, {
      move: (m) => {
        const [start, end] = rangeOnGrid(from, minuteAt(m.clientX));
        times = { start: iso(period.fromMs + start * MINUTE_MS), end: iso(period.fromMs + end * MINUTE_MS) };
        setDrag({ domId: null, technicianId, ghost: ghostOf(draftEntry(times, period.timeZone, [technicianId]), times, technicianId) });
      },
      drop: () => {
        setDrag(null);
        if (times) grid.create(times, technicianId);
      },
      cancel: () => setDrag(null),
    });
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button === 0 && e.isPrimary) focus.stop();
    const pressed = pressedOn(e, layout.byDomId, grid);
    if (!pressed) return;
    if ('block' in pressed) return dragBlock(e, pressed.block, pressed.kind);
    const row = pressed.target.closest<HTMLElement>('.schedule-dispatch-track')?.closest<HTMLElement>('[data-tech-row]');
    if (row) {
      e.preventDefault();
      dragCreate(e, row.dataset.techRow!);
    }
  };

  const keyPlan = (e: KeyboardEvent, block: Block): { times: Occurrence; technicianId: string | null } | null => {
    const { entry, occurrence } = block;
    const step = e.key === 'ArrowUp' || e.key === 'ArrowLeft' || e.key === 'PageUp' ? -1 : 1;
    const byDays = (days: number) => (entry.allDay ? shiftAllDay(occurrence, days) : shiftTimed(occurrence, { days }, period.timeZone));
    if (e.key === 'PageUp' || e.key === 'PageDown') return { times: byDays(step), technicianId: block.technicianId };
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      if (e.shiftKey) return { times: entry.allDay ? resizeAllDay(occurrence, step) : resizeTo(occurrence, Date.parse(occurrence.end) + step * 15 * MINUTE_MS), technicianId: block.technicianId };
      return { times: entry.allDay ? byDays(step) : shiftTimed(occurrence, { minutes: step * 15 }, period.timeZone), technicianId: block.technicianId };
    }
    if (e.shiftKey) return null;
    const index = block.technicianId ? technicianIds.indexOf(block.technicianId) + step : 0;
    return index >= 0 && index < technicianIds.length ? { times: occurrence, technicianId: technicianIds[index] } : null;
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
    const plan = keyPlan(e, block);
    if (!plan) return grid.announce(e.shiftKey ? 'Use Alt + Shift with the left and right arrows to change the length.' : `There is no technician ${e.key === 'ArrowUp' ? 'above' : 'below'}.`);
    const moved = plan.technicianId !== block.technicianId;
    const assigneeIds = moved && plan.technicianId ? replaceAssignee(entry.assigneeIds, block.technicianId, plan.technicianId) : undefined;
    focus.follow(entry.id, plan.technicianId);
    const done = e.shiftKey ? resizedText(entry, plan.times, period.timeZone) : movedText(entry, plan.times, period.timeZone, plan.technicianId ? nameOf(plan.technicianId) : undefined);
    grid.save({ entry, occurrence, times: plan.times, assigneeIds, done });
  };

  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (target.closest('button, .schedule-entry-problem')) return;
    const block = layout.byDomId.get(target.closest<HTMLElement>('.schedule-entry')?.id ?? '');
    if (block) grid.open(block.entry, block.occurrence);
  };

  const offHours = period.days.flatMap((day, i) => {
    const [dayStart, dayEnd] = [layout.dayMarks[i], layout.dayMarks[i + 1]];
    if (!props.workingHours.days.includes(weekdayOf(day) + 1)) return [[dayStart, dayEnd]];
    return [
      [dayStart, dayStart + workStart],
      [dayStart + workEnd, dayEnd],
    ];
  });

  return (
    <div id="schedule-grid" className="schedule-dispatch" data-view="dispatch" data-ready="true" data-dragging={drag ? true : undefined} onPointerDown={onPointerDown} onKeyDown={onKeyDown} onClick={onClick}>
      <div id="schedule-grid-scroll" className="schedule-dispatch-scroll" ref={scrollRef}>
        <div className="schedule-dispatch-inner" style={{ width: NAME_PX + width, '--name': `${NAME_PX}px` } as CSSProperties}>
          <div className="schedule-dispatch-head">
            <div className="schedule-dispatch-corner">Technician</div>
            <div className="schedule-dispatch-scale" ref={scaleRef} style={{ width }} aria-hidden="true">
              <TimeScale period={period} dayMarks={layout.dayMarks} pxPerMinute={pxPerMinute} />
            </div>
          </div>
          <div className="schedule-dispatch-rows">
            <div className="schedule-dispatch-shading" aria-hidden="true">
              {offHours.map(([from, to]) => (
                <div key={from} className="schedule-off-hours" style={{ left: from * pxPerMinute, width: (to - from) * pxPerMinute }} />
              ))}
              <NowLine period={period} pxPerMinute={pxPerMinute} />
            </div>
            {technicians.map((technician) => (
              <TechnicianRow
                key={technician.id}
                technician={technician}
                row={layout.rows.get(technician.id)!}
                pxPerMinute={pxPerMinute}
                ghost={drag?.technicianId === technician.id ? drag.ghost : undefined}
                draggingId={drag?.domId ?? null}
                grid={grid}
              />
            ))}
            {technicians.length === 0 && <p className="muted schedule-dispatch-none">No technician matches the filter.</p>}
          </div>
        </div>
      </div>
      <aside id="schedule-unassigned" className="schedule-unassigned" aria-labelledby="schedule-unassigned-title">
        <h2 id="schedule-unassigned-title">Unassigned</h2>
        {layout.unassigned.length === 0 ? (
          <p className="muted">Everything in this period has a technician.</p>
        ) : (
          <ul>
            {layout.unassigned.map((block) => (
              <li key={block.domId}>
                <PlacedBlock block={block} style={{}} dragging={drag?.domId === block.domId} grid={grid} />
              </li>
            ))}
          </ul>
        )}
      </aside>
    </div>
  );
}

function TimeScale(props: { period: ScheduleWindow; dayMarks: number[]; pxPerMinute: number }) {
  const { period, dayMarks, pxPerMinute } = props;
  const hourStep = period.days.length === 1 ? 1 : 6;
  return (
    <>
      {period.days.map((day, i) => (
        <div key={day} className="schedule-scale-day" style={{ left: dayMarks[i] * pxPerMinute, width: (dayMarks[i + 1] - dayMarks[i]) * pxPerMinute }}>
          {period.days.length > 1 && <span className="schedule-scale-day-name">{formatDayHeading(day)}</span>}
          {Array.from({ length: 24 / hourStep }, (_, h) => (
            <span key={h} className="schedule-scale-hour" style={{ left: h * hourStep * 60 * pxPerMinute }}>
              {String(h * hourStep).padStart(2, '0')}:00
            </span>
          ))}
        </div>
      ))}
    </>
  );
}

/** The current time down every row, moved once a minute; nothing when now is outside the period. */
function NowLine(props: { period: ScheduleWindow; pxPerMinute: number }) {
  const { period } = props;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), MINUTE_MS);
    return () => clearInterval(timer);
  }, []);
  if (now < period.fromMs || now >= period.toMs) return null;
  return <div className="schedule-dispatch-now" style={{ left: ((now - period.fromMs) / MINUTE_MS) * props.pxPerMinute }} />;
}

function PlacedBlock(props: { block: Block; style: CSSProperties; problemStyle?: CSSProperties; dragging: boolean; short?: boolean; grid: GridContext }) {
  const { block, grid } = props;
  const problem = grid.problems.get(block.entry.id);
  return (
    <>
      <EntryBlock
        block={block}
        timeZone={grid.timeZone}
        style={props.style}
        usersById={grid.usersById}
        sync={grid.sync.get(block.entry.id)}
        saving={grid.saving.has(block.entry.id)}
        dragging={props.dragging}
        hidePerson={block.technicianId ?? undefined}
        resize="right"
        lines={props.short ? 1 : undefined}
      />
      {problem && <EntryProblemNote block={block} problem={problem} style={props.problemStyle ?? {}} onReload={grid.reload} />}
    </>
  );
}

const TechnicianRow = memo(function TechnicianRow(props: {
  technician: ScheduleUser;
  row: { blocks: Block[]; lanes: number };
  pxPerMinute: number;
  ghost: Block[] | undefined;
  draggingId: string | null;
  grid: GridContext;
}) {
  const { row, pxPerMinute } = props;
  const place = (block: Block): CSSProperties => ({
    left: block.start * pxPerMinute,
    width: Math.max((block.end - block.start) * pxPerMinute, 6),
    top: ROW_PADDING_PX / 2 + block.slot * LANE_PX,
    height: LANE_PX - 4,
  });
  return (
    <div className="schedule-dispatch-row" data-tech-row={props.technician.id} style={{ height: row.lanes * LANE_PX + ROW_PADDING_PX }} role="group" aria-label={props.technician.displayName}>
      <div className="schedule-dispatch-name">{props.technician.displayName}</div>
      <div className="schedule-dispatch-track">
        {row.blocks.map((block) => (
          <PlacedBlock
            key={block.domId}
            block={block}
            style={place(block)}
            problemStyle={{ ...place(block), top: ROW_PADDING_PX / 2 + (block.slot + 1) * LANE_PX - 4, height: 'auto', minWidth: 220 }}
            dragging={props.draggingId === block.domId}
            short={(block.end - block.start) * pxPerMinute < NARROW_PX}
            grid={props.grid}
          />
        ))}
        {props.ghost?.map((block) => (
          <div key={block.domId} className="schedule-ghost" style={{ ...place(block), top: ROW_PADDING_PX / 2, height: row.lanes * LANE_PX - 4 }} />
        ))}
      </div>
    </div>
  );
});
