// Attendees as a SyncEvent holds them: emails trimmed, lower-cased, deduplicated and sorted, so
// the same people compare (and hash) equal whichever provider listed them in whichever order.
export function normalizeAttendees(emails: Array<string | null | undefined>): string[] {
  return [...new Set(emails.filter((e): e is string => Boolean(e)).map((e) => e.trim().toLowerCase()))].filter(Boolean).sort();
}
