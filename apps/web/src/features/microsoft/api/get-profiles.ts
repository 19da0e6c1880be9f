// GET /api/microsoft/profiles: the tenant's profiles, archived ones on request.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { microsoftKeys } from './keys.ts';
import type { MicrosoftProfile } from './types.ts';

export const profilesQueryOptions = (includeArchived: boolean) =>
  queryOptions({
    queryKey: microsoftKeys.profiles(includeArchived),
    queryFn: () => request<{ items: MicrosoftProfile[] }>('GET', `/api/microsoft/profiles?includeArchived=${includeArchived}`).then((r) => r.items),
  });

export const useProfiles = (includeArchived: boolean) => useQuery(profilesQueryOptions(includeArchived));
