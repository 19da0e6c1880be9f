export * from './schema.js';
export { openDatabase, type DatabaseHandle, type OpenDatabaseOptions } from './connection.js';
export { migrateToLatest } from './migrate.js';
