// Google and Graph deliver push notifications to https URLs only and refuse to register an http one.
// The emulators refuse it the same way, unless started in loopback/demo mode: the server option
// `allowHttpWebhooks`, or EMULATOR_ALLOW_HTTP_WEBHOOKS=true for emulators started by a script.

export const ALLOW_HTTP_WEBHOOKS_ENV = 'EMULATOR_ALLOW_HTTP_WEBHOOKS';

export function allowHttpWebhooksFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ALLOW_HTTP_WEBHOOKS_ENV] === 'true';
}
