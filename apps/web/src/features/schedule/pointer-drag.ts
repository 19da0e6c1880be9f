// Turns a press on the grid into a drag once the pointer has travelled a few pixels. The grid has one
// pointerdown listener; the move/up listeners exist only while a button is down. A press that never
// travels stays a click (which opens the entry), and a drag swallows the click that ends it.

const THRESHOLD_PX = 4;

export interface DragHandlers {
  /** The pointer moved (after the threshold). */
  move(event: PointerEvent): void;
  /** Released after dragging. */
  drop(event: PointerEvent): void;
  /** Escape, or the browser took the pointer away. */
  cancel(): void;
}

export function trackDrag(down: { clientX: number; clientY: number; pointerId: number }, handlers: DragHandlers): void {
  let dragging = false;
  const stop = () => {
    window.removeEventListener('pointermove', onMove);
    window.removeEventListener('pointerup', onUp);
    window.removeEventListener('pointercancel', onCancel);
    window.removeEventListener('keydown', onKey, true);
  };
  const onMove = (e: PointerEvent) => {
    if (e.pointerId !== down.pointerId) return;
    if (!dragging && Math.hypot(e.clientX - down.clientX, e.clientY - down.clientY) < THRESHOLD_PX) return;
    dragging = true;
    handlers.move(e);
  };
  const onUp = (e: PointerEvent) => {
    if (e.pointerId !== down.pointerId) return;
    stop();
    if (!dragging) return;
    swallowNextClick();
    handlers.drop(e);
  };
  const onCancel = () => {
    stop();
    if (dragging) handlers.cancel();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !dragging) return;
    e.preventDefault();
    e.stopPropagation();
    stop();
    swallowNextClick();
    handlers.cancel();
  };
  window.addEventListener('pointermove', onMove);
  window.addEventListener('pointerup', onUp);
  window.addEventListener('pointercancel', onCancel);
  window.addEventListener('keydown', onKey, true);
}

/** The click the browser sends after pointerup comes in the same task; later clicks are real ones. */
function swallowNextClick() {
  const swallow = (e: MouseEvent) => {
    e.stopPropagation();
    e.preventDefault();
  };
  window.addEventListener('click', swallow, { capture: true, once: true });
  setTimeout(() => window.removeEventListener('click', swallow, { capture: true }), 0);
}
