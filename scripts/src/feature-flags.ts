// `npm run flags -- list|set|default …`: operator control of feature flags across tenants.
//   npm run flags -- list [tenantId]
//   npm run flags -- set <flag> <tenantId> on|off|default
//   npm run flags -- default <flag> on|off
import { migrateToLatest, openDatabase } from '@switchboard/db';
import { setFeatureFlagDefault, setTenantFeatureFlag } from '@switchboard/core';
import { loadConfig } from '@switchboard/api';

const [command, ...args] = process.argv.slice(2);
const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
const onOff = (v: string | undefined) => {
  if (v === 'on') return true;
  if (v === 'off') return false;
  if (v === 'default') return null;
  throw new Error(`expected on, off or default, got ${v ?? 'nothing'}`);
};
try {
  await migrateToLatest(database.db);
  const { db } = database;
  if (command === 'set' && args.length === 3) {
    await setTenantFeatureFlag(db, args[1], args[0], onOff(args[2]));
  } else if (command === 'default' && args.length === 2) {
    await setFeatureFlagDefault(db, args[0], onOff(args[1]) ?? false);
  } else if (command !== 'list') {
    console.error('usage: npm run flags -- list [tenantId] | set <flag> <tenantId> on|off|default | default <flag> on|off');
    process.exitCode = 1;
  }
  const flags = await db.selectFrom('feature_flags').selectAll().orderBy('key').execute();
  const targets = await db.selectFrom('feature_flag_tenants').selectAll().execute();
  for (const f of flags) {
    const t = targets.filter((x) => x.flag_key === f.key && (!args[0] || command !== 'list' || x.tenant_id === args[0]));
    console.log(`${f.key}  default=${f.default_enabled ? 'on' : 'off'}${t.map((x) => `  ${x.tenant_id}=${x.enabled ? 'on' : 'off'}`).join('')}`);
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
