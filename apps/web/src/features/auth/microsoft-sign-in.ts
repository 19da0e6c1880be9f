// "Sign in with Microsoft": whether an address can use it (POST /api/auth/msp/sso/discover), where
// to send the browser, and the message for each reason the server refused a sign-in (it sends only
// a reason code back, so no text from the URL is ever shown).
import { useEffect, useState } from 'react';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../lib/api.ts';

export interface Discovery {
  microsoft: boolean;
  passwordAllowed: boolean;
}

const looksLikeEmail = (email: string) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.trim());

const discoveryQuery = (email: string) =>
  queryOptions({
    queryKey: ['auth', 'discover', email.trim().toLowerCase()],
    queryFn: () => request<Discovery>('POST', '/api/auth/msp/sso/discover', { email: email.trim() }),
    staleTime: 60_000,
  });

/** Discovery for the typed address, asked once typing pauses. */
export function useDiscovery(email: string): Discovery | undefined {
  const [settled, setSettled] = useState(email);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(email), 350);
    return () => clearTimeout(timer);
  }, [email]);
  const query = useQuery({ ...discoveryQuery(settled), enabled: looksLikeEmail(settled) });
  return looksLikeEmail(email) && settled === email ? query.data : undefined;
}

export const microsoftStartUrl = (email: string) => `/api/auth/msp/sso/start?email=${encodeURIComponent(email.trim())}`;

const RETRY = 'Please start again.';

export const SSO_REFUSALS: Record<string, string> = {
  not_available: 'Microsoft sign-in is not set up for this address. Sign in with your password.',
  state_missing: `That Microsoft sign-in could not be completed. ${RETRY}`,
  state_mismatch: `That Microsoft sign-in was started in another browser or tab. ${RETRY}`,
  state_used: `That Microsoft sign-in was already used. ${RETRY}`,
  state_expired: `That Microsoft sign-in took longer than 10 minutes. ${RETRY}`,
  cancelled: 'Microsoft sign-in was cancelled.',
  provider_error: `Microsoft could not complete the sign-in. ${RETRY}`,
  config_changed: `Your organization's Microsoft sign-in settings changed while you were signing in. ${RETRY}`,
  token_failed: 'Microsoft did not confirm the sign-in. Try again, or ask your administrator to check the Microsoft profile for MSP single sign-on.',
  domain_disabled: 'Microsoft sign-in is no longer enabled for your domain.',
  wrong_domain: "The Microsoft account you chose is not an address of your organization's domain. Choose your work account.",
  no_account: 'There is no Switchboard account for that Microsoft account. Ask your administrator to add you.',
  client_user: 'Microsoft sign-in is for MSP staff. Sign in with your password.',
  account_disabled: 'Your Switchboard account is disabled. Contact your administrator.',
};

/** The refusal the server redirected here with (`/?sso=reason`), once; the URL is cleaned up. */
export function takeSsoRefusal(): string | null {
  const url = new URL(window.location.href);
  const reason = url.searchParams.get('sso');
  if (!reason) return null;
  url.searchParams.delete('sso');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  return SSO_REFUSALS[reason] ?? `Microsoft sign-in failed. ${RETRY}`;
}
