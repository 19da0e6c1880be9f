// The Microsoft emulator: identity platform (login.microsoftonline.com), Graph calendar and Graph
// directory/partner data (graph.microsoft.com) in one process, sharing tokens and controls.
import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import { Controls, registerControls } from '../controls.js';
import { listenLocal } from '../listen.js';
import { allowHttpWebhooksFromEnv } from '../webhook-scheme.js';
import type { MicrosoftContext } from './context.js';
import { TokenRegistry } from './tokens.js';
import { registerIdentity, type IdentityPart } from './identity.js';
import { registerDirectory, type DirectoryPart } from './directory.js';
import { registerGraphCalendar, type GraphCalendarPart } from './graph-calendar.js';
import { registerBatch } from './batch.js';
import { graphError, identityError } from './errors.js';

export interface MicrosoftEmulator {
  app: FastifyInstance;
  url: string;
  controls: Controls;
  tokens: TokenRegistry;
  identity: IdentityPart;
  directory: DirectoryPart;
  calendar: GraphCalendarPart;
  close(): Promise<void>;
}

export interface MicrosoftEmulatorOptions {
  port?: number;
  host?: string;
  /**
   * Loopback/demo mode: accept http notification URLs, which Graph refuses (400 InvalidRequest).
   * Default: the environment variable EMULATOR_ALLOW_HTTP_WEBHOOKS=true.
   */
  allowHttpWebhooks?: boolean;
}

export async function startMicrosoftEmulator(options: MicrosoftEmulatorOptions = {}): Promise<MicrosoftEmulator> {
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 });
  await app.register(formbody);
  let url = '';
  const controls = new Controls();
  // One clock for tokens, events and subscriptions, which POST /_emulator/clock moves forward.
  const now = controls.clock(Date.now);
  const context: MicrosoftContext = {
    tokens: new TokenRegistry(now),
    controls,
    baseUrl: () => url,
    now,
    allowHttpWebhooks: options.allowHttpWebhooks ?? allowHttpWebhooksFromEnv(),
  };
  const identity = registerIdentity(app, context);
  const directory = registerDirectory(app, context);
  const calendar = registerGraphCalendar(app, context);
  registerBatch(app, context);
  registerControls(app, context.controls, {
    // Faults on Graph paths answer in Graph's error shape; the identity endpoints in AAD's.
    renderError: (status, rule, path) => (/^\/(v1\.0|beta)\//.test(path) ? graphError(status, rule) : identityError(status)),
    onReset: () => {
      context.tokens.reset();
      identity.reset();
      directory.reset();
      calendar.reset();
    },
  });
  const listening = await listenLocal(app, options);
  url = listening.url;
  return { app, url, controls: context.controls, tokens: context.tokens, identity, directory, calendar, close: listening.close };
}
