// `npm run flags`: operator control of feature flags across tenants, on the same database as
// `npm start` (DATABASE_URL, or the embedded database in the data directory, through a running
// server when one holds it). Every change is audited like a change made in Settings.
import { sql } from 'kysely';
import { FEATURE_FLAGS, isUuid, listFeatureFlags, recordAudit, registerFeatureFlags, setFeatureFlagDefault, setTenantFeatureFlag, type Db } from '@switchboard/core';
import { CliUsageError, runOperatorTool } from './cli-database.js';

const USAGE = `Usage: npm run flags -- [--data-dir DIR] <command>

Commands:
  list                                 every flag, its default and the tenants set apart from it
  list <tenant>                        every flag as it applies to one tenant
  tenants                              the tenants, by name and id
  set <flag> <tenant> on|off|default   turn a flag on or off for one tenant, or back to the default
  default <flag> on|off                the default for every tenant not set apart

<tenant> is a tenant's name or id. Flags: ${FEATURE_FLAGS.map((f) => f.key).join(', ')}.
The database is the one \`npm start\` uses: DATABASE_URL, or the embedded database in
SWITCHBOARD_DATA_DIR (default ./data; \`npm run demo\` uses ./data/demo), or --data-dir DIR.`;

interface Tenant {
  id: string;
  name: string;
}

const label = (t: Tenant) => `${t.name} (${t.id})`;
const onOff = (enabled: boolean) => (enabled ? 'on' : 'off');

function parseState(value: string | undefined, allowDefault: boolean): boolean | null {
  if (value === 'on') return true;
  if (value === 'off') return false;
  if (value === 'default' && allowDefault) return null;
  throw new CliUsageError(`Expected ${allowDefault ? 'on, off or default' : 'on or off'}, got ${value === undefined ? 'nothing' : `"${value}"`}.`);
}

function declaredFlag(key: string | undefined): string {
  if (key && FEATURE_FLAGS.some((f) => f.key === key)) return key;
  throw new CliUsageError(`No feature flag ${key === undefined ? 'given' : `"${key}"`}. Flags: ${FEATURE_FLAGS.map((f) => f.key).join(', ')}.`);
}

async function listTenants(db: Db): Promise<Tenant[]> {
  return db.selectFrom('tenants').select(['id', 'name']).orderBy(sql`lower(name)`).orderBy('id').execute();
}

/** A tenant by its id or its name (any case); a name two tenants share must be given as an id. */
async function findTenant(db: Db, ref: string): Promise<Tenant> {
  const tenants = await listTenants(db);
  const byId = isUuid(ref) ? tenants.find((t) => t.id === ref.toLowerCase()) : undefined;
  if (byId) return byId;
  const byName = tenants.filter((t) => t.name.trim().toLowerCase() === ref.trim().toLowerCase());
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) throw new CliUsageError(`${byName.length} tenants are named "${ref}"; give the id instead: ${byName.map(label).join(', ')}.`);
  const known = tenants.length ? `Tenants: ${tenants.map(label).join(', ')}.` : 'This database has no tenants yet.';
  throw new CliUsageError(`No tenant named or with the id "${ref}". ${known}`);
}

async function printAll(db: Db): Promise<void> {
  const tenants = await listTenants(db);
  const defaults = new Map((await db.selectFrom('feature_flags').select(['key', 'default_enabled']).execute()).map((f) => [f.key, f.default_enabled]));
  const overrides = await db.selectFrom('feature_flag_tenants').select(['flag_key', 'tenant_id', 'enabled']).execute();
  for (const flag of FEATURE_FLAGS) {
    console.log(`${flag.key}  (${flag.title})`);
    console.log(`  default: ${onOff(defaults.get(flag.key) ?? false)}`);
    for (const tenant of tenants) {
      const own = overrides.find((o) => o.flag_key === flag.key && o.tenant_id === tenant.id);
      if (own) console.log(`  ${label(tenant)}: ${onOff(own.enabled)}`);
    }
  }
  console.log('\nTenants:');
  for (const tenant of tenants) console.log(`  ${label(tenant)}`);
  if (tenants.length === 0) console.log('  (none yet)');
}

async function printTenant(db: Db, tenant: Tenant): Promise<void> {
  console.log(`Feature flags for ${label(tenant)}:`);
  for (const f of await listFeatureFlags(db, tenant.id)) {
    console.log(`  ${f.key.padEnd(38)} ${onOff(f.enabled).padEnd(4)} ${f.tenantOverride === null ? '(default)' : '(set for this tenant)'}`);
  }
}

/** What the operator asked for, checked before any database is opened (only tenants need it). */
type Command =
  | { name: 'list'; tenant?: string }
  | { name: 'tenants' }
  | { name: 'set'; key: string; tenant: string; enabled: boolean | null }
  | { name: 'default'; key: string; enabled: boolean };

function parseCommand(args: string[]): Command {
  const [command, ...rest] = args;
  if (command === 'list' && rest.length <= 1) return { name: 'list', tenant: rest[0] };
  if (command === 'tenants' && rest.length === 0) return { name: 'tenants' };
  if (command === 'set' && rest.length === 3) return { name: 'set', key: declaredFlag(rest[0]), tenant: rest[1], enabled: parseState(rest[2], true) };
  if (command === 'default' && rest.length === 2) return { name: 'default', key: declaredFlag(rest[0]), enabled: parseState(rest[1], false)! };
  throw new CliUsageError(command ? `Unknown command or wrong arguments: ${args.join(' ')}` : 'No command given.');
}

async function run(db: Db, command: Command): Promise<void> {
  switch (command.name) {
    case 'list':
      return command.tenant === undefined ? printAll(db) : printTenant(db, await findTenant(db, command.tenant));
    case 'tenants':
      for (const tenant of await listTenants(db)) console.log(`${tenant.name}\t${tenant.id}`);
      return;
    case 'set': {
      const { key, enabled } = command;
      const tenant = await findTenant(db, command.tenant);
      await db.transaction().execute(async (trx) => {
        await setTenantFeatureFlag(trx, tenant.id, key, enabled);
        await recordAudit(trx, { tenantId: tenant.id, actorUserId: null, action: 'feature_flag.set', targetType: 'feature_flag', targetId: key, details: { enabled, via: 'npm run flags' } });
      });
      const state = (await listFeatureFlags(db, tenant.id)).find((f) => f.key === key)!;
      console.log(`${key} is now ${onOff(state.enabled)} for ${label(tenant)}${enabled === null ? ' (the default)' : ''}.`);
      return;
    }
    case 'default': {
      const { key, enabled } = command;
      await db.transaction().execute(async (trx) => {
        await setFeatureFlagDefault(trx, key, enabled);
        // The default applies to every tenant not set apart, so each tenant's log shows the change.
        for (const tenant of await listTenants(trx)) {
          await recordAudit(trx, { tenantId: tenant.id, actorUserId: null, action: 'feature_flag.default_set', targetType: 'feature_flag', targetId: key, details: { enabled, via: 'npm run flags' } });
        }
      });
      console.log(`${key} is now ${onOff(enabled)} by default (tenants set apart keep their own setting).`);
      return;
    }
  }
}

process.exitCode = await runOperatorTool(process.argv.slice(2), USAGE, parseCommand, async (db, command) => {
  await registerFeatureFlags(db);
  await run(db, command);
});
