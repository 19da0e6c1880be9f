// Whether Google and Microsoft can deliver calendar change notifications to this server. Both
// refuse webhook URLs that are not https (https://developers.google.com/calendar/api/guides/push:
// "the URL must use HTTPS with a valid SSL certificate"; https://learn.microsoft.com/graph/change-notifications-delivery-webhooks),
// so with a plain-http PUBLIC_URL calendar sync relies on the periodic sweep alone. The exception is
// dev and demo against the local emulators (SWITCHBOARD_ALLOW_LOOPBACK_PROVIDERS), which accept
// http webhooks in their loopback mode.

export type CalendarPushStatus = { available: true } | { available: false; reason: string };

export function calendarPushStatus(options: { publicUrl: string; allowLoopbackProviders?: boolean; sweepMinutes?: number }): CalendarPushStatus {
  if (options.publicUrl.startsWith('https://') || options.allowLoopbackProviders) return { available: true };
  const sweep = options.sweepMinutes ? ` every ${options.sweepMinutes} minutes` : '';
  return {
    available: false,
    reason: `PUBLIC_URL is not https, so Google and Microsoft cannot deliver change notifications; changes are picked up by the periodic sync${sweep}.`,
  };
}
