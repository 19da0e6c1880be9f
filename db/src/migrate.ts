// Runs the ordered migrations in ./migrations with Kysely's Migrator (on start and `npm run migrate`).
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as foundation from './migrations/0001_foundation.js';
import * as microsoftBindings from './migrations/0002_microsoft_bindings.js';
import * as mspSso from './migrations/0003_msp_sso.js';
import * as notifications from './migrations/0004_notifications.js';
import * as calendar from './migrations/0005_calendar.js';
import * as entra from './migrations/0006_entra.js';
import * as recurrenceGuard from './migrations/0007_recurrence_guard.js';
import * as seriesExceptions from './migrations/0008_series_exceptions.js';
import * as calendarSeriesExceptions from './migrations/0009_calendar_series_exceptions.js';
import * as adminSafety from './migrations/0010_admin_safety.js';
import * as entraProduction from './migrations/0011_entra_production.js';
import * as sessionInvalidation from './migrations/0012_session_invalidation.js';
import * as scheduleDispatch from './migrations/0013_schedule_dispatch.js';

// Listed statically so the migration set is part of the module graph (works the same from any cwd).
const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_microsoft_bindings': microsoftBindings,
  '0003_msp_sso': mspSso,
  '0004_notifications': notifications,
  '0005_calendar': calendar,
  '0006_entra': entra,
  '0007_recurrence_guard': recurrenceGuard,
  '0008_series_exceptions': seriesExceptions,
  '0009_calendar_series_exceptions': calendarSeriesExceptions,
  '0010_admin_safety': adminSafety,
  '0011_entra_production': entraProduction,
  '0012_session_invalidation': sessionInvalidation,
  '0013_schedule_dispatch': scheduleDispatch,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    // No migration ran (the database could not be reached, or its migration table not read or
    // locked): the original error says what happened, and its code lets the caller wait and retry.
    if (!failed) throw error;
    throw new Error(`Migration ${failed.migrationName} failed: ${(error as Error).message ?? error}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
