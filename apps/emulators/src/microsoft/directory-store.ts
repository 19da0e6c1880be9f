// The Entra directory the identity and Graph directory routes share: tenants, their domains and users,
// app registrations and partner relationships, plus a change log that users/delta reads from.
import { randomUUID } from 'node:crypto';
import type { MicrosoftContext } from './context.js';

export interface DirectoryDomain {
  id: string;
  isDefault: boolean;
  isInitial: boolean;
  isVerified: boolean;
}

export interface DirectoryTenant {
  id: string;
  displayName: string;
  domains: DirectoryDomain[];
  createdDateTime: string;
}

export interface DirectoryUser {
  id: string;
  tenantId: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  userPrincipalName: string;
  mail: string | null;
  accountEnabled: boolean;
  jobTitle: string | null;
  mobilePhone: string | null;
  businessPhones: string[];
  otherMails: string[];
  proxyAddresses: string[];
  userType: 'Member' | 'Guest';
  /** Position in the tenant's change log; users/delta returns users changed after a token's position. */
  changeSeq: number;
}

export interface AppRegistration {
  clientId: string;
  displayName: string;
  clientSecrets: string[];
  redirectUris: string[];
  homeTenantId: string;
  /** AzureADMultipleOrgs: usable from other tenants (where it has a service principal or a partner relationship). */
  multiTenant: boolean;
  /** Graph permissions a `.default` request stands for (the token's scp/roles). */
  permissions: string[];
  /** Application ID URIs besides `api://{clientId}` (e.g. `https://contoso.com/cipp`) that name it as a resource. */
  identifierUris?: string[];
}

/** A partner's contract with a customer tenant (contracts + GDAP delegatedAdminCustomers). */
export interface PartnerRelationship {
  id: string;
  partnerTenantId: string;
  customerId: string;
  /** Snapshots taken when the partnership began; Graph does not update them (contract-list doc). */
  defaultDomainName: string;
  displayName: string;
  contractType: string;
  /** An active GDAP relationship exists (delegatedAdminCustomers lists only those). */
  gdapActive: boolean;
}

export interface RemovedUser {
  id: string;
  reason: 'changed' | 'deleted';
  changeSeq: number;
}

export type NewUser = Partial<Omit<DirectoryUser, 'tenantId' | 'changeSeq'>> & Pick<DirectoryUser, 'displayName' | 'userPrincipalName'>;

export class DirectoryStore {
  readonly tenants = new Map<string, DirectoryTenant>();
  readonly apps = new Map<string, AppRegistration>();
  readonly relationships: PartnerRelationship[] = [];
  /** Users per tenant in creation order (list and delta page through this order). */
  private usersByTenant = new Map<string, DirectoryUser[]>();
  private usersById = new Map<string, DirectoryUser>();
  private removedByTenant = new Map<string, RemovedUser[]>();
  /** Soft-deleted users (Graph's deletedItems): restorable until permanently deleted. */
  private deletedById = new Map<string, DirectoryUser>();
  private domainIndex = new Map<string, string>();
  private seq = 0;

  /** The change-log position; a delta token remembers it. */
  get changeSeq(): number {
    return this.seq;
  }

  addTenant(input: { id?: string; displayName: string; domains: (string | Partial<DirectoryDomain> & { id: string })[] }): DirectoryTenant {
    const id = input.id ?? randomUUID();
    if (this.tenants.has(id)) throw new Error(`Tenant ${id} already exists`);
    const domains = input.domains.map((d, i) => (typeof d === 'string' ? { id: d, isDefault: i === 0, isInitial: false, isVerified: true } : { isDefault: i === 0, isInitial: false, isVerified: true, ...d }));
    const slug = (domains[0]?.id ?? input.displayName).split('.')[0].toLowerCase().replace(/[^a-z0-9]/g, '') || 'tenant';
    // Every tenant has its initial *.onmicrosoft.com domain (domain-list doc: isInitial).
    if (!domains.some((d) => d.isInitial)) domains.push({ id: `${slug}.onmicrosoft.com`, isDefault: domains.length === 0, isInitial: true, isVerified: true });
    const tenant: DirectoryTenant = { id, displayName: input.displayName, domains, createdDateTime: new Date().toISOString() };
    this.tenants.set(id, tenant);
    this.usersByTenant.set(id, []);
    this.removedByTenant.set(id, []);
    for (const d of domains) this.domainIndex.set(d.id.toLowerCase(), id);
    return tenant;
  }

  /** A tenant by GUID or by any of its domains. */
  findTenant(idOrDomain: string): DirectoryTenant | undefined {
    return this.tenants.get(idOrDomain) ?? this.tenants.get(this.domainIndex.get(idOrDomain.toLowerCase()) ?? '');
  }

  defaultDomain(tenant: DirectoryTenant): string {
    return (tenant.domains.find((d) => d.isDefault) ?? tenant.domains[0]).id;
  }

  initialDomain(tenant: DirectoryTenant): string {
    return (tenant.domains.find((d) => d.isInitial) ?? tenant.domains[0]).id;
  }

  addUser(tenantId: string, input: NewUser): DirectoryUser {
    const list = this.usersByTenant.get(tenantId);
    if (!list) throw new Error(`Unknown tenant ${tenantId}`);
    const [givenName, ...rest] = input.displayName.split(' ');
    const user: DirectoryUser = {
      id: randomUUID(),
      givenName: givenName ?? null,
      surname: rest.join(' ') || null,
      mail: input.userPrincipalName,
      accountEnabled: true,
      jobTitle: null,
      mobilePhone: null,
      businessPhones: [],
      otherMails: [],
      proxyAddresses: [],
      userType: 'Member',
      ...input,
      tenantId,
      changeSeq: ++this.seq,
    };
    list.push(user);
    this.usersById.set(user.id, user);
    return user;
  }

  /** Bulk insert used by the seeder: ids and change positions are given, no per-user checks. */
  addUsersUnchecked(tenantId: string, users: Omit<DirectoryUser, 'changeSeq'>[]): void {
    const list = this.usersByTenant.get(tenantId)!;
    const seq = ++this.seq;
    for (const u of users) {
      const user = { ...u, changeSeq: seq } as DirectoryUser;
      list.push(user);
      this.usersById.set(user.id, user);
    }
  }

  users(tenantId: string): DirectoryUser[] {
    return this.usersByTenant.get(tenantId) ?? [];
  }

  removedUsers(tenantId: string): RemovedUser[] {
    return this.removedByTenant.get(tenantId) ?? [];
  }

  user(id: string): DirectoryUser | undefined {
    return this.usersById.get(id);
  }

  /** Sign-in name lookup: UPN or primary mail, case-insensitive. */
  findUserByLogin(login: string, tenantIds?: string[]): DirectoryUser | undefined {
    const wanted = login.trim().toLowerCase();
    const tenants = tenantIds ?? [...this.tenants.keys()];
    for (const tenantId of tenants) {
      const found = this.users(tenantId).find((u) => u.userPrincipalName.toLowerCase() === wanted || u.mail?.toLowerCase() === wanted);
      if (found) return found;
    }
    return undefined;
  }

  /** Change user properties; the user shows up in the next users/delta round. */
  updateUser(id: string, changes: Partial<Omit<DirectoryUser, 'id' | 'tenantId' | 'changeSeq'>>): DirectoryUser {
    const user = this.usersById.get(id);
    if (!user) throw new Error(`Unknown user ${id}`);
    Object.assign(user, changes, { changeSeq: ++this.seq });
    return user;
  }

  /**
   * Delete a user. Soft delete (the default) moves it to deleted items, restorable for 30 days
   * (https://learn.microsoft.com/en-us/graph/api/resources/directory), and delta reports it as
   * `@removed: {reason: "changed"}`; permanent deletion (also of a soft-deleted user) as `"deleted"`
   * (https://learn.microsoft.com/en-us/graph/api/user-delta, https://learn.microsoft.com/en-us/graph/delta-query-users).
   */
  deleteUser(id: string, permanent = false): void {
    const binned = this.deletedById.get(id);
    if (binned && permanent) {
      this.deletedById.delete(id);
      this.markRemoved(binned.tenantId, id, 'deleted');
      return;
    }
    const user = this.usersById.get(id);
    if (!user) throw new Error(`Unknown user ${id}`);
    this.usersById.delete(id);
    const list = this.usersByTenant.get(user.tenantId)!;
    list.splice(list.indexOf(user), 1);
    if (!permanent) this.deletedById.set(id, user);
    this.markRemoved(user.tenantId, id, permanent ? 'deleted' : 'changed');
  }

  /** A soft-deleted user (in deleted items), or undefined. */
  deletedUser(id: string): DirectoryUser | undefined {
    return this.deletedById.get(id);
  }

  /**
   * Restore a soft-deleted user (https://learn.microsoft.com/en-us/graph/api/directory-deleteditems-restore):
   * it is a user again, and the next delta round returns it like any changed user.
   */
  restoreUser(id: string): DirectoryUser {
    const user = this.deletedById.get(id);
    if (!user) throw new Error(`No deleted user ${id} to restore`);
    this.deletedById.delete(id);
    const removed = this.removedByTenant.get(user.tenantId)!;
    removed.splice(removed.findIndex((r) => r.id === id), 1);
    user.changeSeq = ++this.seq;
    this.usersByTenant.get(user.tenantId)!.push(user);
    this.usersById.set(id, user);
    return user;
  }

  /** One removal record per user: its latest state is what delta reports. */
  private markRemoved(tenantId: string, id: string, reason: RemovedUser['reason']): void {
    const removed = this.removedByTenant.get(tenantId)!;
    const index = removed.findIndex((r) => r.id === id);
    if (index >= 0) removed.splice(index, 1);
    removed.push({ id, reason, changeSeq: ++this.seq });
  }

  addApp(input: Partial<AppRegistration> & Pick<AppRegistration, 'homeTenantId'>): AppRegistration {
    const app: AppRegistration = {
      clientId: randomUUID(),
      displayName: 'Emulated app',
      clientSecrets: [],
      redirectUris: [],
      multiTenant: false,
      permissions: ['User.Read'],
      ...input,
    };
    this.apps.set(app.clientId, app);
    return app;
  }

  addRelationship(partnerTenantId: string, customerId: string, options: { gdapActive?: boolean; contractType?: string } = {}): PartnerRelationship {
    const customer = this.tenants.get(customerId);
    if (!customer || !this.tenants.has(partnerTenantId)) throw new Error('Both tenants must exist');
    const relationship: PartnerRelationship = {
      id: randomUUID(),
      partnerTenantId,
      customerId,
      defaultDomainName: this.defaultDomain(customer),
      displayName: customer.displayName,
      contractType: options.contractType ?? 'ResellerPartner',
      gdapActive: options.gdapActive ?? true,
    };
    this.relationships.push(relationship);
    return relationship;
  }

  customersOf(partnerTenantId: string): PartnerRelationship[] {
    return this.relationships.filter((r) => r.partnerTenantId === partnerTenantId);
  }

  hasRelationship(partnerTenantId: string, customerId: string): boolean {
    return this.relationships.some((r) => r.partnerTenantId === partnerTenantId && r.customerId === customerId);
  }

  reset(): void {
    this.tenants.clear();
    this.apps.clear();
    this.relationships.length = 0;
    this.usersByTenant.clear();
    this.usersById.clear();
    this.removedByTenant.clear();
    this.deletedById.clear();
    this.domainIndex.clear();
    this.seq = 0;
  }
}

// Identity and directory are registered separately on one context; they find the one store through it.
const stores = new WeakMap<MicrosoftContext, DirectoryStore>();

export function directoryStoreFor(context: MicrosoftContext): DirectoryStore {
  let store = stores.get(context);
  if (!store) {
    store = new DirectoryStore();
    stores.set(context, store);
  }
  return store;
}
