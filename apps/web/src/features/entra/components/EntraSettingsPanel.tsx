// Settings → Integrations → Microsoft Entra: the wizard (Connect → Discover → Map → Initial sync),
// then run history, the review queue and sync settings. Shown only with the entra-integration-ui flag.
import { ErrorState, Loading } from '../../../components/states.tsx';
import { useLocation } from '../../../lib/router.tsx';
import { useConnection } from '../api/connection.ts';
import { AmbiguousQueue } from './AmbiguousQueue.tsx';
import { ConnectStep } from './ConnectStep.tsx';
import { DiscoverStep, MapStep } from './DiscoverMapStep.tsx';
import { EntraSyncSettings } from './EntraSyncSettings.tsx';
import { SyncStep } from './SyncStep.tsx';

const CONNECT_ERRORS: Record<string, string> = {
  not_allowed: 'Only MSP staff who may change settings can connect Entra.',
  state_invalid: 'That sign-in link was already used or is not yours. Start again.',
  state_expired: 'The sign-in took too long. Start again.',
  cancelled: 'The Microsoft sign-in was cancelled.',
  provider_error: 'Microsoft reported an error. Start again.',
  profile_changed: 'The Microsoft profile changed during sign-in. Start again.',
  token_failed: 'Microsoft did not issue a token. Check the profile and its redirect URI.',
  already_connected: 'Entra is already connected.',
};

export function EntraSettingsPanel({ canEdit, flags }: { canEdit: boolean; flags: Record<string, boolean> }) {
  const { search } = useLocation();
  const connection = useConnection();
  if (!canEdit) return <p id="entra-read-only" className="muted">Managing Microsoft Entra needs the system settings update permission.</p>;
  if (connection.isPending) return <Loading id="entra-loading" />;
  if (connection.isError) return <ErrorState id="entra-error" error={connection.error} onRetry={() => void connection.refetch()} />;
  const connected = !!connection.data.connection;
  const outcomeError = search.get('entraError');

  return (
    <div id="entra-panel" className="record-section">
      <h2>Microsoft Entra</h2>
      {search.get('entra') === 'connected' && connection.data.connection?.status === 'connected' && <p id="entra-connect-outcome" className="notice" role="status">Entra is connected. Discover your managed tenants next.</p>}
      {outcomeError && <p id="entra-connect-outcome-error" role="alert" className="error">{CONNECT_ERRORS[outcomeError] ?? 'The connection did not complete. Start again.'}</p>}
      <ol className="record-list">
        <li>
          <h3>Connect</h3>
          <ConnectStep status={connection.data} />
        </li>
        {connected && (
          <>
            <li>
              <h3>Discover managed tenants</h3>
              <DiscoverStep />
            </li>
            <li>
              <h3>Map tenants to clients</h3>
              <MapStep />
            </li>
            <li>
              <h3>Sync contacts</h3>
              <SyncStep />
            </li>
          </>
        )}
      </ol>
      {connected && flags['entra-integration-ambiguous-queue'] && (
        <section aria-labelledby="entra-review-title">
          <h3 id="entra-review-title">Needs review</h3>
          <AmbiguousQueue />
        </section>
      )}
      <section aria-labelledby="entra-settings-title">
        <h3 id="entra-settings-title">Sync settings</h3>
        <EntraSyncSettings />
      </section>
    </div>
  );
}
