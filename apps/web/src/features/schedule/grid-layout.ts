// Where each entry sits on the time grid (days across, hours down) and on the dispatch board
// (technicians down, time across). Pure functions of the entries, the window and its zone, memoised
// by the views: a week of 1,000 entries is laid out once per change and never measured in the DOM.
import type { ScheduleEntry } from './api/schedule-entry.ts';
import { occurrencesWithin, type Occurrence } from './recurrence.ts';
import { occurrencesShown, type ScheduleWindow } from './week.ts';
import { DAY_MS, dayNumberOf, wallTimeAt } from './zoned-time.ts';

export const SNAP_MINUTES = 15;
export const DAY_MINUTES = 1440;

/** One occurrence (or single entry) on screen, or the part of it on one day of the time grid. */
export interface Block {
  /** Unique on the page: `schedule-entry-<id>` for an entry's first block, with the day for the others. */
  domId: string;
  entry: ScheduleEntry;
  occurrence: Occurrence;
  /**
   * Where it starts and ends, in minutes: from its day's midnight on the time grid, from the window's
   * start on the dispatch board; in days from the window's first day in the all-day lane.
   */
  start: number;
  end: number;
  /** Its side-by-side column (time grid) or stacked lane (dispatch, all-day lane) among those it overlaps. */
  slot: number;
  /** How many columns share its cluster of overlapping blocks (time grid). */
  slots: number;
  /** Cut at a midnight or the window's edge: the occurrence starts earlier / ends later than shown. */
  startsBefore: boolean;
  endsAfter: boolean;
  /** The technician row it is on (dispatch); null elsewhere. */
  technicianId: string | null;
}

export interface TimeGridLayout {
  byDay: Map<string, Block[]>;
  allDay: Block[];
  allDayRows: number;
  /** Series whose rule is too rich to expand here and whose first occurrence is not in the window. */
  unplaced: ScheduleEntry[];
  byDomId: Map<string, Block>;
}

export interface DispatchLayout {
  rows: Map<string, { blocks: Block[]; lanes: number }>;
  unassigned: Block[];
  unplaced: ScheduleEntry[];
  byDomId: Map<string, Block>;
  totalMinutes: number;
  /** Minutes from the window's start to each day's midnight, and to its end. */
  dayMarks: number[];
}

/** The first block of an entry gets its plain id (what links and tests name); later ones add the day. */
function domIdMaker() {
  const used = new Set<string>();
  return (entryId: string, day: string) => {
    const base = `schedule-entry-${entryId}`;
    let id = used.has(base) ? `${base}-${day}` : base;
    for (let n = 2; used.has(id); n++) id = `${base}-${day}-${n}`;
    used.add(id);
    return id;
  };
}

/** Each entry with its occurrences in the window; a rule too rich to expand shows its first one if inside. */
function occurrencesOf(entries: ScheduleEntry[], window: ScheduleWindow) {
  const shown = occurrencesShown(entries, window);
  const unplaced: ScheduleEntry[] = [];
  const all = entries.map((entry) => {
    const occurrences = shown(entry) ?? occurrencesWithin({ ...entry, recurrence: null }, window.fromMs, window.toMs)!;
    if (occurrences.length === 0 && entry.recurrence) unplaced.push(entry);
    return { entry, occurrences };
  });
  return { all, unplaced };
}

/** Which day of the window an instant is in: -1 before it, `days.length` after it. */
function dayIndexAt(instant: number, window: ScheduleWindow): number {
  const { midnights } = window;
  if (instant < midnights[0]) return -1;
  let i = 0;
  while (i < window.days.length && instant >= midnights[i + 1]) i++;
  return i;
}

/** Minutes since the day's midnight as its clock reads them (a daylight-saving day is 23 or 25 hours long). */
function minuteOfDay(instant: number, dayIndex: number, window: ScheduleWindow): number {
  const midnight = window.midnights[dayIndex];
  if (window.midnights[dayIndex + 1] - midnight === DAY_MS) return (instant - midnight) / 60_000;
  const wall = wallTimeAt(instant, window.timeZone);
  return wall.hour * 60 + wall.minute;
}

/** The days of the window an all-day occurrence covers, as [first, end) indexes clamped to the window. */
function dayRange(occurrence: Occurrence, window: ScheduleWindow): [number, number] {
  const first = dayNumberOf(window.days[0]);
  const start = dayNumberOf(occurrence.start) - first;
  // A zero-length all-day entry still shows on its day.
  const end = Math.max(dayNumberOf(occurrence.end) - first, start + 1);
  return [Math.max(0, start), Math.min(window.days.length, end)];
}

/**
 * Assigns each block a slot as calendars do: blocks that overlap (directly or through others) form a
 * cluster; each takes the first slot free at its start, and every block of the cluster learns how
 * many slots the cluster needed. Short blocks count as `minLength` long, the room their text takes.
 * Returns the most slots any cluster needed.
 */
export function packSlots(blocks: Block[], minLength: number): number {
  const ordered = [...blocks].sort((a, b) => a.start - b.start || b.end - a.end);
  let most = 0;
  let cluster: Block[] = [];
  let ends: number[] = [];
  let clusterEnd = Number.NEGATIVE_INFINITY;
  const close = () => {
    for (const b of cluster) b.slots = ends.length;
    most = Math.max(most, ends.length);
    cluster = [];
    ends = [];
  };
  for (const block of ordered) {
    if (block.start >= clusterEnd) close();
    let slot = ends.findIndex((end) => end <= block.start);
    if (slot === -1) slot = ends.length;
    const end = Math.max(block.end, block.start + minLength);
    ends[slot] = end;
    block.slot = slot;
    cluster.push(block);
    clusterEnd = Math.max(clusterEnd, end);
  }
  close();
  return most;
}

const byStart = (a: Block, b: Block) => a.start - b.start || a.end - b.end || a.entry.title.localeCompare(b.entry.title);

export function layoutTimeGrid(entries: ScheduleEntry[], window: ScheduleWindow): TimeGridLayout {
  const byDay = new Map<string, Block[]>(window.days.map((d) => [d, []]));
  const allDay: Block[] = [];
  const domId = domIdMaker();
  const { all, unplaced } = occurrencesOf(entries, window);
  const block = (entry: ScheduleEntry, occurrence: Occurrence, day: string, fields: Pick<Block, 'start' | 'end' | 'startsBefore' | 'endsAfter'>): Block => ({
    domId: domId(entry.id, day),
    entry,
    occurrence,
    slot: 0,
    slots: 1,
    technicianId: null,
    ...fields,
  });

  for (const { entry, occurrences } of all) {
    for (const occurrence of occurrences) {
      if (entry.allDay) {
        const [first, end] = dayRange(occurrence, window);
        if (end <= first) continue;
        const startsBefore = dayNumberOf(occurrence.start) < dayNumberOf(window.days[first]);
        allDay.push(block(entry, occurrence, window.days[first], { start: first, end, startsBefore, endsAfter: end < dayNumberOf(occurrence.end) - dayNumberOf(window.days[0]) }));
        continue;
      }
      const startMs = Date.parse(occurrence.start);
      const endMs = Date.parse(occurrence.end);
      const first = Math.max(0, dayIndexAt(startMs, window));
      const last = Math.min(window.days.length - 1, dayIndexAt(Math.max(startMs, endMs - 1), window));
      // Something running past midnight shows on each day it covers.
      for (let i = first; i <= last; i++) {
        const startsBefore = startMs < window.midnights[i];
        const endsAfter = endMs > window.midnights[i + 1];
        const start = startsBefore ? 0 : minuteOfDay(startMs, i, window);
        const end = endsAfter || endMs === window.midnights[i + 1] ? DAY_MINUTES : minuteOfDay(Math.max(startMs, endMs), i, window);
        byDay.get(window.days[i])!.push(block(entry, occurrence, window.days[i], { start, end, startsBefore, endsAfter }));
      }
    }
  }
  for (const blocks of byDay.values()) {
    blocks.sort(byStart);
    packSlots(blocks, 2 * SNAP_MINUTES);
  }
  allDay.sort(byStart);
  const allDayRows = packSlots(allDay, 1);
  const byDomId = new Map([...allDay, ...[...byDay.values()].flat()].map((b) => [b.domId, b]));
  return { byDay, allDay, allDayRows, unplaced, byDomId };
}

/**
 * The dispatch board: a row per technician (in the order given) with each entry assigned to them,
 * time across the whole window in elapsed minutes, overlapping entries stacked in lanes; entries
 * assigned to nobody go to the side list.
 */
export function layoutDispatch(entries: ScheduleEntry[], window: ScheduleWindow, technicianIds: string[]): DispatchLayout {
  const rows = new Map(technicianIds.map((id) => [id, { blocks: [] as Block[], lanes: 1 }]));
  const unassigned: Block[] = [];
  const domId = domIdMaker();
  const { all, unplaced } = occurrencesOf(entries, window);
  const minutesFromStart = (instant: number) => Math.min(Math.max(instant - window.fromMs, 0), window.toMs - window.fromMs) / 60_000;

  for (const { entry, occurrences } of all) {
    for (const occurrence of occurrences) {
      let startMs: number;
      let endMs: number;
      if (entry.allDay) {
        const [first, end] = dayRange(occurrence, window);
        if (end <= first) continue;
        [startMs, endMs] = [window.midnights[first], window.midnights[end]];
      } else {
        [startMs, endMs] = [Date.parse(occurrence.start), Date.parse(occurrence.end)];
      }
      const fields = {
        entry,
        occurrence,
        start: minutesFromStart(startMs),
        end: minutesFromStart(endMs),
        slot: 0,
        slots: 1,
        startsBefore: entry.allDay ? dayNumberOf(occurrence.start) < dayNumberOf(window.days[0]) : startMs < window.fromMs,
        endsAfter: entry.allDay ? dayNumberOf(occurrence.end) > dayNumberOf(window.days[0]) + window.days.length : endMs > window.toMs,
      };
      const day = window.days[Math.max(0, dayIndexAt(Math.max(startMs, window.fromMs), window))] ?? window.days[0];
      if (entry.assigneeIds.length === 0) unassigned.push({ ...fields, domId: domId(entry.id, day), technicianId: null });
      for (const technicianId of entry.assigneeIds) {
        rows.get(technicianId)?.blocks.push({ ...fields, domId: domId(entry.id, `${day}-${technicianId}`), technicianId });
      }
    }
  }
  for (const row of rows.values()) {
    row.blocks.sort(byStart);
    row.lanes = Math.max(1, packSlots(row.blocks, 2 * SNAP_MINUTES));
  }
  unassigned.sort(byStart);
  const byDomId = new Map([...unassigned, ...[...rows.values()].flatMap((r) => r.blocks)].map((b) => [b.domId, b]));
  const dayMarks = window.midnights.map((m) => (m - window.fromMs) / 60_000);
  return { rows, unassigned, unplaced, byDomId, totalMinutes: (window.toMs - window.fromMs) / 60_000, dayMarks };
}
