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
  let keyring: Keyring;
  try {
    config = loadConfig();
    keyring = loadKeyring(config);
  } catch (err) {
    // Configuration problems are the operator's to fix: say what, without a stack trace.
    console.error(err instanceof ConfigError ? err.message : `Invalid configuration: ${(err as Error).message}`);
    process.exit(1);
  }
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: `${config.dataDir}` });
  await migrateToLatest(database.db);
  return { config, database, keyring };
}
