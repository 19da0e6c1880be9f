// A small mark on an entry saying how it stands in its technicians' calendars; the worst state shows.
import type { EntrySyncState, EntrySyncStatus } from '../api/get-entry-sync.ts';
import type { ScheduleUser } from '../api/get-users.ts';
import './SyncBadge.css';

const SEVERITY: Record<EntrySyncStatus, number> = { synced: 0, pending: 1, conflict: 2, error: 3 };
const GLYPH: Record<EntrySyncStatus, string> = { synced: '✓', pending: '⋯', conflict: '!', error: '×' };

const worstStatus = (states: EntrySyncState[]): EntrySyncStatus =>
  states.reduce<EntrySyncStatus>((worst, s) => (SEVERITY[s.status] > SEVERITY[worst] ? s.status : worst), 'synced');

/** "Calendar: synced for Ada Lovelace; pending for Tom Reed", with what to do about problems in the tooltip. */
function describeSync(states: EntrySyncState[], usersById: Map<string, ScheduleUser>): { label: string; details: string } {
  const name = (userId: string) => usersById.get(userId)?.displayName ?? 'a former user';
  const label = `Calendar: ${states.map((s) => `${s.status} for ${name(s.userId)}`).join('; ')}`;
  const problems = states.filter((s) => s.message).map((s) => s.message);
  return { label, details: problems.length ? `${label}\n${problems.join('\n')}` : label };
}

export function SyncBadge(props: { states: EntrySyncState[] | undefined; usersById: Map<string, ScheduleUser> }) {
  const { states, usersById } = props;
  if (!states?.length) return null;
  const status = worstStatus(states);
  const { label, details } = describeSync(states, usersById);
  return (
    <span className="schedule-sync-badge" data-sync-status={status} role="img" aria-label={label} title={details}>
      {GLYPH[status]}
    </span>
  );
}
