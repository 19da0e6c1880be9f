// Step 1: connect Entra, Direct (partner consent through a Microsoft profile) or CIPP, test it,
// reconnect a Direct connection Microsoft stopped accepting, or disconnect.
import { useState, type FormEvent } from 'react';
import { ConfirmDialog } from '../../../components/Dialog.tsx';
import { ErrorState, Field, Loading } from '../../../components/states.tsx';
import { ApiError, messageOf } from '../../../lib/api.ts';
import { useConnect, useDisconnect, useProfileOptions, useTestConnection } from '../api/connection.ts';
import type { ConnectionStatus, EntraConnection } from '../api/types.ts';
import { ConnectionTest } from './ConnectionTest.tsx';

export function ConnectStep({ status }: { status: ConnectionStatus }) {
  const [disconnecting, setDisconnecting] = useState(false);
  const disconnect = useDisconnect();
  const test = useTestConnection();
  const c = status.connection;
  if (c) {
    return (
      <div id="entra-connected">
        {c.status === 'needs_reconnect' && <ReconnectBanner connection={c} />}
        <p>
          Connected {c.kind === 'direct' ? <>directly through the Microsoft profile <strong>{c.profileName}</strong>{c.partnerUser ? ` as ${c.partnerUser}` : ''}</> : <>through CIPP at <code>{c.cippBaseUrl}</code> (token scope <code>{c.cippScope}</code>)</>}.
        </p>
        {c.kind === 'direct' && c.tokenRefreshedAt && <p className="muted">Partner sign-in last renewed {new Date(c.tokenRefreshedAt).toLocaleString()}; it is renewed daily so it does not expire.</p>}
        <div className="actions">
          <ConnectionTest id="entra-test-connection" test={test} onTest={() => test.mutate(undefined)} />
          <button id="entra-disconnect" type="button" className="danger" onClick={() => setDisconnecting(true)}>
            Disconnect
          </button>
        </div>
        <ConfirmDialog
          id="entra-disconnect-dialog"
          title="Disconnect Microsoft Entra"
          message="Syncing stops. Discovered tenants, mappings and contacts stay, so you can reconnect later."
          confirmLabel="Disconnect"
          open={disconnecting}
          pending={disconnect.isPending}
          error={disconnect.error ? messageOf(disconnect.error) : null}
          onConfirm={() => disconnect.mutate(undefined, { onSuccess: () => setDisconnecting(false) })}
          onClose={() => setDisconnecting(false)}
        />
      </div>
    );
  }
  return <ConnectForm status={status} />;
}

/** Microsoft refused the partner sign-in: the Direct connect again (same profile) replaces the connection. */
function ReconnectBanner({ connection }: { connection: EntraConnection }) {
  const connect = useConnect();
  return (
    <div id="entra-needs-reconnect" role="alert" className="error">
      <p>
        <strong>Microsoft no longer accepts the partner sign-in of this connection</strong>, so Entra sync has stopped. Reconnect with a partner admin account; discovered tenants, mappings and contacts stay as they are.
      </p>
      {connection.profileId && (
        <button id="entra-reconnect" type="button" className="primary" disabled={connect.isPending} onClick={() => connect.mutate({ kind: 'direct', profileId: connection.profileId! })}>
          Reconnect
        </button>
      )}
      {connect.error && <p id="entra-reconnect-error">{messageOf(connect.error)}</p>}
    </div>
  );
}

function ConnectForm({ status }: { status: ConnectionStatus }) {
  const [kind, setKind] = useState<'direct' | 'cipp'>('direct');
  const [profileId, setProfileId] = useState('');
  const [cipp, setCipp] = useState({ baseUrl: '', clientId: '', clientSecret: '', tenantId: '', scope: '' });
  const profiles = useProfileOptions();
  const connect = useConnect();
  const test = useTestConnection();
  const error = connect.error ?? test.error;
  const fields = error instanceof ApiError ? error.fieldErrors : {};
  const edit = (change: Partial<typeof cipp>) => {
    setCipp({ ...cipp, ...change });
    test.reset(); // a result is about the settings it tested
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    connect.mutate(kind === 'direct' ? { kind, profileId } : { kind, ...cipp });
  };
  return (
    <form id="entra-connect-form" onSubmit={submit}>
      {status.cippAvailable && (
        <fieldset className="record-toolbar">
          <legend>Connection</legend>
          <label className="record-checkbox">
            <input id="entra-kind-direct" type="radio" name="entra-kind" checked={kind === 'direct'} onChange={() => setKind('direct')} /> Direct (partner consent)
          </label>
          <label className="record-checkbox">
            <input id="entra-kind-cipp" type="radio" name="entra-kind" checked={kind === 'cipp'} onChange={() => setKind('cipp')} /> CIPP
          </label>
        </fieldset>
      )}
      {kind === 'direct' ? (
        <>
          <p className="muted">
            Register <code>{status.callbackUrl}</code> as a redirect URI of the profile's Azure app, then sign in as a partner admin with GDAP access to your customers.
          </p>
          {profiles.isPending ? (
            <Loading id="entra-profiles-loading" />
          ) : profiles.isError ? (
            <ErrorState id="entra-profiles-error" error={profiles.error} />
          ) : (
            <Field id="entra-profile" label="Microsoft profile" error={fields.profileId}>
              <select id="entra-profile" value={profileId} onChange={(e) => setProfileId(e.target.value)} required>
                <option value="">Choose a profile…</option>
                {profiles.data.filter((p) => p.hasClientSecret).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.displayName}
                  </option>
                ))}
              </select>
            </Field>
          )}
        </>
      ) : (
        <>
          <Field id="entra-cipp-url" label="CIPP API URL" error={fields.baseUrl}>
            <input id="entra-cipp-url" value={cipp.baseUrl} onChange={(e) => edit({ baseUrl: e.target.value })} required />
          </Field>
          <Field id="entra-cipp-client" label="API client (application) ID" error={fields.clientId}>
            <input id="entra-cipp-client" value={cipp.clientId} onChange={(e) => edit({ clientId: e.target.value })} required />
          </Field>
          <Field id="entra-cipp-secret" label="API client secret" error={fields.clientSecret}>
            <input id="entra-cipp-secret" type="password" autoComplete="off" value={cipp.clientSecret} onChange={(e) => edit({ clientSecret: e.target.value })} required />
          </Field>
          <Field id="entra-cipp-tenant" label="Tenant ID of the CIPP app registration" error={fields.tenantId}>
            <input id="entra-cipp-tenant" value={cipp.tenantId} onChange={(e) => edit({ tenantId: e.target.value })} required />
          </Field>
          <Field id="entra-cipp-scope" label="Token scope (optional)" error={fields.scope} hint="Only if your CIPP API app uses another application ID URI; it must end with /.default.">
            <input id="entra-cipp-scope" value={cipp.scope} placeholder={`api://${cipp.clientId || '<client id>'}/.default`} onChange={(e) => edit({ scope: e.target.value })} />
          </Field>
        </>
      )}
      {connect.error && !Object.keys(fields).length && <p id="entra-connect-error" role="alert" className="error">{messageOf(connect.error)}</p>}
      <div className="actions">
        {kind === 'cipp' && <ConnectionTest id="entra-cipp-test" test={test} onTest={() => test.mutate(cipp)} />}
        <button id="entra-connect" type="submit" className="primary" disabled={connect.isPending}>
          {kind === 'direct' ? 'Connect with Microsoft' : 'Test and connect'}
        </button>
      </div>
    </form>
  );
}
