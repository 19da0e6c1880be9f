// POST /api/notifications/:id/read and POST /api/notifications/read-all.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { notificationKeys } from './keys.ts';
import type { Notification } from './types.ts';

export const markNotificationRead = (id: string) => request<Notification>('POST', `/api/notifications/${encodeURIComponent(id)}/read`);
export const markAllNotificationsRead = () => request<{ updated: number; unreadCount: number }>('POST', '/api/notifications/read-all');

export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: markNotificationRead,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useMarkAllNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: markAllNotificationsRead,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}
