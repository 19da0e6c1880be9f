// Step 4 and after: start a sync, the run history and one run's per-tenant results.
import { useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/states.tsx';
import { messageOf } from '../../../lib/api.ts';
import { useRun, useRuns, useStartSync } from '../api/runs.ts';
import { useManagedTenants } from '../api/tenants.ts';
import type { RunCounts, SyncRun } from '../api/types.ts';

const COUNT_LABELS: [keyof RunCounts, string][] = [
  ['created', 'Created'],
  ['linked', 'Linked'],
  ['updated', 'Updated'],
  ['inactivated', 'Inactivated'],
  ['ambiguous', 'Needs review'],
  ['failed', 'Failed'],
];

const Counts = ({ run }: { run: SyncRun }) => <>{COUNT_LABELS.map(([k, label]) => `${label} ${run.counts[k]}`).join(' · ')}</>;

export function SyncStep() {
  const runs = useRuns();
  const start = useStartSync();
  const tenants = useManagedTenants();
  const [openRun, setOpenRun] = useState<string | null>(null);
  const first = runs.data?.length === 0;
  // A run syncs mapped tenants only: with none, starting one would do nothing, so say why it cannot.
  const nothingMapped = tenants.data !== undefined && !tenants.data.some((t) => t.mapping === 'mapped');

  return (
    <div className="record-section">
      <div className="record-toolbar">
        <button
          id="entra-sync-start"
          type="button"
          className="primary"
          disabled={start.isPending || nothingMapped}
          aria-describedby={nothingMapped ? 'entra-sync-blocked' : undefined}
          onClick={() => start.mutate(first ? 'initial' : 'all', { onSuccess: (r) => setOpenRun(r.run.id) })}
        >
          {first ? 'Start initial sync' : 'Sync all tenants now'}
        </button>
        {nothingMapped && (
          <span id="entra-sync-blocked" className="muted">
            Map at least one tenant to a client first.
          </span>
        )}
        {start.data?.alreadyStarted && <span id="entra-sync-already" role="status">A sync is already running; showing it.</span>}
        {start.error && <span id="entra-sync-error" role="alert" className="error">{messageOf(start.error)}</span>}
      </div>
      {runs.isPending ? (
        <Loading id="entra-runs-loading" />
      ) : runs.isError ? (
        <ErrorState id="entra-runs-error" error={runs.error} onRetry={() => void runs.refetch()} />
      ) : runs.data.length === 0 ? (
        <Empty id="entra-runs-empty">No sync has run yet.</Empty>
      ) : (
        <table id="entra-runs" className="record-table">
          <thead>
            <tr>
              <th>Started</th>
              <th>Scope</th>
              <th>Status</th>
              <th>Outcome</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {runs.data.map((run) => (
              <tr key={run.id} id={`entra-run-${run.id}`}>
                <td>{new Date(run.createdAt).toLocaleString()}</td>
                <td>{run.scope}{run.trigger !== 'manual' ? ` (${run.trigger.replace('_', ' ')})` : ''}</td>
                <td className={`entra-run-status-${run.status}`}>{run.status}</td>
                <td><Counts run={run} /></td>
                <td className="record-row-actions">
                  <button id={`entra-run-details-${run.id}`} type="button" onClick={() => setOpenRun(openRun === run.id ? null : run.id)}>
                    {openRun === run.id ? 'Hide tenants' : 'Tenants'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {openRun && <RunDetail id={openRun} />}
    </div>
  );
}

function RunDetail({ id }: { id: string }) {
  const run = useRun(id);
  if (run.isPending) return <Loading id="entra-run-loading" />;
  if (run.isError) return <ErrorState id="entra-run-error" error={run.error} />;
  return (
    <section id="entra-run-detail" aria-label="Run per tenant">
      <h4>
        Run of {new Date(run.data.createdAt).toLocaleString()}: <span id="entra-run-detail-status">{run.data.status}</span>
      </h4>
      <ul>
        {run.data.tenants.map((t) => (
          <li key={t.id} id={`entra-run-tenant-${t.managedTenantId}`}>
            <strong>{t.displayName}</strong>: {t.status}
            {t.mode ? ` (${t.mode})` : ''} — <Counts run={t} />
            {t.error && <span className="error"> — {t.error}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
