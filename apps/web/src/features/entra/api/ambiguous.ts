// The review queue: open items (ambiguous matches, contacts deleted in Switchboard) and their resolution.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { entraKeys } from './keys.ts';
import type { AmbiguousItem } from './types.ts';

/** The contacts feature's root key (features do not import each other): a created or linked contact shows in its lists. */
const CONTACTS_ROOT = ['contacts'] as const;

export const useAmbiguous = () =>
  useQuery({ queryKey: entraKeys.ambiguous(), queryFn: () => request<{ items: AmbiguousItem[] }>('GET', '/api/integrations/entra/ambiguous').then((r) => r.items) });

/** `create` re-creates a deleted contact; `dismiss` ignores the user from then on. */
export type Resolution = { action: 'link'; contactId: string } | { action: 'create' } | { action: 'dismiss' };

export function useResolveAmbiguous() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, resolution }: { id: string; resolution: Resolution }) => request('POST', `/api/integrations/entra/ambiguous/${id}/resolve`, resolution),
    onSuccess: (_result, { resolution }) => {
      if (resolution.action !== 'dismiss') void client.invalidateQueries({ queryKey: CONTACTS_ROOT });
      return client.invalidateQueries({ queryKey: entraKeys.ambiguous() });
    },
  });
}
