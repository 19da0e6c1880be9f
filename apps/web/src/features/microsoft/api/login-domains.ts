// MSP SSO login domains: GET/POST /api/msp-sso/domains, verify, disable, and the SSO-required switch.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { microsoftKeys } from './keys.ts';

export interface LoginDomain {
  id: string;
  domain: string;
  status: 'pending' | 'verified' | 'disabled';
  ssoRequired: boolean;
  verification: { type: 'TXT'; name: string; value: string };
  verifiedAt: string | null;
  createdAt: string;
}

const base = '/api/msp-sso/domains';

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

export const useLoginDomainAction = () =>
  useDomainMutation(({ id, action }: { id: string; action: 'verify' | 'disable' }) => request<LoginDomain>('POST', `${base}/${encodeURIComponent(id)}/${action}`));

export const useSetSsoRequired = () =>
  useDomainMutation(({ id, ssoRequired }: { id: string; ssoRequired: boolean }) => request<LoginDomain>('PATCH', `${base}/${encodeURIComponent(id)}`, { ssoRequired }));
