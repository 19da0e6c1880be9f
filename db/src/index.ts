export * from './schema.js';
export { connectDatabase, hasEmbeddedDatabase, openDatabase, runningHolder, type DatabaseHandle, type EmbeddedHolder, type OpenDatabaseOptions } from './connection.js';
export { migrateToLatest } from './migrate.js';
