// "The provider lost its state": a primary calendar emptied outright (no `cancelled` tombstones
// left to sync, as after an account restore) and, optionally, the account's grants revoked. Sync
// tokens issued before answer 410 fullSyncRequired; Google's sync guide says a 410 "should trigger
// a full wipe of the client's store and a new full sync"
// (https://developers.google.com/workspace/calendar/api/guides/sync#full_sync_required_by_server).
import type { GoogleContext } from './context.js';

export function loseCalendarState(context: GoogleContext, email: string, options: { revokeGrants?: boolean } = {}): { events: number; revoked: number } {
  const calendar = context.store.calendars.get(email.toLowerCase());
  if (!calendar) return { events: 0, revoked: 0 };
  const events = context.store.eventsOf(calendar.id).length;
  context.store.removeCalendar(calendar.id);
  context.store.addCalendar({ id: calendar.id, owner: calendar.owner, summary: calendar.summary, timeZone: calendar.timeZone });
  context.store.syncEpoch += 1;
  const revoked = options.revokeGrants ? context.oauth.revokeGrants({ email }) : 0;
  return { events, revoked };
}
