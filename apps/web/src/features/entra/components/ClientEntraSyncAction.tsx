// "Sync Entra now" on a client's page (entra-integration-client-sync-action): syncs the managed
// tenants mapped to this client and shows the latest run's outcome.
import { messageOf } from '../../../lib/api.ts';
import { useRuns, useSyncClient } from '../api/runs.ts';

export function ClientEntraSyncAction({ clientId }: { clientId: string }) {
  const sync = useSyncClient(clientId);
  const runs = useRuns(clientId);
  const latest = runs.data?.[0];
  return (
    <div id="client-entra-sync" className="record-toolbar">
      <button id="client-entra-sync-now" type="button" disabled={sync.isPending} onClick={() => sync.mutate()}>
        Sync Entra now
      </button>
      {latest && (
        <span id="client-entra-sync-status" role="status">
          Last Entra sync: {latest.status}, {latest.counts.created} created, {latest.counts.updated} updated, {latest.counts.inactivated} inactivated
        </span>
      )}
      {sync.error && <span id="client-entra-sync-error" role="alert" className="error">{messageOf(sync.error)}</span>}
    </div>
  );
}
