// GET/PUT /api/integrations/entra/settings: schedule and (with the field-sync flag) overwrite toggles.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { entraKeys } from './keys.ts';
import type { EntraSettings, FieldOverwrite } from './types.ts';

export const useEntraSettings = () => useQuery({ queryKey: entraKeys.settings(), queryFn: () => request<EntraSettings>('GET', '/api/integrations/entra/settings') });

export function useUpdateEntraSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: { schedule?: EntraSettings['schedule']; overwrite?: Partial<FieldOverwrite> }) => request<EntraSettings>('PUT', '/api/integrations/entra/settings', patch),
    onSuccess: (saved) => client.setQueryData(entraKeys.settings(), saved),
  });
}
