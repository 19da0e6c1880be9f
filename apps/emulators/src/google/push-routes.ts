// events.watch and channels.stop. https://developers.google.com/workspace/calendar/api/guides/push
import type { FastifyInstance } from 'fastify';
import { authenticate, calendarFor, SCOPES, type GoogleContext } from './context.js';
import { apiErrors, GoogleApiError } from './errors.js';
import type { PushHub } from './push.js';

interface WatchBody {
  id?: string;
  type?: string;
  address?: string;
  token?: string;
  expiration?: string | number;
  params?: { ttl?: string };
}

export interface ChannelLimits {
  /** Lifetime when the request names none: "watch time + 604800 s (7 days)" observed on real Google. */
  defaultTtlSeconds: number;
  /** Upper bound ("the more restrictive value is used"); Google's real cap is undocumented. */
  maxTtlSeconds: number;
  /** Real Google demands https with a valid certificate; loopback/demo mode also takes http. */
  allowHttp: boolean;
}

function checkAddress(address: string | undefined, limits: ChannelLimits): void {
  if (!address) throw apiErrors.required('Required: address');
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw apiErrors.invalid(`Invalid webhook address: ${address}`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && limits.allowHttp) return;
  // "the URL must use HTTPS with a valid SSL certificate" (push guide); the error is what Google answers.
  throw new GoogleApiError(400, { domain: 'global', reason: 'push.webhookUrlNotHttps', message: `WebHook callback must be HTTPS: ${address}` });
}

export function registerPushRoutes(app: FastifyInstance, context: GoogleContext, hub: PushHub, limits: ChannelLimits): void {
  app.post<{ Params: { calendarId: string }; Body: WatchBody }>('/calendar/v3/calendars/:calendarId/events/watch', async (request) => {
    const access = authenticate(context, request, SCOPES.readEvents);
    const calendar = calendarFor(context, access, request.params.calendarId);
    const body = request.body ?? {};
    if (!body.id) throw apiErrors.required('Required: id');
    if (body.id.length > 64) throw apiErrors.invalid('Channel id too long.');
    if (body.type !== 'web_hook' && body.type !== 'webhook') throw apiErrors.invalid(`Invalid channel type: ${body.type}`);
    checkAddress(body.address, limits);
    if (body.token !== undefined && body.token.length > 256) throw apiErrors.invalid('Channel token too long.');
    if (hub.channels.has(body.id)) {
      throw new GoogleApiError(400, { domain: 'global', reason: 'channelIdNotUnique', message: `Channel id ${body.id} not unique` });
    }
    const now = context.now();
    const requested = [
      body.expiration !== undefined ? Number(body.expiration) : undefined,
      body.params?.ttl !== undefined ? now + Number(body.params.ttl) * 1000 : undefined,
    ].filter((v): v is number => v !== undefined && Number.isFinite(v));
    const expiration = Math.min(...requested, now + (requested.length ? limits.maxTtlSeconds : limits.defaultTtlSeconds) * 1000);
    const channel = hub.open({
      id: body.id,
      resourceId: calendar.resourceId,
      resourceUri: `${context.baseUrl()}/calendar/v3/calendars/${encodeURIComponent(calendar.id)}/events?alt=json`,
      ...(body.token !== undefined ? { token: body.token } : {}),
      expiration,
      address: body.address!,
      calendarId: calendar.id,
      email: access.email,
      clientId: access.clientId,
    });
    // The Channel schema's expiration is an int64, which Google's JSON renders as a string.
    return {
      kind: channel.kind,
      id: channel.id,
      resourceId: channel.resourceId,
      resourceUri: channel.resourceUri,
      ...(channel.token !== undefined ? { token: channel.token } : {}),
      expiration: String(channel.expiration),
    };
  });

  app.post<{ Body: { id?: string; resourceId?: string } }>('/calendar/v3/channels/stop', async (request, reply) => {
    const access = authenticate(context, request, SCOPES.readEvents);
    const { id, resourceId } = request.body ?? {};
    const channel = id ? hub.channels.get(id) : undefined;
    // "regular-user channels can be stopped only by same user from same OAuth client ID".
    if (!channel || channel.stopped || channel.resourceId !== resourceId || channel.email !== access.email || channel.clientId !== access.clientId) {
      throw new GoogleApiError(404, { domain: 'global', reason: 'notFound', message: `Channel '${id}' not found for project '${access.clientId.split('-')[0]}'` });
    }
    hub.stop(channel.id);
    return reply.code(204).send();
  });
}
