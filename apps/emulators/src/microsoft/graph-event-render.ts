// The event JSON Graph returns, property for property as in the create example of
// https://learn.microsoft.com/graph/api/user-post-events (v1.0).
import type { EventInstance } from './graph-instances.js';
import { formatLocal, formatUtc, ianaZone, utcToZoned } from './graph-time.js';

export interface RenderOptions {
  /**
   * Zone for start/end: the `Prefer: outlook.timezone` value, or null to answer in the zones the
   * client wrote (what create/update responses do). Reads without the header use UTC.
   */
  timeZone: string | null;
  /** `$expand` of singleValueExtendedProperties (an id filter, or true for all) and extensions. */
  expandProperties?: string | true;
  expandExtensions?: boolean;
}

/** `outlook.timezone="Pacific Standard Time"` from a Prefer header, if it names a known zone. */
export function preferredTimeZone(prefer: string | string[] | undefined): string | null {
  const header = Array.isArray(prefer) ? prefer.join(',') : (prefer ?? '');
  const match = /outlook\.timezone\s*=\s*"?([^",]+)"?/i.exec(header);
  return match && ianaZone(match[1].trim()) ? match[1].trim() : null;
}

function renderTime(instance: EventInstance, which: 'start' | 'end', timeZone: string | null) {
  const local = which === 'start' ? instance.startLocal : instance.endLocal;
  const own = instance.event[which];
  if (timeZone === null) return { dateTime: formatLocal(local), timeZone: own.timeZone };
  // All-day events float: midnight stays midnight whichever zone is asked for.
  if (instance.event.isAllDay) return { dateTime: formatLocal(local), timeZone };
  const utc = which === 'start' ? instance.startUtc : instance.endUtc;
  return { dateTime: formatLocal(utcToZoned(utc, ianaZone(timeZone) ?? 'UTC')), timeZone };
}

/** `W/"<changeKey>"`: the etag of an Outlook item is its change key. */
export const etagOf = (changeKey: string) => `W/"${changeKey}"`;

export function renderEvent(instance: EventInstance, options: RenderOptions): Record<string, unknown> {
  const e = instance.event;
  const preview = e.body.content.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 255);
  const out: Record<string, unknown> = {
    '@odata.etag': etagOf(e.changeKey),
    id: instance.id,
    createdDateTime: formatUtc(e.createdAt),
    lastModifiedDateTime: formatUtc(e.modifiedAt),
    changeKey: e.changeKey,
    categories: [...e.categories],
  };
  // "This property is only returned in a response payload if an app has set it." (event resource)
  if (e.transactionId !== null) out.transactionId = e.transactionId;
  Object.assign(out, {
    originalStartTimeZone: e.originalTimeZones?.start ?? e.start.timeZone,
    originalEndTimeZone: e.originalTimeZones?.end ?? e.end.timeZone,
    iCalUId: e.iCalUId,
    reminderMinutesBeforeStart: e.reminderMinutesBeforeStart,
    isReminderOn: e.isReminderOn,
    hasAttachments: false,
    subject: e.subject,
    bodyPreview: preview,
    importance: e.importance,
    sensitivity: e.sensitivity,
    isAllDay: e.isAllDay,
    isCancelled: e.isCancelled,
    isOrganizer: true,
    responseRequested: true,
    seriesMasterId: instance.seriesMasterId,
    // "The start time of an event when it is initially created as an occurrence or exception in a
    // recurring series. This property is not returned for events that are single instances." (event resource)
    ...(instance.originalStartUtc !== null ? { originalStart: new Date(instance.originalStartUtc).toISOString().replace('.000Z', 'Z') } : {}),
    showAs: e.showAs,
    type: instance.type,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(instance.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: false,
    onlineMeetingProvider: 'unknown',
    allowNewTimeProposals: true,
    isDraft: false,
    hideAttendees: false,
    responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
    body: { ...e.body },
    start: renderTime(instance, 'start', options.timeZone),
    end: renderTime(instance, 'end', options.timeZone),
    location: structuredClone(e.location),
    locations: structuredClone(e.locations),
    recurrence: instance.type === 'occurrence' ? null : structuredClone(e.recurrence),
    attendees: structuredClone(e.attendees),
    organizer: structuredClone(e.organizer),
    onlineMeeting: null,
  });
  if (options.expandProperties !== undefined) {
    const filter = options.expandProperties;
    out.singleValueExtendedProperties = e.singleValueExtendedProperties
      .filter((p) => filter === true || p.id.toLowerCase() === filter.toLowerCase())
      .map((p) => ({ ...p }));
  }
  if (options.expandExtensions) out.extensions = structuredClone(e.extensions);
  return out;
}

/**
 * `$expand=singleValueExtendedProperties($filter=id eq '...')` and `$expand=extensions`, the ways
 * Graph returns custom data: https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get
 */
export function expandOptions(expand: string | undefined): Pick<RenderOptions, 'expandProperties' | 'expandExtensions'> {
  if (!expand) return {};
  const options: Pick<RenderOptions, 'expandProperties' | 'expandExtensions'> = {};
  const props = /singleValueExtendedProperties(?:\(\s*\$filter\s*=\s*id\s+eq\s+'([^']+)'\s*\))?/i.exec(expand);
  if (props) options.expandProperties = props[1] ?? true;
  if (/(^|,)\s*extensions/i.test(expand)) options.expandExtensions = true;
  return options;
}
