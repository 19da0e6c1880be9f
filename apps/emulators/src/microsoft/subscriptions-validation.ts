// The notificationUrl validation handshake Graph performs before creating a subscription:
// POST {url}?validationToken={token} with a text/plain body; the receiver must answer 200 with the
// URL-decoded token as text/plain within 10 seconds.
// https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation
import { randomUUID } from 'node:crypto';

export interface HandshakeResult {
  ok: boolean;
  /** Graph's error message when the handshake failed. */
  message?: string;
  url: string;
  status: number | null;
  token: string;
  answer?: string;
}

/** Add a query parameter, keeping any query the subscriber put in its URL (delivery doc). */
export function withQuery(url: string, name: string, value: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}`;
}

/**
 * Real tokens are a sentence with spaces and colons (microsoft-graph-docs#21160), so a receiver
 * that does not URL-decode the query fails here as it would against Graph.
 */
const validationToken = () => `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;

/**
 * Error texts Graph returns (quoted from real responses, e.g. abraunegg/onedrive and
 * microsoftgraph/java-spring-webhooks-sample#82).
 */
const NOT_OK = 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.';
const MISMATCH = 'Subscription validation request failed. Response must exactly match validationToken query parameter.';

export async function validateEndpoint(notificationUrl: string, timeoutMs: number): Promise<HandshakeResult> {
  const token = validationToken();
  const url = withQuery(notificationUrl, 'validationToken', token);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: '',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const answer = await response.text();
    if (response.status !== 200) return { ok: false, message: NOT_OK, url, status: response.status, token, answer };
    if (answer !== token) return { ok: false, message: MISMATCH, url, status: response.status, token, answer };
    return { ok: true, url, status: 200, token, answer };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return { ok: false, message: timedOut ? `${NOT_OK} The request timed out after ${timeoutMs} ms.` : NOT_OK, url, status: null, token };
  }
}

/**
 * notificationUrl and lifecycleNotificationUrl "must make use of the HTTPS protocol" (subscription
 * resource, https://learn.microsoft.com/graph/api/resources/subscription); Graph answers 400
 * InvalidRequest "NotificationUrl scheme='http' is not supported." (microsoft-graph-docs-contrib#7821).
 * The message when `url` is refused, else null; loopback/demo mode takes http.
 */
export function schemeRefusal(property: 'NotificationUrl' | 'LifecycleNotificationUrl', url: string, allowHttp: boolean): string | null {
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  if (scheme === 'https' || (scheme === 'http' && allowHttp)) return null;
  return `${property} scheme='${scheme}' is not supported.`;
}
