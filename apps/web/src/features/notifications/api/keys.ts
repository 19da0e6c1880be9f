// Query keys for the signed-in user's notifications.
export const notificationKeys = {
  all: ['notifications'] as const,
  list: (limit: number) => [...notificationKeys.all, 'list', { limit }] as const,
};
