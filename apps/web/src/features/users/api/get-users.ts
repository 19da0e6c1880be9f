// GET /api/users: the tenant's users with their roles.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { userKeys } from './keys.ts';
import type { User } from './types.ts';

export const fetchUsers = async () => (await request<{ items: User[] }>('GET', '/api/users')).items;

export const usersQueryOptions = () => queryOptions({ queryKey: userKeys.list(), queryFn: fetchUsers });

export const useUsers = () => useQuery(usersQueryOptions());
