// The "this looks like one you already have" warning a save can answer with (409 possible_duplicate):
// what matched, a way to open the existing record, and a way to save anyway (`?confirm=true`).
import type { MouseEvent } from 'react';
import { ApiError } from '../lib/api.ts';
import { navigate } from '../lib/router.tsx';

export interface ExistingRecord {
  id: string;
  name: string;
  /** Where the record is shown in the app, e.g. /clients/<id>. */
  url: string;
}

export interface PossibleDuplicate {
  message: string;
  existing: ExistingRecord[];
}

/** The warning in a failed save, or null when the failure is something else. */
export function possibleDuplicateOf(error: unknown): PossibleDuplicate | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const body = error.body as { code?: unknown; existing?: unknown } | null;
  if (body?.code !== 'possible_duplicate' || !Array.isArray(body.existing)) return null;
  return { message: error.message, existing: body.existing as ExistingRecord[] };
}

/**
 * `onOpen` runs before the app moves to the existing record (close the dialog there); `onConfirm`
 * saves what the form holds anyway.
 */
export function PossibleDuplicateWarning(props: {
  id: string;
  duplicate: PossibleDuplicate;
  confirmLabel: string;
  pending: boolean;
  onOpen: () => void;
  onConfirm: () => void;
}) {
  const open = (url: string) => (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    props.onOpen();
    navigate(url);
  };
  const { existing } = props.duplicate;
  return (
    <div id={props.id} role="alert" className="notice possible-duplicate">
      <p id={`${props.id}-message`}>{props.duplicate.message}</p>
      <div className="actions">
        {existing.map((record, i) => (
          <a key={record.id} id={i === 0 ? `${props.id}-open` : `${props.id}-open-${i + 1}`} href={record.url} onClick={open(record.url)}>
            {existing.length === 1 ? 'Open existing' : `Open "${record.name}"`}
          </a>
        ))}
        <button id={`${props.id}-confirm`} type="button" onClick={props.onConfirm} disabled={props.pending}>
          {props.pending ? 'Saving…' : props.confirmLabel}
        </button>
      </div>
    </div>
  );
}
