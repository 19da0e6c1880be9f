// One user in Settings → Users: role (a select for admins), status, and the row's actions. A refused
// change (the last admin, say) is reported through onError and the row shows the saved state.
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/Dialog.tsx';
import { messageOf } from '../../../lib/api.ts';
import { useIssuePasswordLink } from '../api/issue-password-link.ts';
import { useUpdateUser } from '../api/update-user.ts';
import { ROLE_NAMES, type RoleName, type User } from '../api/types.ts';
import type { ShownLink } from './PasswordLinkDialog.tsx';

export function UserRow(props: { user: User; clientName: string; canEdit: boolean; isSelf: boolean; onLink: (shown: ShownLink) => void; onError: (err: unknown) => void }) {
  const { user } = props;
  const update = useUpdateUser();
  const issue = useIssuePasswordLink();
  const [confirmingDeactivation, setConfirmingDeactivation] = useState(false);
  const rowId = `user-${user.id}`;
  const role = user.roles[0] ?? '';

  const change = (what: Parameters<typeof update.mutate>[0]['change'], after?: () => void) => {
    props.onError(null);
    update.mutate({ id: user.id, change: what }, { onSuccess: after, onError: props.onError });
  };
  const issueLink = () => {
    props.onError(null);
    issue.mutate(user.id, { onSuccess: (link) => props.onLink({ link, who: user.displayName, purpose: 'reset' }), onError: props.onError });
  };

  return (
    <tr id={rowId} data-email={user.email}>
      <td>
        {user.displayName}
        {props.isSelf && <span className="record-badge">You</span>}
      </td>
      <td>{user.email}</td>
      <td>
        {user.userType === 'client' ? (
          <span id={`${rowId}-role`}>Client portal{props.clientName && `: ${props.clientName}`}</span>
        ) : props.canEdit ? (
          <select id={`${rowId}-role`} aria-label={`Role of ${user.displayName}`} value={role} disabled={update.isPending} onChange={(e) => change({ role: e.target.value as RoleName })}>
            {!role && <option value="">No role</option>}
            {ROLE_NAMES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        ) : (
          <span id={`${rowId}-role`}>{role || 'No role'}</span>
        )}
      </td>
      <td id={`${rowId}-status`}>{user.isActive ? 'Active' : 'Deactivated'}</td>
      {props.canEdit && (
        <td className="record-row-actions">
          {user.isActive && (
            <button id={`${rowId}-reset-link`} type="button" onClick={issueLink} disabled={issue.isPending}>
              {issue.isPending ? 'Issuing…' : 'Reset link'}
            </button>
          )}{' '}
          {user.isActive ? (
            !props.isSelf && (
              <button id={`${rowId}-deactivate`} type="button" className="danger" onClick={() => setConfirmingDeactivation(true)}>
                Deactivate
              </button>
            )
          ) : (
            <button id={`${rowId}-reactivate`} type="button" onClick={() => change({ isActive: true })} disabled={update.isPending}>
              Reactivate
            </button>
          )}
          <ConfirmDialog
            id={`${rowId}-deactivate-dialog`}
            title={`Deactivate ${user.displayName}?`}
            message={`${user.displayName} is signed out everywhere at once and cannot sign in until reactivated. Unused password links of theirs stop working.`}
            confirmLabel="Deactivate"
            open={confirmingDeactivation}
            pending={update.isPending}
            error={update.isError ? messageOf(update.error) : null}
            onConfirm={() => update.mutate({ id: user.id, change: { isActive: false } }, { onSuccess: () => setConfirmingDeactivation(false) })}
            onClose={() => {
              update.reset();
              setConfirmingDeactivation(false);
            }}
          />
        </td>
      )}
    </tr>
  );
}
