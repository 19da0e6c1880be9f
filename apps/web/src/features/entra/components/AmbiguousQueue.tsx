// The review queue: Entra users that match several contacts (link one, create a new contact, or
// dismiss), and users whose contact was deleted in Switchboard (re-create it, link another, or ignore).
import { Empty, ErrorState, Loading } from '../../../components/states.tsx';
import { messageOf } from '../../../lib/api.ts';
import { useAmbiguous, useResolveAmbiguous, type Resolution } from '../api/ambiguous.ts';
import type { AmbiguousItem } from '../api/types.ts';

const REASONS: Record<AmbiguousItem['reason'], string> = {
  ambiguous: 'Several contacts match',
  contact_deleted: 'Contact deleted in Switchboard',
};

export function AmbiguousQueue() {
  const items = useAmbiguous();
  const resolve = useResolveAmbiguous();
  if (items.isPending) return <Loading id="entra-ambiguous-loading" />;
  if (items.isError) return <ErrorState id="entra-ambiguous-error" error={items.error} onRetry={() => void items.refetch()} />;
  if (items.data.length === 0) return <Empty id="entra-ambiguous-empty">Nothing to review.</Empty>;
  const act = (item: AmbiguousItem, resolution: Resolution) => resolve.mutate({ id: item.id, resolution });
  return (
    <div className="record-section">
      {resolve.error && <p id="entra-ambiguous-resolve-error" role="alert" className="error">{messageOf(resolve.error)}</p>}
      <table id="entra-ambiguous" className="record-table">
        <thead>
          <tr>
            <th>Entra user</th>
            <th>Client</th>
            <th>Why</th>
            <th>Matching contacts</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.data.map((item) => {
            const deleted = item.reason === 'contact_deleted';
            return (
              <tr key={item.id} id={`entra-ambiguous-${item.id}`}>
                <td>
                  {item.displayName}
                  <div className="muted">{item.email ?? item.userPrincipalName}</div>
                </td>
                <td>{item.clientName}</td>
                <td id={`entra-ambiguous-${item.id}-reason`}>
                  {REASONS[item.reason]}
                  {deleted && <div className="muted">The sync will not re-create it on its own.</div>}
                </td>
                <td>
                  {item.candidates.length === 0 && <span className="muted">None</span>}
                  {item.candidates.map((c) => (
                    <div key={c.id}>
                      <button id={`entra-ambiguous-${item.id}-link-${c.id}`} type="button" className="record-inline-button" disabled={resolve.isPending} onClick={() => act(item, { action: 'link', contactId: c.id })}>
                        Link to {c.fullName}
                      </button>
                    </div>
                  ))}
                </td>
                <td className="record-row-actions">
                  <button id={`entra-ambiguous-${item.id}-create`} type="button" disabled={resolve.isPending} onClick={() => act(item, { action: 'create' })}>
                    {deleted ? 'Re-create contact' : 'New contact'}
                  </button>{' '}
                  <button id={`entra-ambiguous-${item.id}-dismiss`} type="button" disabled={resolve.isPending} onClick={() => act(item, { action: 'dismiss' })}>
                    {deleted ? 'Ignore this user' : 'Dismiss'}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
