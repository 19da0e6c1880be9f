// The tenant's Microsoft profiles with edit, archive/unarchive and delete. The API refuses to
// archive or delete a profile in use; its message (naming the consumers) is shown above the table.
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/Dialog.tsx';
import { Empty } from '../../../components/states.tsx';
import { messageOf } from '../../../lib/api.ts';
import { useDeleteProfile, useSetArchived } from '../api/profile-mutations.ts';
import type { MicrosoftProfile } from '../api/types.ts';
import { EditProfileDialog } from './ProfileFormDialog.tsx';

export function ProfilesTable(props: { profiles: MicrosoftProfile[]; canEdit: boolean }) {
  const setArchived = useSetArchived();
  const remove = useDeleteProfile();
  const [editing, setEditing] = useState<MicrosoftProfile | null>(null);
  const [deleting, setDeleting] = useState<MicrosoftProfile | null>(null);
  const actionError = setArchived.error ?? (deleting ? null : remove.error);

  if (props.profiles.length === 0) return <Empty id="profiles-empty">No Microsoft profiles yet.</Empty>;
  return (
    <>
      {actionError && (
        <p id="profiles-error" role="alert" className="error">
          {messageOf(actionError)}
        </p>
      )}
      <div className="record-scroll">
        <table className="record-table" id="profiles-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Application (client) ID</th>
              <th scope="col">Directory</th>
              <th scope="col">Client secret</th>
              <th scope="col">Used by</th>
              {props.canEdit && <th scope="col"><span className="record-sr-only">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {props.profiles.map((p) => (
              <tr key={p.id} id={`profile-${p.id}`} className={p.isArchived ? 'record-inactive' : undefined}>
                <td>
                  {p.displayName}
                  {p.isArchived && <span className="record-badge">Archived</span>}
                </td>
                <td>
                  <code>{p.clientId}</code>
                </td>
                <td>{p.authorityTenant}</td>
                <td>{p.hasClientSecret ? 'Stored' : <span className="error">Missing</span>}</td>
                <td>{p.usedBy.length ? p.usedBy.map((u) => u.label).join(', ') : <span className="muted">Nothing</span>}</td>
                {props.canEdit && (
                  <td className="record-row-actions">
                    {!p.isArchived && (
                      <button id={`profile-${p.id}-edit`} type="button" onClick={() => setEditing(p)}>
                        Edit
                      </button>
                    )}
                    <button
                      id={`profile-${p.id}-${p.isArchived ? 'unarchive' : 'archive'}`}
                      type="button"
                      disabled={setArchived.isPending}
                      onClick={() => {
                        remove.reset();
                        setArchived.mutate({ id: p.id, archived: !p.isArchived });
                      }}
                    >
                      {p.isArchived ? 'Unarchive' : 'Archive'}
                    </button>
                    <button
                      id={`profile-${p.id}-delete`}
                      type="button"
                      onClick={() => {
                        setArchived.reset();
                        remove.reset();
                        setDeleting(p);
                      }}
                    >
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editing && <EditProfileDialog profile={editing} onClose={() => setEditing(null)} />}
      <ConfirmDialog
        id="profile-delete-confirm"
        title={`Delete ${deleting?.displayName ?? ''}?`}
        message="The profile and its stored client secret are removed for good. The app registration in Azure is not touched."
        confirmLabel="Delete profile"
        open={deleting !== null}
        pending={remove.isPending}
        error={remove.error ? messageOf(remove.error) : null}
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
      />
    </>
  );
}
