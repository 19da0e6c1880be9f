// Says on a connection card when providers cannot notify Switchboard of calendar changes (a
// plain-http PUBLIC_URL): changes then arrive only with the periodic sync. Nothing when push works.
// The server's reason (for administrators) is the tooltip.
import type { CalendarProvider } from '../api/types.ts';

export function PushStatus(props: { id: string; push: CalendarProvider['push'] }) {
  if (props.push.available) return null;
  return (
    <p id={`${props.id}-push`} role="note" className="muted" title={props.push.reason}>
      <strong>Live updates are off:</strong> changes made in the calendar arrive with the periodic sync, because this server is not reached over https.
    </p>
  );
}
