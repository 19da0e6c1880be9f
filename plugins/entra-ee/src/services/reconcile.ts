// Reconciling one page of a managed tenant's Entra users with the contacts of its mapped client, in
// the caller's transaction. Linked users are kept in line (inactive when disabled or deleted, never
// deleted; fields overwritten only where the admin enabled it); unlinked users are matched by
// normalised email, UPN and proxy addresses within the client: one match links, none creates, more
// than one goes to the review queue. A link whose contact was deleted in the PSA is a tombstone: its
// user is neither re-created nor matched again but queued for review (reason contact_deleted).
// A page with nothing new writes nothing.
import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '@switchboard/db';
import { forTenant, type Db } from '@switchboard/core';
import type { EntraUser } from './directory.js';

type Trx = Transaction<Database>;
const BATCH = 100;

export interface FieldOverwrite {
  fullName: boolean;
  email: boolean;
  phone: boolean;
  jobTitle: boolean;
}

export interface Outcome {
  created: number;
  linked: number;
  updated: number;
  inactivated: number;
  ambiguous: number;
  unchanged: number;
}

export const emptyOutcome = (): Outcome => ({ created: 0, linked: 0, updated: 0, inactivated: 0, ambiguous: 0, unchanged: 0 });

export interface PageInput {
  tenantId: string;
  managedTenantId: string;
  clientId: string;
  users: EntraUser[];
  removed: { id: string }[];
  overwrite: FieldOverwrite;
  /** Full listings record which run saw each linked user, so the ones it did not see count as deleted. */
  seenByRunId?: string;
}

/** Guests (#EXT#) are not the client's people. */
export const isMember = (u: EntraUser) => u.userType !== 'Guest' && !u.userPrincipalName.includes('#EXT#');

export function addressesOf(u: EntraUser): string[] {
  const all = [u.mail, u.userPrincipalName, ...u.proxyAddresses.filter((p) => /^smtp:/i.test(p)).map((p) => p.slice(5))];
  return [...new Set(all.filter((a): a is string => !!a && a.includes('@')).map((a) => a.trim().toLowerCase()))];
}

/** The contact fields an Entra user stands for; blank values are null (and never overwrite). */
export function contactFieldsOf(u: EntraUser) {
  const blank = (v: string | null | undefined) => (v && v.trim() ? v.trim() : null);
  return {
    full_name: blank(u.displayName) ?? u.userPrincipalName,
    email: blank(u.mail) ?? blank(u.userPrincipalName),
    phone: blank(u.mobilePhone) ?? blank(u.businessPhones[0]),
    job_title: blank(u.jobTitle),
  };
}

interface LocalContact {
  id: string;
  full_name: string;
  email: string | null;
  phone: string | null;
  job_title: string | null;
  is_inactive: boolean;
}

type ContactPatch = Partial<Pick<LocalContact, 'full_name' | 'email' | 'phone' | 'job_title' | 'is_inactive'>>;

function fieldPatch(local: LocalContact, u: EntraUser, overwrite: FieldOverwrite): ContactPatch {
  const wanted = contactFieldsOf(u);
  const patch: ContactPatch = {};
  if (overwrite.fullName && wanted.full_name !== local.full_name) patch.full_name = wanted.full_name;
  if (overwrite.email && wanted.email && wanted.email !== local.email) patch.email = wanted.email;
  if (overwrite.phone && wanted.phone && wanted.phone !== local.phone) patch.phone = wanted.phone;
  if (overwrite.jobTitle && wanted.job_title && wanted.job_title !== local.job_title) patch.job_title = wanted.job_title;
  return patch;
}

async function updateContact(trx: Trx, tenantId: string, id: string, patch: ContactPatch) {
  await forTenant(trx, tenantId).updateTable('contacts').set({ ...patch, updated_at: sql`now()` }).where('id', '=', id).execute();
}

/** The links of these users; a tombstone (contact deleted in the PSA) has every contact field null. */
async function linksFor(trx: Trx, tenantId: string, managedTenantId: string, userIds: string[]) {
  if (userIds.length === 0) return [];
  return forTenant(trx, tenantId)
    .selectFrom('entra_contact_links')
    .leftJoin('contacts', 'contacts.id', 'entra_contact_links.contact_id')
    .select(['entra_contact_links.entra_user_id', 'entra_contact_links.entra_state', 'entra_contact_links.inactivated_by_sync', 'entra_contact_links.last_seen_run_id'])
    .select(['contacts.id', 'contacts.full_name', 'contacts.email', 'contacts.phone', 'contacts.job_title', 'contacts.is_inactive'])
    .where('entra_contact_links.managed_tenant_id', '=', managedTenantId)
    .where('entra_contact_links.entra_user_id', 'in', userIds)
    .execute();
}

type LinkRow = Awaited<ReturnType<typeof linksFor>>[number];
/** A link whose contact still exists. */
type LiveLink = LinkRow & LocalContact;
const isLive = (link: LinkRow): link is LiveLink => link.id !== null;

async function setLinkState(trx: Trx, input: { tenantId: string; managedTenantId: string }, userId: string, values: { entra_state?: 'active' | 'disabled' | 'deleted'; inactivated_by_sync?: boolean }) {
  await forTenant(trx, input.tenantId)
    .updateTable('entra_contact_links')
    .set({ ...values, updated_at: sql`now()` })
    .where('managed_tenant_id', '=', input.managedTenantId)
    .where('entra_user_id', '=', userId)
    .execute();
}

/** Deleted in Entra: the contact becomes inactive (it is never deleted). */
async function applyRemoval(trx: Trx, input: { tenantId: string; managedTenantId: string }, link: LinkRow, outcome: Outcome) {
  // Already handled: if someone reactivated the contact by hand since, that is their call.
  if (link.entra_state === 'deleted') return void outcome.unchanged++;
  if (!isLive(link)) {
    // A tombstone: no contact to inactivate; remembered so the user is not looked for again.
    await setLinkState(trx, input, link.entra_user_id, { entra_state: 'deleted' });
    return void outcome.unchanged++;
  }
  if (!link.is_inactive) {
    await updateContact(trx, input.tenantId, link.id, { is_inactive: true });
    outcome.inactivated++;
  } else outcome.unchanged++;
  await setLinkState(trx, input, link.entra_user_id, { entra_state: 'deleted', inactivated_by_sync: link.is_inactive ? link.inactivated_by_sync : true });
}

async function syncLinked(trx: Trx, input: PageInput, link: LiveLink, u: EntraUser, outcome: Outcome) {
  const patch = fieldPatch(link, u, input.overwrite);
  const state = u.accountEnabled ? 'active' : 'disabled';
  let inactivatedBySync = link.inactivated_by_sync;
  // Acting on transitions only, so a contact someone changed by hand is not flipped back every run.
  if (!u.accountEnabled && link.entra_state === 'active' && !link.is_inactive) {
    patch.is_inactive = true;
    inactivatedBySync = true;
  } else if (u.accountEnabled && link.entra_state !== 'active' && link.is_inactive && link.inactivated_by_sync) {
    // Only a contact the sync itself inactivated comes back with its user.
    patch.is_inactive = false;
    inactivatedBySync = false;
  }
  if (Object.keys(patch).length > 0) {
    await updateContact(trx, input.tenantId, link.id, patch);
    if (patch.is_inactive === true) outcome.inactivated++;
    if (Object.keys(patch).some((k) => k !== 'is_inactive') || patch.is_inactive === false) outcome.updated++;
  } else outcome.unchanged++;
  if (state !== link.entra_state || inactivatedBySync !== link.inactivated_by_sync) {
    await setLinkState(trx, input, u.id, { entra_state: state, inactivated_by_sync: inactivatedBySync });
  }
}

export async function reconcilePage(trx: Trx, input: PageInput): Promise<Outcome> {
  const outcome = emptyOutcome();
  const scope = forTenant(trx, input.tenantId);
  const members = input.users.filter(isMember);
  const links = new Map((await linksFor(trx, input.tenantId, input.managedTenantId, [...members.map((u) => u.id), ...input.removed.map((r) => r.id)])).map((l) => [l.entra_user_id, l]));

  for (const removed of input.removed) {
    const link = links.get(removed.id);
    if (link) await applyRemoval(trx, input, link, outcome);
  }

  const unlinked: EntraUser[] = [];
  const tombstoned: { user: EntraUser; link: LinkRow }[] = [];
  for (const u of members) {
    const link = links.get(u.id);
    if (!link) unlinked.push(u);
    else if (isLive(link)) await syncLinked(trx, input, link, u, outcome);
    else tombstoned.push({ user: u, link });
  }

  if (unlinked.length > 0) await matchUnlinked(trx, input, unlinked, outcome);
  if (tombstoned.length > 0) await queueDeletedContacts(trx, input, tombstoned, outcome);

  if (input.seenByRunId && members.length > 0) {
    await scope
      .updateTable('entra_contact_links')
      .set({ last_seen_run_id: input.seenByRunId })
      .where('managed_tenant_id', '=', input.managedTenantId)
      .where('entra_user_id', 'in', members.map((u) => u.id))
      .where((eb) => eb.or([eb('last_seen_run_id', 'is', null), eb('last_seen_run_id', '<>', input.seenByRunId!)]))
      .execute();
  }
  return outcome;
}

/** Contacts of the client, not linked to any user, whose email is one of the users' addresses; by address. */
async function unlinkedContactsByAddress(trx: Trx, input: PageInput, users: EntraUser[]) {
  const addresses = new Map(users.map((u) => [u.id, addressesOf(u)]));
  const allAddresses = [...new Set([...addresses.values()].flat())];
  const candidates = allAddresses.length
    ? await forTenant(trx, input.tenantId)
        .selectFrom('contacts')
        .select(['id', 'full_name', 'email', 'phone', 'job_title', 'is_inactive', sql<string>`lower(email)`.as('key')])
        .where('client_id', '=', input.clientId)
        .where(sql`lower(email)`, 'in', allAddresses)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('entra_contact_links').select('contact_id').whereRef('entra_contact_links.contact_id', '=', 'contacts.id'))))
        .execute()
    : [];
  const byAddress = new Map<string, LocalContact[]>();
  for (const c of candidates) byAddress.set(c.key, [...(byAddress.get(c.key) ?? []), c]);
  /** The distinct contacts matching one user. */
  return (u: EntraUser) => [...new Map((addresses.get(u.id) ?? []).flatMap((a) => byAddress.get(a) ?? []).map((c) => [c.id, c])).values()];
}

async function reviewItemsFor(trx: Trx, input: PageInput, userIds: string[]) {
  const rows = await forTenant(trx, input.tenantId)
    .selectFrom('entra_ambiguous_matches')
    .select(['id', 'entra_user_id', 'status', 'reason', 'client_id', 'display_name', 'user_principal_name', 'email', 'candidate_contact_ids'])
    .where('managed_tenant_id', '=', input.managedTenantId)
    .where('entra_user_id', 'in', userIds)
    .execute();
  return new Map(rows.map((i) => [i.entra_user_id, i]));
}

/**
 * Users whose linked contact was deleted in the PSA: never re-created silently nor matched again;
 * each waits in the review queue once (re-create, link another contact, or ignore). A repeat
 * sighting refreshes the open item; an ignored (dismissed) one stays ignored.
 */
async function queueDeletedContacts(trx: Trx, input: PageInput, tombstoned: { user: EntraUser; link: LinkRow }[], outcome: Outcome) {
  const scope = forTenant(trx, input.tenantId);
  const enabled = tombstoned.filter((t) => t.user.accountEnabled).map((t) => t.user);
  const matchesOf = await unlinkedContactsByAddress(trx, input, enabled);
  const items = await reviewItemsFor(trx, input, tombstoned.map((t) => t.user.id));
  for (const { user: u, link } of tombstoned) {
    const state = u.accountEnabled ? 'active' : 'disabled';
    // Tracked like any link, so a tombstone of a disabled or deleted user is not looked for (sync-worker).
    if (link.entra_state !== state) await setLinkState(trx, input, u.id, { entra_state: state });
    const item = items.get(u.id);
    // A disabled user has nothing to re-create (asked again once enabled); an ignored one stays ignored.
    if (!u.accountEnabled || item?.status === 'dismissed') {
      outcome.unchanged++;
      continue;
    }
    const snapshot = {
      reason: 'contact_deleted' as const,
      client_id: input.clientId,
      display_name: u.displayName,
      user_principal_name: u.userPrincipalName,
      email: contactFieldsOf(u).email,
      candidate_contact_ids: matchesOf(u).map((c) => c.id).sort(),
    };
    if (!item) {
      await scope.insertInto('entra_ambiguous_matches', { managed_tenant_id: input.managedTenantId, entra_user_id: u.id, ...snapshot }).execute();
    } else if (item.status !== 'open' || item.reason !== snapshot.reason || !sameSnapshot(item, snapshot)) {
      // Resolved earlier (e.g. re-created, and that contact deleted too): ask again.
      await scope
        .updateTable('entra_ambiguous_matches')
        .set({ ...snapshot, status: 'open', resolution: null, resolved_contact_id: null, resolved_by: null, resolved_at: null, updated_at: sql`now()` })
        .where('id', '=', item.id)
        .execute();
    }
    outcome.ambiguous++;
  }
}

type Snapshot = { client_id: string; display_name: string; user_principal_name: string; email: string | null; candidate_contact_ids: string[] };
const sameSnapshot = (a: Snapshot, b: Snapshot) =>
  a.client_id === b.client_id && a.display_name === b.display_name && a.user_principal_name === b.user_principal_name && a.email === b.email && a.candidate_contact_ids.slice().sort().join() === b.candidate_contact_ids.join();

async function matchUnlinked(trx: Trx, input: PageInput, users: EntraUser[], outcome: Outcome) {
  const scope = forTenant(trx, input.tenantId);
  const matchesOf = await unlinkedContactsByAddress(trx, input, users);
  const items = await reviewItemsFor(trx, input, users.map((u) => u.id));

  const claimed = new Set<string>();
  const newContacts: { id: string; client_id: string; full_name: string; email: string | null; phone: string | null; job_title: string | null }[] = [];
  const newLinks: { managed_tenant_id: string; entra_user_id: string; contact_id: string; origin: 'created' | 'linked'; entra_state: 'active' | 'disabled'; inactivated_by_sync: boolean; last_seen_run_id: string | null }[] = [];
  const resolveItem = async (userId: string, resolution: 'linked' | 'created', contactId: string) => {
    const item = items.get(userId);
    if (item?.status === 'open') {
      await scope.updateTable('entra_ambiguous_matches').set({ status: 'resolved', resolution, resolved_contact_id: contactId, resolved_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', item.id).execute();
    }
  };

  for (const u of users) {
    const item = items.get(u.id);
    // A dismissed item stays dismissed: the admin said this user is not to be matched.
    if (item?.status === 'dismissed') {
      outcome.unchanged++;
      continue;
    }
    const matches = matchesOf(u).filter((c) => !claimed.has(c.id));
    const state = u.accountEnabled ? 'active' : 'disabled';
    if (matches.length === 1) {
      const contact = matches[0];
      claimed.add(contact.id);
      const patch = fieldPatch(contact, u, input.overwrite);
      if (!u.accountEnabled && !contact.is_inactive) patch.is_inactive = true;
      if (Object.keys(patch).length) await updateContact(trx, input.tenantId, contact.id, patch);
      if (patch.is_inactive) outcome.inactivated++;
      newLinks.push({ managed_tenant_id: input.managedTenantId, entra_user_id: u.id, contact_id: contact.id, origin: 'linked', entra_state: state, inactivated_by_sync: patch.is_inactive === true, last_seen_run_id: input.seenByRunId ?? null });
      await resolveItem(u.id, 'linked', contact.id);
      outcome.linked++;
    } else if (matches.length > 1) {
      const ids = matches.map((c) => c.id).sort();
      const snapshot = { reason: 'ambiguous' as const, display_name: u.displayName, user_principal_name: u.userPrincipalName, email: contactFieldsOf(u).email, candidate_contact_ids: ids };
      if (!item) {
        await scope.insertInto('entra_ambiguous_matches', { managed_tenant_id: input.managedTenantId, entra_user_id: u.id, client_id: input.clientId, ...snapshot }).execute();
      } else if (item.status === 'open' && item.candidate_contact_ids.slice().sort().join() !== ids.join()) {
        await scope.updateTable('entra_ambiguous_matches').set({ ...snapshot, updated_at: sql`now()` }).where('id', '=', item.id).execute();
      } else if (item.status === 'resolved') {
        // Resolved earlier, but the link it made is gone (its contact was deleted): ask again.
        await scope.updateTable('entra_ambiguous_matches').set({ ...snapshot, status: 'open', resolution: null, resolved_contact_id: null, resolved_at: null, updated_at: sql`now()` }).where('id', '=', item.id).execute();
      }
      outcome.ambiguous++;
    } else if (u.accountEnabled) {
      const id = randomUUID();
      newContacts.push({ id, client_id: input.clientId, ...contactFieldsOf(u) });
      newLinks.push({ managed_tenant_id: input.managedTenantId, entra_user_id: u.id, contact_id: id, origin: 'created', entra_state: 'active', inactivated_by_sync: false, last_seen_run_id: input.seenByRunId ?? null });
      await resolveItem(u.id, 'created', id);
      outcome.created++;
    } else {
      // A disabled user nobody knows yet: nothing to keep in line.
      outcome.unchanged++;
    }
  }
  // Small batches: the embedded database's socket mishandles a protocol message split across reads
  // (large parameter lists), and on PostgreSQL a few hundred rows per statement is as fast.
  for (let i = 0; i < newContacts.length; i += BATCH) await scope.insertInto('contacts', newContacts.slice(i, i + BATCH)).execute();
  for (let i = 0; i < newLinks.length; i += BATCH) await scope.insertInto('entra_contact_links', newLinks.slice(i, i + BATCH)).execute();
}

/** After a complete full listing: linked users it did not see were deleted in Entra. */
export async function reconcileUnseen(trx: Trx, input: { tenantId: string; managedTenantId: string; runId: string }): Promise<Outcome> {
  const outcome = emptyOutcome();
  const gone = await forTenant(trx, input.tenantId)
    .selectFrom('entra_contact_links')
    .select('entra_user_id')
    .where('managed_tenant_id', '=', input.managedTenantId)
    .where('entra_state', '<>', 'deleted')
    .where((eb) => eb.or([eb('last_seen_run_id', 'is', null), eb('last_seen_run_id', '<>', input.runId)]))
    .execute();
  const links = await linksFor(trx, input.tenantId, input.managedTenantId, gone.map((g) => g.entra_user_id));
  for (const link of links) await applyRemoval(trx, input, link, outcome);
  return outcome;
}

/**
 * Whether a managed tenant has a tombstone whose user is not in the review queue yet (its contact was
 * deleted in the PSA since the sync last saw the user). A delta round would not show that user again,
 * so the sync lists the tenant in full once; afterwards the item exists and delta rounds resume.
 */
export async function hasUnqueuedTombstones(db: Db, tenantId: string, managedTenantId: string): Promise<boolean> {
  const found = await db
    .selectFrom('entra_contact_links as l')
    .select('l.entra_user_id')
    .where('l.tenant_id', '=', tenantId)
    .where('l.managed_tenant_id', '=', managedTenantId)
    .where('l.contact_id', 'is', null)
    .where('l.entra_state', '=', 'active')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('entra_ambiguous_matches as a')
            .select('a.id')
            .whereRef('a.tenant_id', '=', 'l.tenant_id')
            .whereRef('a.managed_tenant_id', '=', 'l.managed_tenant_id')
            .whereRef('a.entra_user_id', '=', 'l.entra_user_id')
            .where('a.status', 'in', ['open', 'dismissed']),
        ),
      ),
    )
    .limit(1)
    .executeTakeFirst();
  return !!found;
}
