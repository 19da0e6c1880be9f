// POST /api/users/:id/password-reset: a single-use link (24 hours) for the user to set a new password.
import { useMutation } from '@tanstack/react-query';
import { request } from '../../../lib/api.ts';
import type { PasswordLink } from './types.ts';

export const issuePasswordLink = (userId: string) => request<PasswordLink>('POST', `/api/users/${encodeURIComponent(userId)}/password-reset`);

export const useIssuePasswordLink = () => useMutation({ mutationFn: issuePasswordLink });
