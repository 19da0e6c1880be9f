// The one way a feature gets Microsoft credentials for a consumer: the bound profile, or null.
// Fails closed: no binding, a consumer this edition does not offer, an archived profile or a
// missing secret all give null, never some other profile.
import { forTenant, type Db, type EditionInfo, type MicrosoftConsumer, type SecretStore } from '@switchboard/core';
import { clientSecretName } from './consumers.js';

export interface MicrosoftCredentials {
  profileId: string;
  displayName: string;
  clientId: string;
  clientSecret: string;
  /** `common`, `organizations`, a directory id or a domain: the authority path segment. */
  authorityTenant: string;
}

export async function resolveConsumerProfile(
  db: Db,
  deps: { edition: EditionInfo; secrets: SecretStore },
  tenantId: string,
  consumer: MicrosoftConsumer,
): Promise<MicrosoftCredentials | null> {
  if (!deps.edition.microsoftConsumers.includes(consumer)) return null;
  const profile = await forTenant(db, tenantId)
    .selectFrom('microsoft_profile_consumer_bindings')
    .innerJoin('microsoft_profiles', (join) =>
      join.onRef('microsoft_profiles.id', '=', 'microsoft_profile_consumer_bindings.profile_id').onRef('microsoft_profiles.tenant_id', '=', 'microsoft_profile_consumer_bindings.tenant_id'),
    )
    .select(['microsoft_profiles.id', 'microsoft_profiles.display_name', 'microsoft_profiles.client_id', 'microsoft_profiles.authority_tenant', 'microsoft_profiles.is_archived'])
    .where('microsoft_profile_consumer_bindings.consumer', '=', consumer)
    .executeTakeFirst();
  if (!profile || profile.is_archived) return null;
  const clientSecret = await deps.secrets.get(db, tenantId, clientSecretName(profile.id));
  if (!clientSecret) return null;
  return {
    profileId: profile.id,
    displayName: profile.display_name,
    clientId: profile.client_id,
    clientSecret,
    authorityTenant: profile.authority_tenant,
  };
}
