// `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database in
// SWITCHBOARD_DATA_DIR (default ./data) when it is unset. Run by an operator, so a failure is one
// readable line and exit code 1 (a database that is not up yet is waited for only by `npm start`).
import { migrateToLatest } from './migrate.js';
import { openDatabase, type DatabaseHandle } from './connection.js';

const databaseUrl = process.env.DATABASE_URL || undefined;
let database: DatabaseHandle | undefined;
try {
  database = await openDatabase({ databaseUrl, dataDir: process.env.SWITCHBOARD_DATA_DIR || './data' });
  const applied = await migrateToLatest(database.db);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
} catch (err) {
  const where = databaseUrl ? ` at ${new URL(databaseUrl).host}` : '';
  const message = (err as Error).message;
  console.error(message.startsWith('Migration ') ? message : `Could not migrate the database${where}: ${message}`);
  process.exitCode = 1;
} finally {
  await database?.close();
}
