// msal-node confidential clients for a Microsoft profile. The identity platform's address comes
// from configuration (MICROSOFT_LOGIN_URL): login.microsoftonline.com in production, the local
// emulator in tests and the demo. msal accepts only https authorities, so for an http address
// msal is given the same host over https and a network client that sends those requests over
// http, saying with X-Forwarded-Proto/Host which origin msal believes it talks to.
import { ConfidentialClientApplication, type Configuration, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import type { MicrosoftCredentials } from './resolver.js';

const MICROSOFT_LOGIN_URL = 'https://login.microsoftonline.com';

function plainHttpNetworkClient(host: string): INetworkModule {
  const httpsOrigin = `https://${host}`;
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> => {
    const local = url.startsWith(httpsOrigin);
    const response = await fetch(local ? `http://${host}${url.slice(httpsOrigin.length)}` : url, {
      method,
      headers: { ...(options?.headers ?? {}), ...(local ? { 'x-forwarded-proto': 'https', 'x-forwarded-host': host } : {}) },
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      signal: AbortSignal.timeout(timeout ?? 30_000),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      // msal reads error/error_description from the body, so give it one it understands.
      body = { error: 'invalid_response', error_description: `The identity platform answered ${response.status} with a non-JSON body.` };
    }
    return { headers: Object.fromEntries(response.headers), body: body as T, status: response.status };
  };
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

/** The authority msal is configured with for `tenant` (`common`, a directory id or a domain). */
export function authorityUrl(loginUrl: string, tenant: string): string {
  const url = new URL(loginUrl);
  return `https://${url.host}/${encodeURIComponent(tenant)}`;
}

export function confidentialClient(credentials: MicrosoftCredentials, loginUrl: string): ConfidentialClientApplication {
  const url = new URL(loginUrl);
  const config: Configuration = {
    auth: {
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      authority: authorityUrl(loginUrl, credentials.authorityTenant),
      // Any host but Microsoft's own must be known, or msal asks login.microsoftonline.com about it.
      ...(url.origin === MICROSOFT_LOGIN_URL ? {} : { knownAuthorities: [url.host] }),
    },
    ...(url.protocol === 'http:' ? { system: { networkClient: plainHttpNetworkClient(url.host) } } : {}),
  };
  return new ConfidentialClientApplication(config);
}

/** msal keeps refresh tokens in its cache and never returns them; read the one it holds (a refresh is cached only with `forceCache`). */
export function refreshTokenFromCache(client: ConfidentialClientApplication): string | null {
  const cache = JSON.parse(client.getTokenCache().serialize()) as { RefreshToken?: Record<string, { secret: string }> };
  const [entry] = Object.values(cache.RefreshToken ?? {});
  return entry?.secret ?? null;
}
