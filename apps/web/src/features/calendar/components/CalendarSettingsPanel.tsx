// Settings → Integrations → Calendar: the Google app technicians connect through (the Microsoft app
// is the profile bound to Calendar on the Providers page), and every technician's connection.
import { useState, type FormEvent } from 'react';
import { Empty, ErrorState, Field, Loading } from '../../../components/states.tsx';
import { messageOf } from '../../../lib/api.ts';
import { errorAria, formErrorsOf } from '../../../lib/form-errors.ts';
import { useRemoveProvider, useSyncNow, useUpdateCalendarSettings } from '../api/mutations.ts';
import { useAllProviders, useCalendarSettings } from '../api/queries.ts';
import { syncActivity, useSyncRequests } from '../api/sync-activity.ts';
import type { CalendarProvider, CalendarSettings } from '../api/types.ts';
import { ConfirmDialog } from '../../../components/Dialog.tsx';
import { PROVIDER_LABEL, stateLabel, syncLabel } from './messages.ts';
import './calendar.css';

export function CalendarSettingsPanel(props: { canEdit: boolean }) {
  const settings = useCalendarSettings();
  return (
    <section id="calendar-settings" aria-labelledby="calendar-settings-title">
      <h2 id="calendar-settings-title">Calendar sync</h2>
      <p className="muted">Technicians connect their own calendars from their profile. Microsoft 365 uses the Microsoft profile bound to Calendar (Providers → Microsoft).</p>
      {settings.isPending ? (
        <Loading id="calendar-settings-loading" />
      ) : settings.isError ? (
        <ErrorState id="calendar-settings-error" error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <GoogleAppForm settings={settings.data} canEdit={props.canEdit} />
      )}
      <ConnectionsTable canEdit={props.canEdit} />
    </section>
  );
}

function GoogleAppForm(props: { settings: CalendarSettings; canEdit: boolean }) {
  const [clientId, setClientId] = useState(props.settings.google.clientId ?? '');
  const [secret, setSecret] = useState('');
  const save = useUpdateCalendarSettings();
  const errors = formErrorsOf(save.error, (field, message) => (field === 'googleClientId' || field === 'googleClientSecret' ? [field, message] : null));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ googleClientId: clientId.trim() || null, ...(secret ? { googleClientSecret: secret } : {}) }, { onSuccess: () => setSecret('') });
  };
  return (
    <form id="calendar-google-form" onSubmit={onSubmit} noValidate>
      <h3>Google app</h3>
      <p className="muted">
        Register this redirect URI in the Google Cloud console: <code id="calendar-google-redirect">{props.settings.google.redirectUri}</code>
      </p>
      <Field id="calendar-google-client-id" label="OAuth client ID" error={errors.fields.googleClientId}>
        <input id="calendar-google-client-id" value={clientId} onChange={(e) => setClientId(e.target.value)} disabled={!props.canEdit} autoComplete="off" spellCheck={false} {...errorAria('calendar-google-client-id', errors.fields.googleClientId)} />
      </Field>
      <Field
        id="calendar-google-secret"
        label="Client secret"
        hint={props.settings.google.hasClientSecret ? 'A secret is stored. Leave empty to keep it.' : 'Stored encrypted; never shown again.'}
        error={errors.fields.googleClientSecret}
      >
        <input id="calendar-google-secret" type="password" value={secret} onChange={(e) => setSecret(e.target.value)} disabled={!props.canEdit} autoComplete="new-password" />
      </Field>
      {errors.general && (
        <p id="calendar-google-error" role="alert" className="error">
          {errors.general}
        </p>
      )}
      {save.isSuccess && (
        <p id="calendar-google-saved" role="status" className="notice">
          Saved.
        </p>
      )}
      {props.canEdit && (
        <div className="actions">
          <button id="calendar-google-save" type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : 'Save Google app'}
          </button>
        </div>
      )}
    </form>
  );
}

function ConnectionsTable(props: { canEdit: boolean }) {
  const providers = useAllProviders();
  const sync = useSyncNow();
  const remove = useRemoveProvider();
  const requests = useSyncRequests();
  const [removing, setRemoving] = useState<CalendarProvider | null>(null);
  if (!props.canEdit) return null;
  return (
    <>
      <h3>Connections</h3>
      {sync.error && (
        <p id="calendar-connections-error" role="alert" className="error">
          {messageOf(sync.error)}
        </p>
      )}
      {providers.isPending ? (
        <Loading id="calendar-connections-loading" />
      ) : providers.isError ? (
        <ErrorState id="calendar-connections-load-error" error={providers.error} onRetry={() => void providers.refetch()} />
      ) : providers.data.length === 0 ? (
        <Empty id="calendar-connections-empty">No technician has connected a calendar yet.</Empty>
      ) : (
        <div className="record-scroll">
          <table className="record-table" id="calendar-connections">
            <thead>
              <tr>
                <th scope="col">Technician</th>
                <th scope="col">Calendar</th>
                <th scope="col">Status</th>
                <th scope="col">Last sync</th>
                <th scope="col">Live updates</th>
                <th scope="col"><span className="record-sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {providers.data.map((p) => {
                const activity = syncActivity(p, requests);
                return (
                  <tr key={p.id} id={`calendar-connection-${p.id}`}>
                    <td>{p.userDisplayName}</td>
                    <td>
                      {PROVIDER_LABEL[p.providerType]}
                      {p.accountEmail && <div className="muted">{p.accountEmail}</div>}
                    </td>
                    <td id={`calendar-connection-${p.id}-status`}>
                      {syncLabel(p, activity) ?? stateLabel(p)}
                      {p.error && <div className="error">{p.error}</div>}
                    </td>
                    <td id={`calendar-connection-${p.id}-last-sync`}>{p.lastSyncAt ? new Date(p.lastSyncAt).toLocaleString() : 'Never'}</td>
                    <td>
                      {p.health.channelActive ? `Until ${new Date(p.health.channelExpiresAt!).toLocaleDateString()}` : p.push.available ? 'Not subscribed' : 'Off: periodic sync only'}
                      {!p.push.available && <div className="muted">{p.push.reason}</div>}
                      {p.health.lastNotificationAt && <div className="muted">Last notification {new Date(p.health.lastNotificationAt).toLocaleString()}</div>}
                      {p.health.consecutiveFailures > 0 && <div className="error">{p.health.consecutiveFailures} failed renewals</div>}
                    </td>
                    <td className="record-row-actions">
                      <button
                        id={`calendar-connection-${p.id}-sync`}
                        type="button"
                        disabled={p.status !== 'connected' || activity !== null || (sync.isPending && sync.variables?.id === p.id)}
                        onClick={() => sync.mutate({ id: p.id, lastSyncAt: p.lastSyncAt })}
                      >
                        {activity ? 'Syncing…' : 'Sync now'}
                      </button>
                      <button id={`calendar-connection-${p.id}-remove`} type="button" onClick={() => setRemoving(p)}>
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        id="calendar-connection-remove-confirm"
        title={`Remove ${removing?.userDisplayName ?? ''}'s ${removing ? PROVIDER_LABEL[removing.providerType] : ''} connection?`}
        message="Sync stops and the connection is forgotten; the technician can connect again. Events already in their calendar stay there."
        confirmLabel="Remove connection"
        open={removing !== null}
        pending={remove.isPending}
        error={remove.error ? messageOf(remove.error) : null}
        onClose={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })}
      />
    </>
  );
}
