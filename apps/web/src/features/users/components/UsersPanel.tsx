// Settings → Users: the tenant's people. Admins add users (with an invitation link), change roles,
// deactivate or reactivate them and issue password reset links; settings viewers only read.
import { useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/states.tsx';
import { messageOf } from '../../../lib/api.ts';
import { useClientOptions } from '../api/get-client-options.ts';
import { useUsers } from '../api/get-users.ts';
import type { User } from '../api/types.ts';
import { AddUserDialog } from './AddUserDialog.tsx';
import { PasswordLinkDialog, type ShownLink } from './PasswordLinkDialog.tsx';
import { UserRow } from './UserRow.tsx';

export function UsersPanel(props: { canEdit: boolean; currentUserId: string }) {
  const users = useUsers();
  const hasPortalUsers = users.data?.some((u) => u.userType === 'client') ?? false;
  const clients = useClientOptions(hasPortalUsers);
  const [adding, setAdding] = useState(false);
  const [shown, setShown] = useState<ShownLink | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const clientName = (u: User) => (u.clientId ? (clients.data?.find((c) => c.id === u.clientId)?.name ?? 'A client') : '');

  return (
    <section id="users-panel" aria-labelledby="users-title">
      <div className="record-header">
        <h2 id="users-title">Users</h2>
        {props.canEdit && (
          <button id="users-add" type="button" className="primary" onClick={() => setAdding(true)}>
            Add user
          </button>
        )}
      </div>
      <p className="muted">
        Deactivating a user signs them out everywhere at once. The tenant always keeps at least one active admin.
      </p>
      {actionError && (
        <p id="users-action-error" role="alert" className="error">
          {actionError}
        </p>
      )}
      {users.isPending ? (
        <Loading id="users-loading" />
      ) : users.isError ? (
        <ErrorState id="users-load-error" error={users.error} onRetry={() => void users.refetch()} />
      ) : users.data.length === 0 ? (
        <Empty id="users-empty">No users yet.</Empty>
      ) : (
        <div className="record-scroll">
          <table id="users-table" className="record-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                {props.canEdit && (
                  <th scope="col">
                    <span className="record-sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <UserRow
                  key={u.id}
                  user={u}
                  clientName={clientName(u)}
                  canEdit={props.canEdit}
                  isSelf={u.id === props.currentUserId}
                  onLink={setShown}
                  onError={(err) => setActionError(err === null ? null : messageOf(err))}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <AddUserDialog
        open={adding}
        onClose={() => setAdding(false)}
        onAdded={(user) => {
          setActionError(null);
          if (user.invitation) setShown({ link: user.invitation, who: user.displayName, purpose: 'invitation' });
        }}
      />
      <PasswordLinkDialog link={shown?.link ?? null} who={shown?.who ?? ''} purpose={shown?.purpose ?? 'reset'} onClose={() => setShown(null)} />
    </section>
  );
}
