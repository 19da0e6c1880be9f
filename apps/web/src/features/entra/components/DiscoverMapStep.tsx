// Steps 2 and 3: discover the managed tenants, then map each to a client (or skip it) and confirm.
import { useEffect, useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/states.tsx';
import { messageOf } from '../../../lib/api.ts';
import { useClientOptions, useConfirmMappings, useDiscover, useMappingPreview } from '../api/tenants.ts';
import type { MappingDecision, MappingPreview } from '../api/types.ts';

const STATE_LABELS: Record<MappingPreview['state'], string> = {
  mapped: 'Mapped',
  skipped: 'Skipped',
  auto_matched: 'Domain match',
  needs_review: 'Needs review',
  unmatched: 'No match',
};

/** The choice offered first: the current mapping, the domain match, else nothing. */
const initialChoice = (p: MappingPreview) => (p.state === 'skipped' ? 'skip' : (p.clientId ?? ''));

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
  const [choices, setChoices] = useState<Record<string, string>>({});
  useEffect(() => {
    if (preview.data) setChoices(Object.fromEntries(preview.data.map((p) => [p.managedTenantId, initialChoice(p)])));
  }, [preview.data]);

  if (preview.isPending || clients.isPending) return <Loading id="entra-map-loading" />;
  if (preview.isError) return <ErrorState id="entra-map-error" error={preview.error} onRetry={() => void preview.refetch()} />;
  if (clients.isError) return <ErrorState id="entra-map-error" error={clients.error} />;
  if (preview.data.length === 0) return <Empty id="entra-map-empty">No managed tenants yet. Discover them first.</Empty>;

  const decisions: MappingDecision[] = preview.data.flatMap((p): MappingDecision[] => {
    const choice = choices[p.managedTenantId] ?? '';
    if (choice === initialChoice(p) && (p.state === 'mapped' || p.state === 'skipped')) return [];
    if (choice === 'skip') return [{ managedTenantId: p.managedTenantId, action: 'skip' }];
    if (choice) return [{ managedTenantId: p.managedTenantId, action: 'map', clientId: choice }];
    return p.state === 'mapped' || p.state === 'skipped' ? [{ managedTenantId: p.managedTenantId, action: 'unmap' }] : [];
  });

  return (
    <div className="record-section">
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
              <tr key={p.managedTenantId} id={`entra-map-row-${p.entraTenantId}`}>
                <td>{p.displayName}</td>
                <td>{p.domains.join(', ')}</td>
                <td>{p.userCount ?? '—'}</td>
                <td>
                  {STATE_LABELS[p.state]}
                  {p.candidates.length > 0 && p.state === 'needs_review' && <div className="muted">{p.candidates.map((c) => `${c.clientName} (${Math.round(c.score * 100)}%)`).join(', ')}</div>}
                </td>
                <td>
                  <select id={`entra-map-choice-${p.entraTenantId}`} aria-label={`Client for ${p.displayName}`} value={choices[p.managedTenantId] ?? ''} onChange={(e) => setChoices({ ...choices, [p.managedTenantId]: e.target.value })}>
                    <option value="">Not mapped</option>
                    <option value="skip">Skip this tenant</option>
                    {p.candidates.map((c) => (
                      <option key={`c-${c.clientId}`} value={c.clientId}>
                        {c.clientName} (suggested)
                      </option>
                    ))}
                    {clients.data.filter((c) => !p.candidates.some((x) => x.clientId === c.id)).map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {confirm.error && <p id="entra-map-confirm-error" role="alert" className="error">{messageOf(confirm.error)}</p>}
      {confirm.isSuccess && <p id="entra-map-confirmed" role="status">Mappings saved.</p>}
      <div className="actions">
        <button id="entra-map-confirm" type="button" className="primary" disabled={decisions.length === 0 || confirm.isPending} onClick={() => confirm.mutate(decisions)}>
          Confirm {decisions.length} {decisions.length === 1 ? 'change' : 'changes'}
        </button>
      </div>
    </div>
  );
}
