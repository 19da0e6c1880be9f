// MSP SSO login domains: GET/POST /api/msp-sso/domains, verify (a DNS TXT lookup on the server),
// disable (409 `sso_required` until repeated with ?confirm=true), and the SSO-required switch.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, request } from '../../../lib/api.ts';
import { microsoftKeys } from './keys.ts';

export interface LoginDomain {
  id: string;
  domain: string;
  status: 'pending' | 'verified' | 'disabled';
  ssoRequired: boolean;
  verification: { type: 'TXT'; name: string; value: string };
  verifiedAt: string | null;
  /** When the DNS last answered a check of the TXT record. */
  lastCheckedAt: string | null;
  /** Set while the periodic re-check finds the TXT record gone. */
  recordMissingSince: string | null;
  createdAt: string;
}

const base = '/api/msp-sso/domains';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export const loginDomainsQueryOptions = queryOptions({
  queryKey: microsoftKeys.loginDomains(),
  queryFn: () => request<{ items: LoginDomain[] }>('GET', base).then((r) => r.items),
});

export const useLoginDomains = () => useQuery(loginDomainsQueryOptions);

function useDomainMutation<T>(fn: (input: T) => Promise<LoginDomain>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => queryClient.invalidateQueries({ queryKey: microsoftKeys.loginDomains() }) });
}

export const useAddLoginDomain = () => useDomainMutation((domain: string) => request<LoginDomain>('POST', base, { domain }));

/** Looks the TXT record up now; a 409 says what was looked up and what was found. */
export const useVerifyLoginDomain = () => useDomainMutation((id: string) => request<LoginDomain>('POST', `${one(id)}/verify`));

export const useDisableLoginDomain = () =>
  useDomainMutation(({ id, confirm = false }: { id: string; confirm?: boolean }) => request<LoginDomain>('POST', `${one(id)}/disable${confirm ? '?confirm=true' : ''}`));

export const useSetSsoRequired = () => useDomainMutation(({ id, ssoRequired }: { id: string; ssoRequired: boolean }) => request<LoginDomain>('PATCH', one(id), { ssoRequired }));

/** The server's question when disabling a domain that requires Microsoft sign-in, else null. */
export function disableConfirmationOf(err: unknown): string | null {
  if (!(err instanceof ApiError) || err.status !== 409) return null;
  return (err.body as { code?: unknown } | null)?.code === 'sso_required' ? err.message : null;
}
