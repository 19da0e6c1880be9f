// The signed-in user's own notifications (internal and client-portal users alike): list with the
// unread count, mark one read, mark all read. Someone else's notification is not found.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParams } from '../schemas/common.js';
import { notificationList, notificationListQuery, notificationResponse, readAllResponse } from '../schemas/notifications.js';
import { countUnread, listNotifications, markAllNotificationsRead, markNotificationRead } from '../services/notifications.js';

export async function notificationRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const preHandler = app.requireUser;

  r.get('/api/notifications', { preHandler, schema: { querystring: notificationListQuery, response: { 200: notificationList } } }, async (req) =>
    listNotifications(app.db, req.user!.tenantId, req.user!.userId, req.query),
  );

  r.post('/api/notifications/:id/read', { preHandler, schema: { params: idParams, response: { 200: notificationResponse } } }, async (req) =>
    markNotificationRead(app.db, req.user!.tenantId, req.user!.userId, req.params.id),
  );

  r.post('/api/notifications/read-all', { preHandler, schema: { response: { 200: readAllResponse } } }, async (req) => {
    const { tenantId, userId } = req.user!;
    const updated = await markAllNotificationsRead(app.db, tenantId, userId);
    return { updated, unreadCount: await countUnread(app.db, tenantId, userId) };
  });
}
