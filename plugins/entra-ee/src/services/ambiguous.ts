// The review queue: Entra users that match several contacts of their client (reason ambiguous), and
// users whose linked contact was deleted in the PSA (reason contact_deleted, the link a tombstone).
// The admin links a contact of the client, creates (re-creates) one, or dismisses the item: a
// dismissed user is not matched nor re-created again.
import { sql } from 'kysely';
import { BadRequest, Conflict, NotFound, createContact, forTenant, recordAudit, type Db } from '@switchboard/core';

export type AmbiguousResolution = { action: 'link'; contactId: string } | { action: 'create' } | { action: 'dismiss' };

export async function listAmbiguous(db: Db, tenantId: string, status: 'open' | 'resolved' | 'dismissed') {
  const scope = forTenant(db, tenantId);
  // Joined under aliases, so the tenant filter is spelled out (forTenant takes plain table names).
  const items = await db
    .selectFrom('entra_ambiguous_matches as a')
    .innerJoin('entra_managed_tenants as m', (j) => j.onRef('m.id', '=', 'a.managed_tenant_id').onRef('m.tenant_id', '=', 'a.tenant_id'))
    .innerJoin('clients as c', (j) => j.onRef('c.id', '=', 'a.client_id').onRef('c.tenant_id', '=', 'a.tenant_id'))
    .selectAll('a')
    .select(['m.display_name as tenant_name', 'c.name as client_name'])
    .where('a.tenant_id', '=', tenantId)
    .where('a.status', '=', status)
    .orderBy('a.created_at')
    .limit(500)
    .execute();
  const contactIds = [...new Set(items.flatMap((i) => i.candidate_contact_ids))];
  const contacts = contactIds.length ? await scope.selectFrom('contacts').select(['id', 'full_name', 'email', 'is_inactive']).where('id', 'in', contactIds).execute() : [];
  const byId = new Map(contacts.map((c) => [c.id, { id: c.id, fullName: c.full_name, email: c.email, isInactive: c.is_inactive }]));
  return items.map((i) => ({
    id: i.id,
    status: i.status,
    reason: i.reason,
    resolution: i.resolution,
    managedTenantName: i.tenant_name,
    clientId: i.client_id,
    clientName: i.client_name,
    entraUserId: i.entra_user_id,
    displayName: i.display_name,
    userPrincipalName: i.user_principal_name,
    email: i.email,
    candidates: i.candidate_contact_ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])),
    createdAt: i.created_at.toISOString(),
  }));
}

export async function resolveAmbiguous(db: Db, actor: { tenantId: string; userId: string }, id: string, resolution: AmbiguousResolution) {
  return db.transaction().execute(async (trx) => {
    const scope = forTenant(trx, actor.tenantId);
    const item = await scope.selectFrom('entra_ambiguous_matches').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!item) throw new NotFound('Review item');
    if (item.status !== 'open') throw new Conflict(`This item is already ${item.status}.`);
    let contactId: string | null = null;
    const user = { managed_tenant_id: item.managed_tenant_id, entra_user_id: item.entra_user_id };
    // A tombstone (contact deleted in the PSA) is re-pointed; anything else linked is a conflict.
    const link = await scope.selectFrom('entra_contact_links').select(['contact_id', 'entra_state']).where('managed_tenant_id', '=', user.managed_tenant_id).where('entra_user_id', '=', user.entra_user_id).forUpdate().executeTakeFirst();
    if (resolution.action !== 'dismiss' && link?.contact_id) throw new Conflict('This Entra user is already linked to a contact.');
    const pointLinkAt = async (id: string, origin: 'created' | 'linked', inactivatedBySync = false) => {
      if (link) {
        await scope.updateTable('entra_contact_links').set({ contact_id: id, origin, inactivated_by_sync: inactivatedBySync, updated_at: sql`now()` }).where('managed_tenant_id', '=', user.managed_tenant_id).where('entra_user_id', '=', user.entra_user_id).execute();
      } else {
        await scope.insertInto('entra_contact_links', { ...user, contact_id: id, origin }).execute();
      }
    };
    if (resolution.action === 'link') {
      const contact = await scope.selectFrom('contacts').select('id').where('id', '=', resolution.contactId).where('client_id', '=', item.client_id).executeTakeFirst();
      if (!contact) throw BadRequest.field('contactId', "no such contact at this user's client");
      const taken = await scope.selectFrom('entra_contact_links').select('entra_user_id').where('contact_id', '=', contact.id).executeTakeFirst();
      if (taken) throw BadRequest.field('contactId', 'this contact is already linked to another Entra user');
      contactId = contact.id;
      await pointLinkAt(contactId, 'linked');
    } else if (resolution.action === 'create') {
      // A user disabled or removed in Entra since the item was queued gets an inactive contact, which
      // comes back with the user like any the sync inactivated.
      const inactive = !!link && link.entra_state !== 'active';
      // Through core's createContact, the one way contacts are made outside the sync's batches.
      contactId = (await createContact(trx, actor.tenantId, { clientId: item.client_id, fullName: item.display_name, email: item.email, isInactive: inactive })).id;
      await pointLinkAt(contactId, 'created', inactive);
    }
    const outcome = resolution.action === 'link' ? 'linked' : resolution.action === 'create' ? 'created' : 'dismissed';
    await scope
      .updateTable('entra_ambiguous_matches')
      .set({ status: outcome === 'dismissed' ? 'dismissed' : 'resolved', resolution: outcome, resolved_contact_id: contactId, resolved_by: actor.userId, resolved_at: sql`now()`, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, { tenantId: actor.tenantId, actorUserId: actor.userId, action: 'entra.ambiguous_resolved', targetType: 'entra_ambiguous_match', targetId: id, details: { reason: item.reason, resolution: outcome, contactId } });
    return { id, status: outcome === 'dismissed' ? 'dismissed' : 'resolved', resolution: outcome, contactId };
  });
}
