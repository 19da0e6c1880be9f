// Steps 2 and 3: discover the managed tenants, then map each to a client, to a new client made from
// the tenant (one by one or all unmatched at once), or skip it, and confirm.
import { useEffect, useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/states.tsx';
import { ApiError, messageOf } from '../../../lib/api.ts';
import { useClientOptions, useConfirmMappings, useDiscover, useMappingPreview } from '../api/tenants.ts';
import type { MappingDecision } from '../api/types.ts';
import { CREATE, decisionOf, initialChoice, MapRow, type Choice } from './MapRow.tsx';

export function DiscoverStep() {
  const discover = useDiscover();
  return (
    <div className="record-toolbar">
      <button id="entra-discover" type="button" className="primary" disabled={discover.isPending} onClick={() => discover.mutate()}>
        {discover.isPending ? 'Discovering…' : 'Discover tenants'}
      </button>
      {discover.data && (
        <span id="entra-discover-result" role="status">
          Found {discover.data.discovered} tenants{discover.data.failed ? `, ${discover.data.failed} could not be read` : ''}.
        </span>
      )}
      {discover.error && <span id="entra-discover-error" role="alert" className="error">{messageOf(discover.error)}</span>}
    </div>
  );
}

export function MapStep() {
  const preview = useMappingPreview(true);
  const clients = useClientOptions();
  const confirm = useConfirmMappings();
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [newNames, setNewNames] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!preview.data) return;
    setChoices(Object.fromEntries(preview.data.map((p) => [p.managedTenantId, initialChoice(p)])));
    setNewNames({});
  }, [preview.data]);

  if (preview.isPending || clients.isPending) return <Loading id="entra-map-loading" />;
  if (preview.isError) return <ErrorState id="entra-map-error" error={preview.error} onRetry={() => void preview.refetch()} />;
  if (clients.isError) return <ErrorState id="entra-map-error" error={clients.error} />;
  if (preview.data.length === 0) return <Empty id="entra-map-empty">No managed tenants yet. Discover them first.</Empty>;

  const choiceOf = (id: string) => choices[id] ?? '';
  const choose = (id: string, choice: Choice) => {
    setChoices((current) => ({ ...current, [id]: choice }));
    if (choice !== CREATE) setNewNames(({ [id]: _, ...rest }) => rest);
  };
  const decisions: MappingDecision[] = preview.data.flatMap((p) => decisionOf(p, choiceOf(p.managedTenantId), newNames[p.managedTenantId]));
  const unmatched = preview.data.filter((p) => p.state === 'unmatched' && p.newClient && choiceOf(p.managedTenantId) === '');
  const rowErrors = errorsByTenant(confirm.error, confirm.variables);
  const created = confirm.data?.clients.filter((c) => c.created) ?? [];

  return (
    <div className="record-section">
      <div className="record-toolbar">
        <button id="entra-map-create-all" type="button" disabled={unmatched.length === 0} onClick={() => unmatched.forEach((p) => choose(p.managedTenantId, CREATE))}>
          Create clients for all unmatched ({unmatched.length})
        </button>
      </div>
      <div className="record-scroll">
        <table id="entra-map-table" className="record-table">
          <thead>
            <tr>
              <th>Tenant</th>
              <th>Domains</th>
              <th>Users</th>
              <th>Match</th>
              <th>Client</th>
            </tr>
          </thead>
          <tbody>
            {preview.data.map((p) => (
              <MapRow
                key={p.managedTenantId}
                preview={p}
                clients={clients.data}
                choice={choiceOf(p.managedTenantId)}
                newName={newNames[p.managedTenantId]}
                errors={rowErrors[p.managedTenantId] ?? []}
                onChoose={(choice) => choose(p.managedTenantId, choice)}
                onRename={(name) => setNewNames((current) => ({ ...current, [p.managedTenantId]: name }))}
              />
            ))}
          </tbody>
        </table>
      </div>
      {confirm.error && <p id="entra-map-confirm-error" role="alert" className="error">{Object.keys(rowErrors).length ? 'Some choices could not be saved; see the rows above. Nothing was changed.' : messageOf(confirm.error)}</p>}
      {confirm.isSuccess && (
        <p id="entra-map-confirmed" role="status">
          Mappings saved.{created.length > 0 && ` Created ${created.length} ${created.length === 1 ? 'client' : 'clients'}: ${created.map((c) => c.name).join(', ')}.`}
        </p>
      )}
      <div className="actions">
        <button id="entra-map-confirm" type="button" className="primary" disabled={decisions.length === 0 || confirm.isPending} onClick={() => confirm.mutate(decisions)}>
          Confirm {decisions.length} {decisions.length === 1 ? 'change' : 'changes'}
        </button>
      </div>
    </div>
  );
}

/** A refused confirm's field errors ("mappings.3.name") shown on the rows they are about. */
function errorsByTenant(error: unknown, sent: MappingDecision[] | undefined): Record<string, string[]> {
  if (!(error instanceof ApiError) || !sent) return {};
  const byTenant: Record<string, string[]> = {};
  for (const [field, message] of Object.entries(error.fieldErrors)) {
    const index = /^mappings\.(\d+)\b/.exec(field)?.[1];
    const decision = index === undefined ? undefined : sent[Number(index)];
    if (decision) byTenant[decision.managedTenantId] = [...(byTenant[decision.managedTenantId] ?? []), message];
  }
  return byTenant;
}
