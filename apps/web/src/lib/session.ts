// The signed-in user and the edition: the two queries every page depends on.
import { queryOptions } from '@tanstack/react-query';
import { ApiError, request } from './api.ts';

export interface SessionUser {
  id: string;
  tenantId: string;
  email: string;
  displayName: string;
  userType: 'internal' | 'client';
  clientId: string | null;
  permissions: string[];
}

export interface Session {
  user: SessionUser;
  csrfToken: string;
}

export interface EditionInfo {
  edition: 'ce' | 'ee';
  calendarAvailable: boolean;
  entraAvailable: boolean;
  settingsCategories: string[];
  profileTabs: string[];
  microsoftConsumers: string[];
  featureFlags: Record<string, boolean>;
}

export const sessionKeys = { session: ['session'] as const, edition: ['edition'] as const };

export const sessionQuery = queryOptions({
  queryKey: sessionKeys.session,
  queryFn: async (): Promise<Session | null> => {
    try {
      return await request<Session>('GET', '/api/auth/session');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return null;
      throw err;
    }
  },
  staleTime: Infinity,
});

export const editionQuery = queryOptions({
  queryKey: sessionKeys.edition,
  queryFn: () => request<EditionInfo>('GET', '/api/edition'),
  staleTime: 60_000,
});

export const editionLabel = (edition: string) => (edition === 'ee' ? 'Enterprise Edition' : 'Community Edition');

export const canReadSettings = (user: SessionUser) => user.userType === 'internal' && user.permissions.includes('system_settings.read');

export const canUpdateSettings = (user: SessionUser) => canReadSettings(user) && user.permissions.includes('system_settings.update');
