// Tenant calendar settings: the Google OAuth app (client id, write-only secret) technicians
// connect through, and the redirect URIs to register with Google and Microsoft.
import { sql } from 'kysely';
import { forTenant, recordAudit, type Db, type SecretStore } from '@switchboard/core';
import type { SettingsInput } from '../schemas.js';

export const GOOGLE_SECRET_NAME = 'calendar:google_client_secret';
export const GOOGLE_CALLBACK_PATH = '/api/auth/google/calendar/callback';
export const MICROSOFT_CALLBACK_PATH = '/api/auth/microsoft/calendar/callback';

export interface GoogleApp {
  clientId: string;
  clientSecret: string;
}

export async function getSettings(db: Db, secrets: SecretStore, tenantId: string, publicUrl: string) {
  const row = await forTenant(db, tenantId).selectFrom('calendar_settings').select(['google_client_id']).executeTakeFirst();
  return {
    google: {
      clientId: row?.google_client_id ?? null,
      hasClientSecret: await secrets.has(db, tenantId, GOOGLE_SECRET_NAME),
      redirectUri: `${publicUrl}${GOOGLE_CALLBACK_PATH}`,
    },
    microsoft: { redirectUri: `${publicUrl}${MICROSOFT_CALLBACK_PATH}` },
  };
}

export async function updateSettings(trx: Db, secrets: SecretStore, actor: { tenantId: string; userId: string }, input: SettingsInput) {
  if (input.googleClientId !== undefined) {
    await trx
      .insertInto('calendar_settings')
      .values({ tenant_id: actor.tenantId, google_client_id: input.googleClientId, updated_by: actor.userId })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ google_client_id: input.googleClientId, updated_by: actor.userId, updated_at: sql`now()` }))
      .execute();
  }
  if (input.googleClientSecret === null) await secrets.delete(trx, actor.tenantId, GOOGLE_SECRET_NAME);
  else if (input.googleClientSecret !== undefined) await secrets.put(trx, actor.tenantId, GOOGLE_SECRET_NAME, input.googleClientSecret);
  await recordAudit(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'calendar_settings.updated', targetType: 'calendar_settings', details: { fields: Object.keys(input) } });
}

/** The tenant's Google app, or null when it is not configured completely. */
export async function googleApp(db: Db, secrets: SecretStore, tenantId: string): Promise<GoogleApp | null> {
  const row = await forTenant(db, tenantId).selectFrom('calendar_settings').select('google_client_id').executeTakeFirst();
  const clientSecret = await secrets.get(db, tenantId, GOOGLE_SECRET_NAME);
  return row?.google_client_id && clientSecret ? { clientId: row.google_client_id, clientSecret } : null;
}
