// Loading, error and empty states shared by every page.
import type { ReactNode } from 'react';
import { messageOf } from '../lib/api.ts';

export function Loading(props: { id: string; label?: string }) {
  return (
    <p id={props.id} className="muted" role="status" aria-live="polite">
      {props.label ?? 'Loading…'}
    </p>
  );
}

export function ErrorState(props: { id: string; error: unknown; onRetry?: () => void }) {
  return (
    <div id={props.id} role="alert" className="error-state">
      <p>{messageOf(props.error)}</p>
      {props.onRetry && (
        <button id={`${props.id}-retry`} type="button" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty(props: { id: string; children: ReactNode }) {
  return (
    <p id={props.id} className="muted empty">
      {props.children}
    </p>
  );
}

/** A labelled input with its field error under it. */
export function Field(props: { id: string; label: string; error?: string; children: ReactNode; hint?: string }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.hint && <small className="muted">{props.hint}</small>}
      {props.error && (
        <small id={`${props.id}-error`} role="alert" className="error">
          {props.error}
        </small>
      )}
    </div>
  );
}
