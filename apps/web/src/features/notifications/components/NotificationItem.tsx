// One notification in the bell's panel: severity, title (a link when it leads somewhere), body and
// when it was raised. Unread and resolved states are visible, not only coloured.
import type { MouseEvent } from 'react';
import { navigate } from '../../../lib/router.tsx';
import type { Notification } from '../api/types.ts';

const SEVERITY_LABEL = { info: 'Info', warning: 'Warning', error: 'Error' } as const;
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "3 minutes ago", "yesterday": notifications are about now, so recency reads better than a date. */
export function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['second', 60],
    ['minute', 60],
    ['hour', 24],
    ['day', 7],
    ['week', 4.35],
    ['month', 12],
  ];
  let value = seconds;
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size) return unit === 'second' ? relative.format(0, 'second') : relative.format(Math.round(value), unit);
    value /= size;
  }
  return relative.format(Math.round(value), 'year');
}

export function NotificationItem(props: { notification: Notification; onOpen: () => void }) {
  const n = props.notification;
  const id = `notification-${n.id}`;
  const unread = !n.readAt && !n.resolvedAt;
  const follow = (e: MouseEvent<HTMLAnchorElement>) => {
    props.onOpen();
    // Modified clicks open a new tab the browser's way; a plain click stays in the app.
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(n.link!);
  };
  return (
    <li id={id} className="notification" data-severity={n.severity} data-unread={unread || undefined}>
      <span className={`notification-severity notification-severity-${n.severity}`}>{SEVERITY_LABEL[n.severity]}</span>
      {unread && <span className="notification-unread">Unread</span>}
      {n.resolvedAt && <span className="notification-resolved">Resolved</span>}
      <div className="notification-title">
        {n.link ? (
          <a id={`${id}-open`} href={n.link} onClick={follow}>
            {n.title}
          </a>
        ) : unread ? (
          <button id={`${id}-open`} type="button" className="notification-mark" onClick={props.onOpen} title="Mark read">
            {n.title}
          </button>
        ) : (
          <span>{n.title}</span>
        )}
      </div>
      {n.body && <p className="notification-body">{n.body}</p>}
      <time className="notification-time" dateTime={n.updatedAt} title={absolute.format(new Date(n.updatedAt))}>
        {timeAgo(n.updatedAt)}
      </time>
    </li>
  );
}
