// The assignee checkboxes: active MSP staff, plus anyone already assigned who has since left (so
// they can be removed).
import type { UseQueryResult } from '@tanstack/react-query';
import { ErrorState, Loading } from '../../../components/states.tsx';
import { isAssignable, type ScheduleUser } from '../api/get-users.ts';

export function AssigneePicker(props: { users: UseQueryResult<{ items: ScheduleUser[] }>; selected: string[]; onChange: (ids: string[]) => void }) {
  const { users, selected } = props;
  if (users.isPending) return <Loading id="entry-form-users-loading" label="Loading people…" />;
  if (users.isError) return <ErrorState id="entry-form-users-error" error={users.error} onRetry={() => void users.refetch()} />;
  const shown = users.data.items
    .filter((u) => isAssignable(u) || selected.includes(u.id))
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
  if (shown.length === 0) return <p className="muted">No MSP staff to assign yet.</p>;
  const toggle = (id: string, on: boolean) => props.onChange(on ? [...selected, id] : selected.filter((s) => s !== id));
  return (
    <ul className="entry-form-people">
      {shown.map((user) => (
        <li key={user.id} className="entry-form-check">
          <input id={`entry-form-assignee-${user.id}`} type="checkbox" checked={selected.includes(user.id)} onChange={(e) => toggle(user.id, e.target.checked)} />
          <label htmlFor={`entry-form-assignee-${user.id}`}>
            {user.displayName}
            {!isAssignable(user) && <span className="muted"> (no longer active)</span>}
            <span className="muted entry-form-email"> {user.email}</span>
          </label>
        </li>
      ))}
    </ul>
  );
}
