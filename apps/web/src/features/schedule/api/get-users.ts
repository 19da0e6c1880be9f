// GET /api/users: names for assignee ids, and the people an entry can be assigned to.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import { scheduleKeys } from './keys.ts';

export interface ScheduleUser {
  id: string;
  email: string;
  displayName: string;
  userType: 'internal' | 'client';
  clientId: string | null;
  isActive: boolean;
  createdAt: string;
}

export const getUsers = () => request<{ items: ScheduleUser[] }>('GET', '/api/users');

export const usersQuery = queryOptions({
  queryKey: scheduleKeys.assignees,
  queryFn: getUsers,
  staleTime: 5 * 60_000,
});

export const useUsers = () => useQuery(usersQuery);

/** Only active MSP staff can be assigned (the server refuses anyone else). */
export const isAssignable = (user: ScheduleUser) => user.userType === 'internal' && user.isActive;
