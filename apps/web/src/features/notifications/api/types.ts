// Notification shapes as the API returns them (plugins/core/src/schemas/notifications.ts).

export type NotificationSeverity = 'info' | 'warning' | 'error';

export interface Notification {
  id: string;
  kind: string;
  severity: NotificationSeverity;
  title: string;
  body: string;
  /** An in-app path such as /profile?tab=calendar. */
  link: string | null;
  createdAt: string;
  updatedAt: string;
  readAt: string | null;
  /** Set when the condition behind it cleared: kept as history, no longer unread. */
  resolvedAt: string | null;
}

export interface NotificationList {
  items: Notification[];
  unreadCount: number;
}
