// Builds the CalendarAdapter of a connection: the engine gets one interface whatever the provider.
import type { Metrics, ProviderUrls } from '@switchboard/core';
import { createGoogleAdapter } from '../adapters/google-adapter.js';
import { createMicrosoftAdapter } from '../adapters/microsoft-adapter.js';
import type { CalendarAdapter } from '../adapters/types.js';
import type { ProviderRow } from './providers.js';
import { providerTokenSource, type TokenDeps } from './tokens.js';

export type AdapterFactory = (provider: ProviderRow) => CalendarAdapter;

export function createAdapterFactory(deps: TokenDeps & { providerUrls: ProviderUrls; metrics?: Metrics }): AdapterFactory {
  return (provider) => {
    const tokens = providerTokenSource(deps, provider);
    const metrics = deps.metrics;
    const retry = metrics ? { observe: (outcome: string) => metrics.providerCalls.inc({ provider: provider.provider_type, outcome }) } : undefined;
    return provider.provider_type === 'google'
      ? createGoogleAdapter({ rootUrl: `${deps.providerUrls.googleApi}/`, calendarId: provider.calendar_id ?? 'primary', tokens, retry, limiterKey: provider.id })
      : createMicrosoftAdapter({ graphUrl: deps.providerUrls.microsoftGraph, tokens, mailboxKey: provider.id, calendarId: provider.calendar_id ?? undefined, retry });
  };
}
