// Point @azure/msal-node at the http identity emulator. msal insists on an https authority
// (msal-common UrlString.validateAsUri → authority_uri_insecure), so the app uses a made-up https
// host, lists it in knownAuthorities (no instance discovery against login.microsoftonline.com) and
// sends every request through a network client that maps that host onto the emulator's http URL.
import type { Configuration, INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/** The https host msal is configured with; never resolved, the network client rewrites it. */
export const EMULATOR_LOGIN_HOST = 'login.emulator.test';

export interface EmulatorMsalOptions {
  clientId: string;
  clientSecret: string;
  /** `common`, `organizations`, a tenant GUID or a verified domain. Default `common`. */
  tenant?: string;
  /** The https host msal sees; default `login.emulator.test`. */
  loginHost?: string;
  /** Extra msal `cache` options (e.g. a cachePlugin that persists the refresh token). */
  cache?: Configuration['cache'];
}

/** `https://login.emulator.test/{tenant}`: the authority for the app config or a per-request `authority`. */
export function emulatorAuthority(tenant: string, loginHost = EMULATOR_LOGIN_HOST): string {
  return `https://${loginHost}/${tenant}`;
}

/**
 * An msal INetworkModule (msal-common network/INetworkModule.ts: sendGetRequestAsync(url, options,
 * timeout) / sendPostRequestAsync(url, options) → {headers, body (parsed JSON), status}) that sends
 * `https://{loginHost}/…` to `{emulatorUrl}/…`. X-Forwarded-Host/Proto tell the emulator which origin
 * msal used, so the discovery document's issuer and endpoints match the https authority (msal checks
 * the issuer's scheme and host against it, Authority.validateIssuer). Other URLs go out unchanged.
 */
export function emulatorNetworkClient(emulatorUrl: string, loginHost = EMULATOR_LOGIN_HOST): INetworkModule {
  const origin = `https://${loginHost}`;
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> => {
    const rewritten = url.startsWith(origin) ? `${emulatorUrl.replace(/\/$/, '')}${url.slice(origin.length)}` : url;
    const headers: Record<string, string> = { ...(options?.headers ?? {}) };
    if (rewritten !== url) {
      headers['x-forwarded-host'] = loginHost;
      headers['x-forwarded-proto'] = 'https';
    }
    const response = await fetch(rewritten, {
      method,
      headers,
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      signal: timeout ? AbortSignal.timeout(timeout) : undefined,
    });
    const text = await response.text();
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      responseHeaders[key] = value;
    });
    // msal expects a parsed JSON body, also for errors (it reads error/error_description from it).
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { error: 'invalid_response', error_description: `Non-JSON response (${response.status}) from ${rewritten}` };
    }
    return { headers: responseHeaders, body: body as T, status: response.status };
  };
  return {
    sendGetRequestAsync: (url, options, timeout) => send('GET', url, options, timeout),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

/** A ConfidentialClientApplication configuration that talks to the emulator at `emulatorUrl`. */
export function emulatorMsalConfig(emulatorUrl: string, options: EmulatorMsalOptions): Configuration {
  const loginHost = options.loginHost ?? EMULATOR_LOGIN_HOST;
  return {
    auth: {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      authority: emulatorAuthority(options.tenant ?? 'common', loginHost),
      // A known authority skips instance discovery (msal-common Authority.updateCloudDiscoveryMetadata).
      knownAuthorities: [loginHost],
    },
    ...(options.cache ? { cache: options.cache } : {}),
    system: { networkClient: emulatorNetworkClient(emulatorUrl, loginHost) },
  };
}
