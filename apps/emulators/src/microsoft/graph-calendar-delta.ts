// GET /me/calendarView/delta: rounds of pages linked by $skiptoken, closed by a $deltatoken that
// starts the next round with only what changed. https://learn.microsoft.com/graph/api/event-delta
// and https://learn.microsoft.com/graph/delta-query-events
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MicrosoftContext } from './context.js';
import { parseWindowTime } from './graph-calendar-routes.js';
import { preferredTimeZone, renderEvent } from './graph-event-render.js';
import { instancesInWindow, type EventInstance } from './graph-instances.js';
import type { Mailbox, MailboxStore } from './graph-mailbox-store.js';
import { meMailbox, preferredPageSize, sendGraphError } from './graph-request.js';

/** `changed`: the instance is an update to be sent as only these properties (Mailbox.partialDeltaUpdates). */
type DeltaItem = { instance: EventInstance; changed?: string[] } | { removedId: string };

/** What a token stands for. Real tokens encode this; ours are keys into this server-side state. */
interface DeltaState {
  mailbox: Mailbox;
  from: number;
  to: number;
  expired: boolean;
  /** Skip tokens: the round's snapshot and where the next page starts. */
  items?: DeltaItem[];
  offset?: number;
  /** What the client knows once the round completes: instance id → event change sequence. */
  known: Map<string, number>;
  /** With partialDeltaUpdates: each known instance as rendered then, to tell which properties changed. */
  snapshots?: Map<string, Record<string, unknown>>;
}

/** Graph does not document a default page size for event delta; 10 keeps paging visible. */
const DEFAULT_PAGE_SIZE = 10;
const newToken = () => randomBytes(18).toString('base64url');

export interface DeltaTokens {
  /** Make every issued skip/delta token answer 410, like an evicted sync state. */
  expireAll(): void;
  reset(): void;
}

export function registerCalendarDelta(app: FastifyInstance, context: MicrosoftContext, store: MailboxStore): DeltaTokens {
  const tokens = new Map<string, DeltaState>();
  const deltaUrl = (query: string) => `${context.baseUrl()}/v1.0/me/calendarView/delta?${query}`;
  const initialQuery = (from: number, to: number) =>
    `startDateTime=${new Date(from).toISOString()}&endDateTime=${new Date(to).toISOString()}`;

  /** A new round: everything in the window (first round) or what changed since `known`. */
  function startRound(mailbox: Mailbox, from: number, to: number, previous: Pick<DeltaState, 'known' | 'snapshots'> | null): DeltaState {
    const known = previous?.known;
    const current = instancesInWindow(mailbox, from, to);
    const items: DeltaItem[] = [];
    const nextKnown = new Map<string, number>(current.map((i) => [i.id, i.event.seq]));
    const snapshots = mailbox.partialDeltaUpdates ? new Map(current.map((i) => [i.id, renderEvent(i, { timeZone: 'UTC' })])) : undefined;
    // Deleted, or moved out of the window: both come back as @removed "deleted" (event-delta, Response).
    // Removals first, as in the next-round example of delta-query-events.
    for (const id of known?.keys() ?? []) if (!nextKnown.has(id)) items.push({ removedId: id });
    for (const instance of current) {
      if (known && known.get(instance.id) === instance.event.seq) continue;
      const before = previous?.snapshots?.get(instance.id);
      const after = snapshots?.get(instance.id);
      const changed = before && after ? Object.keys(after).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])) : undefined;
      items.push({ instance, changed });
    }
    return { mailbox, from, to, expired: false, items, offset: 0, known: nextKnown, snapshots };
  }

  /** An updated instance as only its id, etag and the properties that changed. */
  function partialItem(instance: EventInstance, changed: string[], timeZone: string) {
    const full = renderEvent(instance, { timeZone });
    return Object.fromEntries([['id', full.id], ['@odata.etag', full['@odata.etag']], ...changed.map((key) => [key, full[key]])]);
  }

  function sendPage(request: FastifyRequest, reply: FastifyReply, state: DeltaState) {
    const size = preferredPageSize(request.headers.prefer, DEFAULT_PAGE_SIZE);
    const items = state.items ?? [];
    const offset = state.offset ?? 0;
    const slice = items.slice(offset, offset + size);
    const timeZone = preferredTimeZone(request.headers.prefer) ?? 'UTC';
    const body: Record<string, unknown> = { '@odata.context': `${context.baseUrl()}/v1.0/$metadata#Collection(event)` };
    if (offset + size < items.length) {
      const token = newToken();
      tokens.set(token, { ...state, offset: offset + size });
      body['@odata.nextLink'] = deltaUrl(`$skiptoken=${token}`);
    } else {
      const token = newToken();
      tokens.set(token, { mailbox: state.mailbox, from: state.from, to: state.to, expired: false, known: state.known, snapshots: state.snapshots });
      body['@odata.deltaLink'] = deltaUrl(`$deltatoken=${token}`);
    }
    body.value = slice.map((item) =>
      'removedId' in item
        ? { '@odata.type': '#microsoft.graph.event', id: item.removedId, '@removed': { reason: 'deleted' } }
        : { '@odata.type': '#microsoft.graph.event', ...(item.changed ? partialItem(item.instance, item.changed, timeZone) : renderEvent(item.instance, { timeZone })) },
    );
    if (request.headers.prefer && /maxpagesize/i.test(String(request.headers.prefer))) {
      reply.header('preference-applied', `odata.maxpagesize=${size}`);
    }
    return reply.send(body);
  }

  app.get<{ Querystring: Record<string, string | undefined> }>('/v1.0/me/calendarView/delta', async (request, reply) => {
    const mailbox = meMailbox(context, store, request, reply, 'read');
    if (!mailbox) return reply;
    const q = request.query;
    const tokenValue = q.$skiptoken ?? q.$skipToken ?? q.$deltatoken ?? q.$deltaToken;
    if (tokenValue !== undefined) {
      const state = tokens.get(tokenValue);
      if (!state || state.expired || state.mailbox !== mailbox) {
        // Sync state gone: 410 with a Location to start over (delta-query-overview, "Synchronization
        // reset"); Outlook names the error syncStateNotFound (same page, token duration).
        if (state) reply.header('location', deltaUrl(initialQuery(state.from, state.to)));
        return sendGraphError(reply, 410, 'syncStateNotFound', 'The sync state generation is not found. Start a new synchronization round.');
      }
      const isDelta = q.$deltatoken !== undefined || q.$deltaToken !== undefined;
      return sendPage(request, reply, isDelta ? startRound(mailbox, state.from, state.to, state) : state);
    }
    const from = parseWindowTime(q.startDateTime ?? q.startdatetime ?? q.StartDateTime);
    const to = parseWindowTime(q.endDateTime ?? q.enddatetime ?? q.EndDateTime);
    if (from === null || to === null) {
      return sendGraphError(reply, 400, 'ErrorInvalidParameter', 'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.');
    }
    // $select, $filter, $orderby, $expand and $search are not supported on this delta (event-delta).
    const unsupported = ['$select', '$filter', '$orderby', '$expand', '$search'].find((p) => q[p] !== undefined);
    if (unsupported) return sendGraphError(reply, 400, 'ErrorInvalidUrlQuery', `The following parameters are not supported with change tracking over the 'CalendarView' resource: '${unsupported}'.`);
    return sendPage(request, reply, startRound(mailbox, from, to, null));
  });

  return {
    expireAll() {
      for (const state of tokens.values()) state.expired = true;
    },
    reset() {
      tokens.clear();
    },
  };
}
