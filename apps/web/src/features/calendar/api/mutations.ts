// Calendar connection actions: connect (create the connection if needed, then go to the
// provider's consent page), change direction, sync now, remove; and the admin settings.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, request } from '../../../lib/api.ts';
import { calendarKeys } from './keys.ts';
import type { SyncRequest } from './sync-activity.ts';
import type { CalendarProvider, CalendarSettings, ProviderType, SyncDirection } from './types.ts';

function useCalendarMutation<I, O>(fn: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => queryClient.invalidateQueries({ queryKey: calendarKeys.all }) });
}

/** Creates the connection when there is none, then sends the browser to the provider. */
export const useConnect = () =>
  useMutation({
    mutationFn: async ({ providerType, existingId }: { providerType: ProviderType; existingId?: string }) => {
      let id = existingId;
      if (!id) {
        try {
          id = (await request<CalendarProvider>('POST', '/api/calendar/providers', { providerType })).id;
        } catch (err) {
          const existing = err instanceof ApiError ? (err.body as { providerId?: string } | null)?.providerId : undefined;
          if (!existing) throw err;
          id = existing;
        }
      }
      const { authorizeUrl } = await request<{ authorizeUrl: string }>('POST', `/api/calendar/providers/${id}/connect`);
      window.location.assign(authorizeUrl);
    },
  });

export const useUpdateProvider = () =>
  useCalendarMutation(({ id, syncDirection }: { id: string; syncDirection: SyncDirection }) => request<CalendarProvider>('PATCH', `/api/calendar/providers/${id}`, { syncDirection }));

/** Takes the connection's current last sync, so the page can tell when the requested sync has run (sync-activity.ts). */
export const useSyncNow = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: calendarKeys.syncNow(),
    mutationFn: ({ id }: SyncRequest) => request<{ queued: true }>('POST', `/api/calendar/providers/${id}/sync`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: calendarKeys.all }),
  });
};

export const useRemoveProvider = () => useCalendarMutation((id: string) => request<{ success: true }>('DELETE', `/api/calendar/providers/${id}`));

export const useUpdateCalendarSettings = () =>
  useCalendarMutation((input: { googleClientId?: string | null; googleClientSecret?: string | null }) => request<CalendarSettings>('PUT', '/api/calendar/settings', input));
