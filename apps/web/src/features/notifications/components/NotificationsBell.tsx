// The header bell: the unread count, and a panel with the newest notifications. Opening a
// notification marks it read and follows its link; "Mark all read" clears the count.
import { useEffect, useRef, useState } from 'react';
import { Empty, ErrorState, Loading } from '../../../components/states.tsx';
import { messageOf } from '../../../lib/api.ts';
import { useNotifications } from '../api/get-notifications.ts';
import { useMarkAllNotificationsRead, useMarkNotificationRead } from '../api/mark-read.ts';
import { NotificationItem } from './NotificationItem.tsx';
import '../notifications.css';

export function bellLabel(unread: number | undefined): string {
  if (!unread) return 'Notifications';
  return `Notifications, ${unread} unread`;
}

export function NotificationsBell() {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const notifications = useNotifications();
  const markRead = useMarkNotificationRead();
  const markAll = useMarkAllNotificationsRead();
  const unread = notifications.data?.unreadCount ?? 0;

  // Close on Escape (focus back on the bell) and on a click anywhere outside the panel.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  const mutationError = markRead.error ?? markAll.error;
  return (
    <div className="notifications" ref={root}>
      <button
        ref={button}
        id="notifications-bell"
        type="button"
        className="notifications-bell"
        aria-label={bellLabel(unread)}
        aria-expanded={open}
        aria-controls="notifications-panel"
        onClick={() => setOpen((o) => !o)}
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
        </svg>
        {unread > 0 && (
          <span id="notifications-count" className="notifications-count" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div id="notifications-panel" className="notifications-panel" role="region" aria-labelledby="notifications-heading">
          <div className="notifications-panel-header">
            <h2 id="notifications-heading">Notifications</h2>
            <button id="notifications-mark-all-read" type="button" disabled={unread === 0 || markAll.isPending} onClick={() => markAll.mutate()}>
              {markAll.isPending ? 'Marking…' : 'Mark all read'}
            </button>
          </div>
          {mutationError && (
            <p id="notifications-action-error" role="alert" className="error">
              {messageOf(mutationError)}
            </p>
          )}
          {notifications.isPending && <Loading id="notifications-loading" />}
          {notifications.isError && <ErrorState id="notifications-error" error={notifications.error} onRetry={() => void notifications.refetch()} />}
          {notifications.data && notifications.data.items.length === 0 && <Empty id="notifications-empty">You have no notifications.</Empty>}
          {notifications.data && notifications.data.items.length > 0 && (
            <ul id="notifications-list" className="notifications-list">
              {notifications.data.items.map((n) => (
                <NotificationItem
                  key={n.id}
                  notification={n}
                  onOpen={() => {
                    if (!n.readAt) markRead.mutate(n.id);
                    if (n.link) setOpen(false);
                  }}
                />
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
