// GET /api/feature-flags and PUT /api/feature-flags/:key: this tenant's flags, and changing one.
// A change also refreshes the edition payload, which carries the flags the layout (Settings
// categories, client page actions) is built from, so what a flag shows appears without a reload.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { sessionKeys } from '../../../lib/session.ts';

export interface FeatureFlag {
  key: string;
  title: string;
  description: string;
  edition: 'ce' | 'ee';
  /** Keys of flags that must also be on for this one to show anything. */
  dependsOn: string[];
  enabled: boolean;
  defaultEnabled: boolean;
  /** true/false when set for this tenant; null when it follows the default. */
  tenantOverride: boolean | null;
}

export const featureFlagKeys = { all: ['feature-flags'] as const };

export const featureFlagsQuery = queryOptions({
  queryKey: featureFlagKeys.all,
  queryFn: () => request<{ items: FeatureFlag[] }>('GET', '/api/feature-flags'),
});

export const useFeatureFlags = () => useQuery(featureFlagsQuery);

/** `enabled: null` returns the tenant to the flag's default. */
export const setFeatureFlag = (key: string, enabled: boolean | null) =>
  request<FeatureFlag>('PUT', `/api/feature-flags/${encodeURIComponent(key)}`, { enabled });

export function useSetFeatureFlag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (vars: { key: string; enabled: boolean | null }) => setFeatureFlag(vars.key, vars.enabled),
    onSuccess: (flag) => {
      queryClient.setQueryData(featureFlagsQuery.queryKey, (old) => old && { items: old.items.map((f) => (f.key === flag.key ? flag : f)) });
      void queryClient.invalidateQueries({ queryKey: featureFlagKeys.all });
      void queryClient.invalidateQueries({ queryKey: sessionKeys.edition });
    },
  });
}
