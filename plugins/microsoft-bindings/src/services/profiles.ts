// Microsoft profiles: named app credentials of a tenant. The client secret lives only in the
// secret store; responses say whether one is set. A profile in use (bound to a consumer, or chosen
// by another feature such as an Entra connection) can be neither archived nor deleted.
import { sql, type Selectable, type Transaction } from 'kysely';
import type { Database, MicrosoftProfilesTable } from '@switchboard/db';
import { Conflict, NotFound, forTenant, isUniqueViolation, recordAudit, type Db, type SecretStore } from '@switchboard/core';
import type { ProfileInput, ProfilePatch, ProfileResponse } from '../schemas.js';
import { clientSecretName, consumerLabel } from './consumers.js';
import { domainsRequiringMicrosoft, resolvePasswordFallbackNotices } from '../sso/sign-in-policy.js';

/** One use of a profile, e.g. `{ profileId, key: 'consumer:calendar', label: 'Calendar' }`. */
export interface ProfileUse {
  profileId: string;
  key: string;
  label: string;
}

/** Lists every use of the tenant's profiles by one feature; features register theirs with the plugin. */
export type ProfileUsageSource = (db: Db, tenantId: string) => Promise<ProfileUse[]>;

export interface ProfileDeps {
  secrets: SecretStore;
  usageSources: ProfileUsageSource[];
}

export interface Actor {
  tenantId: string;
  userId: string | null;
}

const bindingUses: ProfileUsageSource = async (db, tenantId) => {
  const rows = await forTenant(db, tenantId)
    .selectFrom('microsoft_profile_consumer_bindings')
    .select(['profile_id', 'consumer'])
    .orderBy('consumer')
    .execute();
  return rows.map((r) => ({ profileId: r.profile_id, key: `consumer:${r.consumer}`, label: consumerLabel(r.consumer) }));
};

async function usesByProfile(db: Db, tenantId: string, deps: ProfileDeps): Promise<Map<string, ProfileUse[]>> {
  const all = (await Promise.all([bindingUses, ...deps.usageSources].map((source) => source(db, tenantId)))).flat();
  const map = new Map<string, ProfileUse[]>();
  for (const use of all) map.set(use.profileId, [...(map.get(use.profileId) ?? []), use]);
  return map;
}

const toProfile = (row: Selectable<MicrosoftProfilesTable>, hasClientSecret: boolean, uses: ProfileUse[]): ProfileResponse => ({
  id: row.id,
  displayName: row.display_name,
  clientId: row.client_id,
  authorityTenant: row.authority_tenant,
  hasClientSecret,
  isArchived: row.is_archived,
  archivedAt: row.archived_at?.toISOString() ?? null,
  usedBy: uses.map(({ key, label }) => ({ key, label })),
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

async function secretNames(db: Db, tenantId: string): Promise<Set<string>> {
  const rows = await forTenant(db, tenantId).selectFrom('tenant_secrets').select('name').where('name', 'like', 'microsoft_profile:%').execute();
  return new Set(rows.map((r) => r.name));
}

export async function listProfiles(db: Db, tenantId: string, deps: ProfileDeps, opts: { includeArchived: boolean }): Promise<ProfileResponse[]> {
  let q = forTenant(db, tenantId).selectFrom('microsoft_profiles').selectAll();
  if (!opts.includeArchived) q = q.where('is_archived', '=', false);
  const [rows, secrets, uses] = await Promise.all([
    q.orderBy('is_archived').orderBy(sql`lower(display_name)`).orderBy('id').execute(),
    secretNames(db, tenantId),
    usesByProfile(db, tenantId, deps),
  ]);
  return rows.map((row) => toProfile(row, secrets.has(clientSecretName(row.id)), uses.get(row.id) ?? []));
}

export async function getProfile(db: Db, tenantId: string, id: string, deps: ProfileDeps): Promise<ProfileResponse> {
  const row = await findProfile(db, tenantId, id);
  const [hasSecret, uses] = await Promise.all([deps.secrets.has(db, tenantId, clientSecretName(id)), usesByProfile(db, tenantId, deps)]);
  return toProfile(row, hasSecret, uses.get(id) ?? []);
}

/** The profile row, locked for the rest of the transaction when `lock` is set; a foreign id is NotFound. */
export async function findProfile(db: Db, tenantId: string, id: string, lock = false): Promise<Selectable<MicrosoftProfilesTable>> {
  let q = forTenant(db, tenantId).selectFrom('microsoft_profiles').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFound('Microsoft profile');
  return row;
}

const nameTaken = (name: string) => new Conflict(`An active Microsoft profile named "${name}" already exists. Choose another name.`);

/**
 * Runs a write that may hit the active-name unique index, turning that into a readable 409. The
 * index decides, not a check before the write, so of concurrent creates or renames to one name
 * exactly one succeeds.
 */
async function withNameCheck<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err, 'microsoft_profiles_active_name_key')) throw nameTaken(name);
    throw err;
  }
}

export async function createProfile(trx: Db, actor: Actor, input: ProfileInput, deps: ProfileDeps): Promise<ProfileResponse> {
  const row = await withNameCheck(input.displayName, () =>
    forTenant(trx, actor.tenantId)
      .insertInto('microsoft_profiles', {
        display_name: input.displayName,
        client_id: input.clientId,
        authority_tenant: input.authorityTenant,
        created_by: actor.userId,
        updated_by: actor.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  await deps.secrets.put(trx, actor.tenantId, clientSecretName(row.id), input.clientSecret);
  await recordAudit(trx, { ...audit(actor, 'microsoft_profile.created', row.id), details: { displayName: row.display_name, clientId: row.client_id } });
  return toProfile(row, true, []);
}

export async function updateProfile(trx: Transaction<Database>, actor: Actor, id: string, patch: ProfilePatch, deps: ProfileDeps): Promise<ProfileResponse> {
  const current = await findProfile(trx, actor.tenantId, id, true);
  if (current.is_archived) throw new Conflict('This profile is archived. Unarchive it before changing it.');
  const { clientSecret, ...fields } = patch;
  const row = await withNameCheck(patch.displayName ?? current.display_name, () =>
    forTenant(trx, actor.tenantId)
      .updateTable('microsoft_profiles')
      .set({
        display_name: fields.displayName,
        client_id: fields.clientId,
        authority_tenant: fields.authorityTenant,
        updated_by: actor.userId,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  if (clientSecret !== undefined) {
    await deps.secrets.put(trx, actor.tenantId, clientSecretName(id), clientSecret);
    // A secret given back to the profile MSP sign-in uses makes Microsoft sign-in work again.
    await resolvePasswordFallbackNotices(trx, actor.tenantId);
  }
  const changed = Object.keys(patch).sort();
  await recordAudit(trx, { ...audit(actor, 'microsoft_profile.updated', id), details: { fields: changed } });
  return getProfile(trx, actor.tenantId, id, deps);
}

/** Refuses with a 409 naming every use when the profile is in use. */
async function assertUnused(trx: Db, tenantId: string, profile: Selectable<MicrosoftProfilesTable>, verb: string, deps: ProfileDeps) {
  const uses = (await usesByProfile(trx, tenantId, deps)).get(profile.id) ?? [];
  if (uses.length === 0) return;
  const names = uses.map((u) => u.label);
  const message = `"${profile.display_name}" cannot be ${verb}: it is used by ${listing(names)}. Bind ${names.length > 1 ? 'those' : 'that'} to another profile or clear the binding first.`;
  const usedBy = uses.map(({ key, label }) => ({ key, label }));
  // Staff who must sign in with Microsoft would lose their way in: say which domains.
  const required = uses.some((u) => u.key === 'consumer:msp_sso') ? await domainsRequiringMicrosoft(trx, tenantId) : [];
  if (required.length === 0) throw new Conflict(message, { usedBy });
  throw new Conflict(`${message} Microsoft sign-in is required for ${listing(required)}: clearing MSP single sign-on first asks to turn that requirement off.`, {
    code: 'sso_required',
    domains: required,
    usedBy,
  });
}

export async function archiveProfile(trx: Db, actor: Actor, id: string, deps: ProfileDeps): Promise<ProfileResponse> {
  const profile = await findProfile(trx, actor.tenantId, id, true);
  if (!profile.is_archived) {
    await assertUnused(trx, actor.tenantId, profile, 'archived', deps);
    await forTenant(trx, actor.tenantId)
      .updateTable('microsoft_profiles')
      .set({ is_archived: true, archived_at: sql`now()`, updated_by: actor.userId, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, audit(actor, 'microsoft_profile.archived', id));
  }
  return getProfile(trx, actor.tenantId, id, deps);
}

export async function unarchiveProfile(trx: Db, actor: Actor, id: string, deps: ProfileDeps): Promise<ProfileResponse> {
  const profile = await findProfile(trx, actor.tenantId, id, true);
  if (profile.is_archived) {
    await withNameCheck(profile.display_name, () =>
      forTenant(trx, actor.tenantId)
        .updateTable('microsoft_profiles')
        .set({ is_archived: false, archived_at: null, updated_by: actor.userId, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute(),
    );
    await recordAudit(trx, audit(actor, 'microsoft_profile.unarchived', id));
  }
  return getProfile(trx, actor.tenantId, id, deps);
}

export async function deleteProfile(trx: Db, actor: Actor, id: string, deps: ProfileDeps): Promise<void> {
  const profile = await findProfile(trx, actor.tenantId, id, true);
  await assertUnused(trx, actor.tenantId, profile, 'deleted', deps);
  await forTenant(trx, actor.tenantId).deleteFrom('microsoft_profiles').where('id', '=', id).execute();
  await deps.secrets.delete(trx, actor.tenantId, clientSecretName(id));
  await recordAudit(trx, { ...audit(actor, 'microsoft_profile.deleted', id), details: { displayName: profile.display_name } });
}

const audit = (actor: Actor, action: string, id: string) => ({
  tenantId: actor.tenantId,
  actorUserId: actor.userId,
  action,
  targetType: 'microsoft_profile',
  targetId: id,
});

/** "A", "A and B", "A, B and C". */
export function listing(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
