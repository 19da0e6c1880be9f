// switchboard-microsoft-bindings: Microsoft profiles, explicit consumer bindings, the consumer
// matrix and the resolver other plugins use (`app.microsoft.resolveConsumerProfile`). On start it
// materializes bindings once for tenants with legacy Microsoft use. It also runs the msp_sso
// consumer: login domains and "Sign in with Microsoft".
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { MicrosoftConsumer } from '@switchboard/core';
import { profileRoutes } from './routes/profiles.js';
import { consumerRoutes } from './routes/consumers.js';
import { mspSsoRoutes } from './sso/routes.js';
import { deleteStaleSsoStates } from './sso/msp-sso.js';
import { createTxtVerifier } from './sso/dns-verification.js';
import { recheckVerifiedDomains } from './sso/domain-recheck.js';
import { materializeBindings } from './services/materialize.js';
import { resolveConsumerProfile, type MicrosoftCredentials } from './services/resolver.js';
import type { ProfileUsageSource } from './services/profiles.js';
import type { ConsumerDependent } from './services/consumer-dependents.js';
import { mspSsoSignInCheck } from './sso/sign-in-policy.js';

export interface MicrosoftBindings {
  /** The credentials of the profile bound to `consumer`, or null (never a fallback profile). */
  resolveConsumerProfile(tenantId: string, consumer: MicrosoftConsumer): Promise<MicrosoftCredentials | null>;
  /** Another feature that holds on to profiles (e.g. an Entra connection) so archive/delete refuse while it does. */
  registerProfileUsage(source: ProfileUsageSource): void;
  /** Connections of another feature that must reconnect when `consumer` is bound elsewhere (e.g. calendar-ee's calendars). */
  registerConsumerDependents(dependent: ConsumerDependent): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    microsoft: MicrosoftBindings;
  }
}

async function microsoftBindings(app: FastifyInstance) {
  const usageSources: ProfileUsageSource[] = [];
  const dependents: ConsumerDependent[] = [];
  const deps = { edition: app.edition, secrets: app.secrets, publicUrl: app.coreOptions.publicUrl, usageSources, dependents };

  app.decorate('microsoft', {
    resolveConsumerProfile: (tenantId: string, consumer: MicrosoftConsumer) => resolveConsumerProfile(app.db, deps, tenantId, consumer),
    registerProfileUsage: (source: ProfileUsageSource) => {
      usageSources.push(source);
    },
    registerConsumerDependents: (dependent: ConsumerDependent) => {
      dependents.push(dependent);
    },
  } satisfies MicrosoftBindings);
  // Password sign-in asks this plugin whether the address must use Microsoft sign-in.
  app.signInPolicy.register(mspSsoSignInCheck);

  app.jobs.define({
    name: 'microsoft.sso-state-cleanup',
    handler: async () => {
      await deleteStaleSsoStates(app.db);
    },
  });

  // Login domains are proven by DNS TXT records, looked up where SWITCHBOARD_DNS_SERVERS says.
  const txt = createTxtVerifier(app.coreOptions.dns);
  app.jobs.define({
    name: 'microsoft.login-domain-recheck',
    handler: async () => {
      await recheckVerifiedDomains({ db: app.db, txt, log: app.log });
    },
  });

  app.addHook('onReady', async () => {
    if (app.coreOptions.runWorkers) {
      await app.jobs.boss.schedule('microsoft.sso-state-cleanup', '23 * * * *');
      await app.jobs.boss.schedule('microsoft.login-domain-recheck', '41 */6 * * *');
    }
    const results = await materializeBindings(app.db, app.edition.microsoftConsumers);
    const bound = results.filter((r) => r.outcome === 'bound');
    if (bound.length > 0) app.log.info({ bound: bound.map(({ tenantId, consumer }) => ({ tenantId, consumer })) }, 'materialized Microsoft consumer bindings');
  });

  await app.register(profileRoutes(deps));
  await app.register(consumerRoutes(deps));
  await app.register(
    mspSsoRoutes({
      resolveProfile: app.microsoft.resolveConsumerProfile,
      loginUrl: app.coreOptions.providerUrls.microsoftLogin,
      publicUrl: app.coreOptions.publicUrl,
      txt,
    }),
  );
}

export const microsoftBindingsPlugin = fp(microsoftBindings, {
  name: 'switchboard-microsoft-bindings',
  fastify: '5.x',
  dependencies: ['switchboard-core'],
});
