// `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded database in
// SWITCHBOARD_DATA_DIR (default ./data) when it is unset.
import { migrateToLatest } from './migrate.js';
import { openDatabase } from './connection.js';

const database = await openDatabase({
  databaseUrl: process.env.DATABASE_URL || undefined,
  dataDir: process.env.SWITCHBOARD_DATA_DIR || './data',
});
try {
  const applied = await migrateToLatest(database.db);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}
