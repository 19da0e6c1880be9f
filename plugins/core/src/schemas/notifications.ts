// In-app notifications: what services raise and what the API answers.
import { z } from 'zod';
import { storableText } from './common.js';

export const notificationSeverity = z.enum(['info', 'warning', 'error']);

/** What a service passes to notify/notifyAdmins; checked so a bad caller fails loudly, not the UI. */
export const notificationInput = z.object({
  kind: storableText().trim().min(1).max(100),
  severity: notificationSeverity,
  title: storableText().trim().min(1).max(200),
  body: storableText().trim().max(2000).default(''),
  // The web app navigates to it, so only in-app paths: '/x', never 'https://…' or '//host'.
  link: storableText()
    .regex(/^\/(?!\/)/, 'must be an in-app path starting with a single /')
    .max(500)
    .nullish(),
  dedupeKey: storableText().trim().min(1).max(300).nullish(),
});
export type NotificationInput = z.input<typeof notificationInput>;

export const notificationResponse = z.object({
  id: z.string(),
  kind: z.string(),
  severity: notificationSeverity,
  title: z.string(),
  body: z.string(),
  link: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  readAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});
export type Notification = z.infer<typeof notificationResponse>;

export const notificationListQuery = z.object({
  unread: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type NotificationListQuery = z.infer<typeof notificationListQuery>;

export const notificationList = z.object({ items: z.array(notificationResponse), unreadCount: z.number() });

export const readAllResponse = z.object({ updated: z.number(), unreadCount: z.number() });
