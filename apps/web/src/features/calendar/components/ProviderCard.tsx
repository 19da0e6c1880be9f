// One of the technician's calendar connections: state, last sync and error, direction, and the
// actions (sync now with progress, reconnect, remove after confirming).
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/Dialog.tsx';
import { messageOf } from '../../../lib/api.ts';
import { useConnect, useRemoveProvider, useSyncNow, useUpdateProvider } from '../api/mutations.ts';
import { syncActivity, useSyncRequests } from '../api/sync-activity.ts';
import type { CalendarProvider, SyncDirection } from '../api/types.ts';
import { DIRECTION_LABEL, PROVIDER_LABEL, stateLabel, syncLabel } from './messages.ts';
import { PushStatus } from './PushStatus.tsx';

export function ProviderCard(props: { provider: CalendarProvider }) {
  const p = props.provider;
  const id = `calendar-${p.providerType}`;
  const [confirmRemove, setConfirmRemove] = useState(false);
  const sync = useSyncNow();
  const connect = useConnect();
  const update = useUpdateProvider();
  const remove = useRemoveProvider();
  const error = sync.error ?? connect.error ?? update.error;
  const activity = syncActivity(p, useSyncRequests());
  const syncing = sync.isPending || activity !== null;
  const progress = syncLabel(p, activity);

  return (
    <article id={id} className="calendar-card" aria-labelledby={`${id}-title`}>
      <header className="calendar-header">
        <h3 id={`${id}-title`}>{PROVIDER_LABEL[p.providerType]}</h3>
        <span id={`${id}-status`} className={`calendar-state calendar-${p.status}`}>
          {stateLabel(p)}
        </span>
      </header>
      <dl className="facts">
        <dt>Account</dt>
        <dd id={`${id}-account`}>{p.accountEmail ?? '—'}</dd>
        <dt>Last sync</dt>
        <dd id={`${id}-last-sync`}>{p.lastSyncAt ? new Date(p.lastSyncAt).toLocaleString() : 'Never'}</dd>
      </dl>
      <PushStatus id={id} push={p.push} />
      {p.error && (
        <p id={`${id}-error`} role="alert" className="error">
          {p.error}
        </p>
      )}
      {progress && (
        <p id={`${id}-progress`} role="status">
          {progress}
          {p.syncProgress?.phase === 'push' && <progress value={p.syncProgress.done} max={Math.max(p.syncProgress.total, 1)} />}
        </p>
      )}
      <div className="calendar-controls">
        <label htmlFor={`${id}-direction`}>Direction</label>
        <select id={`${id}-direction`} value={p.syncDirection} onChange={(e) => update.mutate({ id: p.id, syncDirection: e.target.value as SyncDirection })}>
          {Object.entries(DIRECTION_LABEL).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="actions">
        {p.status === 'connected' ? (
          <button id={`${id}-sync`} type="button" className="primary" disabled={syncing} onClick={() => sync.mutate({ id: p.id, lastSyncAt: p.lastSyncAt })}>
            {syncing ? 'Syncing…' : 'Sync now'}
          </button>
        ) : (
          <button id={`${id}-reconnect`} type="button" className="primary" disabled={connect.isPending} onClick={() => connect.mutate({ providerType: p.providerType, existingId: p.id })}>
            {p.connectedAt ? 'Reconnect' : 'Connect'}
          </button>
        )}
        <button id={`${id}-remove`} type="button" onClick={() => setConfirmRemove(true)}>
          Remove
        </button>
      </div>
      {error && (
        <p id={`${id}-action-error`} role="alert" className="error">
          {messageOf(error)}
        </p>
      )}
      <ConfirmDialog
        id={`${id}-remove-confirm`}
        title={`Remove the ${PROVIDER_LABEL[p.providerType]} connection?`}
        message="Switchboard stops syncing and forgets this connection. Events already in your calendar stay there."
        confirmLabel="Remove connection"
        open={confirmRemove}
        pending={remove.isPending}
        error={remove.error ? messageOf(remove.error) : null}
        onClose={() => setConfirmRemove(false)}
        onConfirm={() => remove.mutate(p.id, { onSuccess: () => setConfirmRemove(false) })}
      />
    </article>
  );
}
