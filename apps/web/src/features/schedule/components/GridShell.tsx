// What the time grid and the dispatch board share: what they get from the page, keeping focus on an
// entry a key press moved, and the visible list of keys.
import { useEffect, useRef, type PointerEvent } from 'react';
import type { EntrySyncState } from '../api/get-entry-sync.ts';
import type { Block } from '../grid-layout.ts';
import type { ScheduleUser } from '../api/get-users.ts';
import type { ScheduleEntry } from '../api/schedule-entry.ts';
import type { Occurrence } from '../recurrence.ts';
import type { EntryProblem, PlannedChange } from '../use-entry-changes.ts';
import { KEYBOARD_HINT_ID } from './EntryBlock.tsx';

export interface GridContext {
  timeZone: string;
  usersById: Map<string, ScheduleUser>;
  sync: Map<string, EntrySyncState[]>;
  saving: Set<string>;
  problems: Map<string, EntryProblem>;
  save: (plan: PlannedChange) => void;
  reload: (entryId: string) => void;
  announce: (text: string) => void;
  open: (entry: ScheduleEntry, occurrence: Occurrence) => void;
  /** Dragged on empty time: make an entry there (for the technician whose row it was). */
  create: (times: Occurrence, technicianId: string | null) => void;
}

export const ARROWS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'PageUp', 'PageDown']);

/**
 * After a key press moves an entry its block may be drawn in another column or row (a new element),
 * and focus falls back to the page: it is put back on the entry, wherever it now is. Focus the person
 * moved elsewhere is left alone.
 */
export function useFocusFollow(layoutVersion: unknown) {
  const following = useRef<{ entryId: string; technicianId: string | null } | null>(null);
  useEffect(() => {
    const wanted = following.current;
    if (!wanted || (document.activeElement && document.activeElement !== document.body)) return;
    const selector = `.schedule-entry[data-entry-id="${wanted.entryId}"]${wanted.technicianId ? `[data-technician="${wanted.technicianId}"]` : ''}`;
    document.querySelector<HTMLElement>(selector)?.focus();
  }, [layoutVersion]);
  return {
    follow: (entryId: string, technicianId: string | null) => {
      following.current = { entryId, technicianId };
    },
    stop: () => {
      following.current = null;
    },
  };
}

/** The keys, where everyone can read them; entries point at the short version for screen readers. */
export function KeyboardHelp(props: { view: 'grid' | 'dispatch' }) {
  const keys =
    props.view === 'grid'
      ? [
          ['Alt + ↑ / ↓', 'Move 15 minutes earlier / later'],
          ['Alt + ← / →', 'Move to the previous / next day'],
          ['Alt + Shift + ↑ / ↓', 'End 15 minutes earlier / later (all-day: Alt + Shift + ← / → by a day)'],
        ]
      : [
          ['Alt + ← / →', 'Move 15 minutes earlier / later (all-day: a day)'],
          ['Alt + Page Up / Page Down', 'Move to the previous / next day'],
          ['Alt + ↑ / ↓', 'Move to the technician above / below (an unassigned entry goes to the first)'],
          ['Alt + Shift + ← / →', 'End 15 minutes earlier / later (all-day: a day)'],
        ];
  return (
    <details id="schedule-keyboard" className="schedule-keyboard">
      <summary id="schedule-keyboard-summary">Keyboard</summary>
      <p id={KEYBOARD_HINT_ID}>
        Tab to an entry. Enter opens it; Alt with the arrow keys moves it, Alt + Shift changes its length. Repeating entries ask which occurrences to
        change. Drag with the mouse to do the same, or drag on empty time to create an entry.
      </p>
      <dl>
        {keys.map(([key, what]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

/**
 * What a primary-button press on a view grabbed: a block to move or resize (not while it saves),
 * or empty space (`target`, for the view to decide whether it can create there); null for other
 * buttons, controls and the refusal notes under blocks.
 */
export function pressedOn(e: PointerEvent, byDomId: Map<string, Block>, grid: GridContext): { block: Block; kind: 'move' | 'resize' } | { target: HTMLElement } | null {
  if (e.button !== 0 || !e.isPrimary) return null;
  const target = e.target as HTMLElement;
  if (target.closest('button, a, input, select, .schedule-entry-problem')) return null;
  const blockElement = target.closest<HTMLElement>('.schedule-entry');
  if (!blockElement) return { target };
  const block = byDomId.get(blockElement.id);
  return block && !grid.saving.has(block.entry.id) ? { block, kind: target.closest('.schedule-entry-resize') ? 'resize' : 'move' } : null;
}
