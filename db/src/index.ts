export * from './schema.js';
export {
  connectDatabase,
  hasEmbeddedDatabase,
  hasPgliteDatabase,
  openDatabase,
  PgliteDataError,
  runningHolder,
  type DatabaseHandle,
  type EmbeddedHolder,
  type OpenDatabaseOptions,
} from './connection.js';
export { clusterDir, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';
export { migrateToLatest } from './migrate.js';
