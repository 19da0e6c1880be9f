// Entra users that match several contacts: link one, create a new contact, or dismiss.
import { Empty, ErrorState, Loading } from '../../../components/states.tsx';
import { messageOf } from '../../../lib/api.ts';
import { useAmbiguous, useResolveAmbiguous } from '../api/ambiguous.ts';

export function AmbiguousQueue() {
  const items = useAmbiguous();
  const resolve = useResolveAmbiguous();
  if (items.isPending) return <Loading id="entra-ambiguous-loading" />;
  if (items.isError) return <ErrorState id="entra-ambiguous-error" error={items.error} onRetry={() => void items.refetch()} />;
  if (items.data.length === 0) return <Empty id="entra-ambiguous-empty">Nothing to review.</Empty>;
  return (
    <div className="record-section">
      {resolve.error && <p id="entra-ambiguous-resolve-error" role="alert" className="error">{messageOf(resolve.error)}</p>}
      <table id="entra-ambiguous" className="record-table">
        <thead>
          <tr>
            <th>Entra user</th>
            <th>Client</th>
            <th>Matching contacts</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.data.map((item) => (
            <tr key={item.id} id={`entra-ambiguous-${item.id}`}>
              <td>
                {item.displayName}
                <div className="muted">{item.email ?? item.userPrincipalName}</div>
              </td>
              <td>{item.clientName}</td>
              <td>
                {item.candidates.map((c) => (
                  <div key={c.id}>
                    <button id={`entra-ambiguous-${item.id}-link-${c.id}`} type="button" className="record-inline-button" disabled={resolve.isPending} onClick={() => resolve.mutate({ id: item.id, resolution: { action: 'link', contactId: c.id } })}>
                      Link to {c.fullName}
                    </button>
                  </div>
                ))}
              </td>
              <td className="record-row-actions">
                <button id={`entra-ambiguous-${item.id}-create`} type="button" disabled={resolve.isPending} onClick={() => resolve.mutate({ id: item.id, resolution: { action: 'create' } })}>
                  New contact
                </button>{' '}
                <button id={`entra-ambiguous-${item.id}-dismiss`} type="button" disabled={resolve.isPending} onClick={() => resolve.mutate({ id: item.id, resolution: { action: 'dismiss' } })}>
                  Dismiss
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
