// GET /api/notifications: the newest notifications and the unread count, polled so the bell stays
// current without a push channel.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { notificationKeys } from './keys.ts';
import type { NotificationList } from './types.ts';

export const NOTIFICATIONS_SHOWN = 20;
const POLL_MS = 30_000;

export const fetchNotifications = (limit: number) => request<NotificationList>('GET', `/api/notifications?limit=${limit}`);

export const notificationsQueryOptions = (limit = NOTIFICATIONS_SHOWN) =>
  queryOptions({
    queryKey: notificationKeys.list(limit),
    queryFn: () => fetchNotifications(limit),
    refetchInterval: POLL_MS,
    // The app turns focus refetch off by default; coming back to the tab is exactly when a stale bell misleads.
    refetchOnWindowFocus: true,
  });

export const useNotifications = () => useQuery(notificationsQueryOptions());
