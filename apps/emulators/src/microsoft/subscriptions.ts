// POST/GET/PATCH/DELETE /subscriptions for Outlook events, with the validation handshake and the
// lifetime limit. https://learn.microsoft.com/graph/api/resources/subscription and
// https://learn.microsoft.com/graph/api/subscription-post-subscriptions
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { MicrosoftContext } from './context.js';
import { authenticate, scopeNames, sendGraphError } from './graph-request.js';
import { formatUtc } from './graph-time.js';
import { schemeRefusal, validateEndpoint, type HandshakeResult } from './subscriptions-validation.js';
import type { AccessTokenClaims } from './tokens.js';

export interface Subscription {
  id: string;
  /** The resource as the client wrote it (e.g. `me/events`). */
  resource: string;
  changeTypes: string[];
  clientState: string | null;
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  expiresAt: number;
  applicationId: string;
  creatorId: string;
  tenantId: string;
  /** The mailbox (user object id) whose events it watches. */
  mailboxUserId: string;
}

export interface SubscriptionOptions {
  /**
   * Outlook event subscriptions live at most 10,080 minutes per the docs, but Graph rejects more
   * than 10,070 ("Subscription expiration can only be 10070 minutes in the future.", reported by
   * several clients); we enforce what Graph enforces.
   */
  maxLifetimeMinutes: number;
  /** The handshake answer must arrive within 10 s (notificationUrl validation doc). */
  validationTimeoutMs: number;
}

const CHANGE_TYPES = ['created', 'updated', 'deleted'];
/** Event collections a subscription can watch: me/events, me/calendar(s/{id})/events, users/{id}/events. */
const RESOURCE = /^(me|users\/([^/]+))(\/calendar|\/calendars\/[^/]+|\/calendars\('[^']+'\))?\/events$/i;

export function renderSubscription(context: MicrosoftContext, s: Subscription): Record<string, unknown> {
  return {
    '@odata.context': `${context.baseUrl()}/v1.0/$metadata#subscriptions/$entity`,
    id: s.id,
    resource: s.resource,
    applicationId: s.applicationId,
    changeType: s.changeTypes.join(','),
    clientState: s.clientState,
    notificationUrl: s.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl,
    expirationDateTime: formatUtc(s.expiresAt),
    creatorId: s.creatorId,
    includeResourceData: false,
    latestSupportedTlsVersion: 'v1_2',
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
    notificationContentType: 'application/json',
  };
}

export class SubscriptionStore {
  private subscriptions = new Map<string, Subscription>();
  /** Handshakes made, newest last (tests inspect them). */
  readonly handshakes: HandshakeResult[] = [];

  constructor(private readonly now: () => number) {}

  /** Live subscriptions; expired ones are deleted, as Graph deletes subscriptions not renewed in time. */
  list(): Subscription[] {
    for (const [id, s] of this.subscriptions) if (s.expiresAt <= this.now()) this.subscriptions.delete(id);
    return [...this.subscriptions.values()];
  }

  get(id: string): Subscription | undefined {
    return this.list().find((s) => s.id === id);
  }

  add(subscription: Subscription): void {
    this.subscriptions.set(subscription.id, subscription);
  }

  remove(id: string): boolean {
    return this.subscriptions.delete(id);
  }

  reset(): void {
    this.subscriptions.clear();
    this.handshakes.length = 0;
  }
}

export function registerSubscriptions(app: FastifyInstance, context: MicrosoftContext, store: SubscriptionStore, options: () => SubscriptionOptions): void {
  /** The expiration limit check Graph applies on create and renew; an error message when refused. */
  const checkExpiration = (value: unknown): { at: number } | { error: string; code: string } => {
    const at = typeof value === 'string' ? Date.parse(value) : NaN;
    if (Number.isNaN(at)) return { code: 'InvalidRequest', error: 'expirationDateTime is required and must be an ISO 8601 UTC date and time.' };
    if (at <= context.now()) return { code: 'InvalidRequest', error: 'Subscription expiration time must be in the future.' };
    const max = options().maxLifetimeMinutes;
    if (at > context.now() + max * 60_000) return { code: 'ExtensionError', error: `Subscription expiration can only be ${max} minutes in the future.` };
    return { at };
  };

  /** The subscription of this app and tenant, or null after answering 404. */
  const owned = (claims: AccessTokenClaims, id: string, reply: FastifyReply): Subscription | null => {
    const s = store.get(id);
    if (s && s.applicationId === claims.clientId && s.tenantId === claims.tenantId) return s;
    sendGraphError(reply, 404, 'ResourceNotFound', `The object was not found. Subscription '${id}' does not exist.`);
    return null;
  };

  app.post<{ Body: Record<string, unknown> }>('/v1.0/subscriptions', async (request, reply) => {
    const claims = authenticate(context, request, reply);
    if (!claims) return reply;
    const body = request.body ?? {};
    const resource = typeof body.resource === 'string' ? body.resource.replace(/^\//, '') : '';
    const match = RESOURCE.exec(resource);
    if (!match) return sendGraphError(reply, 400, 'InvalidRequest', `Resource '${String(body.resource)}' is not supported by the emulator; use me/events or users/{id}/events.`);
    const mailboxUserId = match[2] ?? claims.userId;
    if (!mailboxUserId) return sendGraphError(reply, 400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
    // Event subscriptions need Calendars.Read (outlook-subscription-notes); app tokens carry .default.
    const scopes = scopeNames(claims);
    if (!scopes.some((s) => s.startsWith('calendars.') || s === '.default')) {
      return sendGraphError(reply, 403, 'ExtensionError', 'Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied. Check credentials and try again.]');
    }
    const changeTypes = String(body.changeType ?? '').split(',').map((c) => c.trim()).filter(Boolean);
    if (changeTypes.length === 0 || changeTypes.some((c) => !CHANGE_TYPES.includes(c))) {
      return sendGraphError(reply, 400, 'InvalidRequest', `changeType '${String(body.changeType)}' is invalid; use created, updated and/or deleted.`);
    }
    if (typeof body.notificationUrl !== 'string' || !/^https?:\/\//.test(body.notificationUrl)) {
      return sendGraphError(reply, 400, 'InvalidRequest', 'notificationUrl is required and must be an absolute URL.');
    }
    if (body.clientState !== undefined && body.clientState !== null && (typeof body.clientState !== 'string' || body.clientState.length > 128)) {
      // clientState: "The maximum length is 128 characters." (subscription resource)
      return sendGraphError(reply, 400, 'InvalidRequest', 'clientState must be a string of at most 128 characters.');
    }
    const lifecycleUrl = typeof body.lifecycleNotificationUrl === 'string' ? body.lifecycleNotificationUrl : null;
    const refusal =
      schemeRefusal('NotificationUrl', body.notificationUrl, context.allowHttpWebhooks) ??
      (lifecycleUrl ? schemeRefusal('LifecycleNotificationUrl', lifecycleUrl, context.allowHttpWebhooks) : null);
    if (refusal) return sendGraphError(reply, 400, 'InvalidRequest', refusal);
    const expiration = checkExpiration(body.expirationDateTime);
    if ('error' in expiration) return sendGraphError(reply, 400, expiration.code, expiration.error);

    // Validate every URL before creating anything; a failure creates nothing (400 Bad Request).
    for (const url of new Set([body.notificationUrl, ...(lifecycleUrl ? [lifecycleUrl] : [])])) {
      const result = await validateEndpoint(url, options().validationTimeoutMs);
      store.handshakes.push(result);
      if (!result.ok) return sendGraphError(reply, 400, 'InvalidRequest', result.message ?? 'Subscription validation request failed.');
    }
    const subscription: Subscription = {
      id: randomUUID(),
      resource: String(body.resource),
      changeTypes,
      clientState: typeof body.clientState === 'string' ? body.clientState : null,
      notificationUrl: body.notificationUrl,
      lifecycleNotificationUrl: lifecycleUrl,
      expiresAt: expiration.at,
      applicationId: claims.clientId,
      creatorId: claims.userId ?? claims.clientId,
      tenantId: claims.tenantId,
      mailboxUserId,
    };
    store.add(subscription);
    return reply.code(201).send(renderSubscription(context, subscription));
  });

  app.get('/v1.0/subscriptions', async (request, reply) => {
    const claims = authenticate(context, request, reply);
    if (!claims) return reply;
    const mine = store.list().filter((s) => s.applicationId === claims.clientId && s.tenantId === claims.tenantId);
    return { '@odata.context': `${context.baseUrl()}/v1.0/$metadata#subscriptions`, value: mine.map((s) => renderSubscription(context, s)) };
  });

  app.get<{ Params: { id: string } }>('/v1.0/subscriptions/:id', async (request, reply) => {
    const claims = authenticate(context, request, reply);
    const subscription = claims && owned(claims, request.params.id, reply);
    return subscription ? renderSubscription(context, subscription) : reply;
  });

  /** Renew (and optionally move) a subscription; lifecycleNotificationUrl cannot be added this way. */
  app.patch<{ Params: { id: string }; Body: Record<string, unknown> }>('/v1.0/subscriptions/:id', async (request, reply) => {
    const claims = authenticate(context, request, reply);
    const subscription = claims && owned(claims, request.params.id, reply);
    if (!subscription) return reply;
    const body = request.body ?? {};
    if (body.lifecycleNotificationUrl !== undefined) {
      return sendGraphError(reply, 400, 'InvalidRequest', 'lifecycleNotificationUrl cannot be changed; delete the subscription and create a new one.');
    }
    if (body.expirationDateTime !== undefined) {
      const expiration = checkExpiration(body.expirationDateTime);
      if ('error' in expiration) return sendGraphError(reply, 400, expiration.code, expiration.error);
      subscription.expiresAt = expiration.at;
    }
    if (typeof body.notificationUrl === 'string' && body.notificationUrl !== subscription.notificationUrl) {
      const refusal = schemeRefusal('NotificationUrl', body.notificationUrl, context.allowHttpWebhooks);
      if (refusal) return sendGraphError(reply, 400, 'InvalidRequest', refusal);
      const result = await validateEndpoint(body.notificationUrl, options().validationTimeoutMs);
      store.handshakes.push(result);
      if (!result.ok) return sendGraphError(reply, 400, 'InvalidRequest', result.message ?? 'Subscription validation request failed.');
      subscription.notificationUrl = body.notificationUrl;
    }
    return renderSubscription(context, subscription);
  });

  /** reauthorize: answers 204 (subscription-reauthorize); the emulator has nothing to re-check. */
  app.post<{ Params: { id: string } }>('/v1.0/subscriptions/:id/reauthorize', async (request, reply) => {
    const claims = authenticate(context, request, reply);
    const subscription = claims && owned(claims, request.params.id, reply);
    return subscription ? reply.code(204).send() : reply;
  });

  app.delete<{ Params: { id: string } }>('/v1.0/subscriptions/:id', async (request, reply) => {
    const claims = authenticate(context, request, reply);
    const subscription = claims && owned(claims, request.params.id, reply);
    if (!subscription) return reply;
    store.remove(subscription.id);
    return reply.code(204).send();
  });
}
