// The review queue: open ambiguous matches and their resolution.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { entraKeys } from './keys.ts';
import type { AmbiguousItem } from './types.ts';

export const useAmbiguous = () =>
  useQuery({ queryKey: entraKeys.ambiguous(), queryFn: () => request<{ items: AmbiguousItem[] }>('GET', '/api/integrations/entra/ambiguous').then((r) => r.items) });

export type Resolution = { action: 'link'; contactId: string } | { action: 'create' } | { action: 'dismiss' };

export function useResolveAmbiguous() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, resolution }: { id: string; resolution: Resolution }) => request('POST', `/api/integrations/entra/ambiguous/${id}/resolve`, resolution),
    onSuccess: () => client.invalidateQueries({ queryKey: entraKeys.ambiguous() }),
  });
}
