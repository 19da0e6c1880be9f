// Shared start-up for the server and worker processes: config, database, migrations, keyring.
import { migrateToLatest, openDatabase, type DatabaseHandle } from '@switchboard/db';
import type { Keyring } from '@switchboard/core';
import { ConfigError, loadConfig, type Config } from './config.js';
import { loadKeyring } from './keyring.js';

export interface Runtime {
  config: Config;
  database: DatabaseHandle;
  keyring: Keyring;
}

export async function prepareRuntime(): Promise<Runtime> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const keyring = loadKeyring(config);
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: `${config.dataDir}` });
  await migrateToLatest(database.db);
  return { config, database, keyring };
}
