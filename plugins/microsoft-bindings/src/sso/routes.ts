// MSP SSO: public discovery and the sign-in redirect pair, plus the admin API for login domains.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { confirmQuery, requestBody, storableText } from '@switchboard/core';
import { addLoginDomain, disableLoginDomain, listLoginDomains, setSsoRequired, verifyLoginDomain } from './login-domains.js';
import { completeSignIn, discover, SsoRefused, startSignIn, STATE_TTL_MS, type SsoDeps } from './msp-sso.js';
import type { TxtVerifier } from './dns-verification.js';

const STATE_COOKIE = 'sb_sso_state';
const COOKIE_PATH = '/api/auth/msp/sso';

const email = storableText().trim().max(320).pipe(z.email({ message: 'must be an email address' }));
const domain = storableText()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a domain name such as example.com');
const loginDomain = z.object({
  id: z.string(),
  domain: z.string(),
  status: z.enum(['pending', 'verified', 'disabled']),
  ssoRequired: z.boolean(),
  verification: z.object({ type: z.literal('TXT'), name: z.string(), value: z.string() }),
  verifiedAt: z.string().nullable(),
  /** When the DNS last answered a check of the TXT record (verification or the periodic re-check). */
  lastCheckedAt: z.string().nullable(),
  /** Set while re-checks find the TXT record gone; null once it is back. */
  recordMissingSince: z.string().nullable(),
  createdAt: z.string(),
});
const idParams = z.object({ id: z.uuid({ message: 'must be the id of a login domain' }) });

export function mspSsoRoutes(deps: Omit<SsoDeps, 'db'> & { txt: TxtVerifier }) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const sso: SsoDeps = { ...deps, db: app.db };
    const publicLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };
    const refuse = (reply: FastifyReply, reason: string) => reply.redirect(`/?sso=${reason}`);

    r.post(
      '/api/auth/msp/sso/discover',
      { config: publicLimit, schema: { body: requestBody({ email: storableText().trim().max(320) }), response: { 200: z.object({ microsoft: z.boolean(), passwordAllowed: z.boolean() }) } } },
      async (req) => discover(app.db, req.body.email),
    );

    r.get('/api/auth/msp/sso/start', { config: publicLimit, schema: { querystring: z.object({ email }) } }, async (req, reply) => {
      try {
        const { redirectUrl, state } = await startSignIn(sso, req.query.email);
        reply.setCookie(STATE_COOKIE, state, { signed: true, httpOnly: true, sameSite: 'lax', secure: app.coreOptions.cookieSecure, path: COOKIE_PATH, maxAge: STATE_TTL_MS / 1000 });
        return reply.redirect(redirectUrl);
      } catch (err) {
        if (err instanceof SsoRefused) return refuse(reply, err.reason);
        throw err;
      }
    });

    r.get(
      '/api/auth/msp/sso/callback',
      { config: publicLimit, schema: { querystring: z.object({ state: storableText().max(200).optional(), code: storableText().max(4096).optional(), error: storableText().max(200).optional() }) } },
      async (req, reply) => {
        const cookie = req.cookies[STATE_COOKIE];
        const unsigned = cookie ? req.unsignCookie(cookie) : null;
        reply.clearCookie(STATE_COOKIE, { path: COOKIE_PATH });
        try {
          const who = await completeSignIn(sso, { ...req.query, browserState: unsigned?.valid ? (unsigned.value ?? undefined) : undefined });
          await app.signInUser(reply, { ...who, method: 'microsoft' });
          return reply.redirect('/schedule');
        } catch (err) {
          if (!(err instanceof SsoRefused)) throw err;
          req.log.info({ reason: err.reason }, 'MSP SSO sign-in refused');
          return refuse(reply, err.reason);
        }
      },
    );

    const read = app.requirePermission('system_settings.read');
    const update = app.requirePermission('system_settings.update');
    const actor = (u: { tenantId: string; userId: string }) => ({ tenantId: u.tenantId, userId: u.userId });

    r.get('/api/msp-sso/domains', { preHandler: read, schema: { response: { 200: z.object({ items: z.array(loginDomain) }) } } }, async (req) => ({
      items: await listLoginDomains(app.db, req.user!.tenantId),
    }));
    r.post('/api/msp-sso/domains', { preHandler: update, schema: { body: requestBody({ domain }), response: { 201: loginDomain } } }, async (req, reply) =>
      reply.code(201).send(await app.db.transaction().execute((trx) => addLoginDomain(trx, actor(req.user!), req.body.domain))),
    );
    // Each verify is a DNS lookup: a light per-tenant limit keeps a script from hammering resolvers.
    const verifyLimit = { rateLimit: { hook: 'preHandler' as const, max: 20, timeWindow: '1 minute', keyGenerator: (req: { user: { tenantId: string } | null }) => `msp-sso-verify:${req.user!.tenantId}` } };
    r.post('/api/msp-sso/domains/:id/verify', { preHandler: update, config: verifyLimit, schema: { params: idParams, response: { 200: loginDomain } } }, async (req) =>
      verifyLoginDomain({ db: app.db, txt: deps.txt }, actor(req.user!), req.params.id),
    );
    r.post('/api/msp-sso/domains/:id/disable', { preHandler: update, schema: { params: idParams, querystring: confirmQuery, response: { 200: loginDomain } } }, async (req) =>
      app.db.transaction().execute((trx) => disableLoginDomain(trx, actor(req.user!), req.params.id, { confirm: req.query.confirm })),
    );
    r.patch('/api/msp-sso/domains/:id', { preHandler: update, schema: { params: idParams, body: requestBody({ ssoRequired: z.boolean() }), response: { 200: loginDomain } } }, async (req) =>
      app.db.transaction().execute((trx) => setSsoRequired(trx, actor(req.user!), req.params.id, req.body.ssoRequired)),
    );
  };
}
