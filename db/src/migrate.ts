// Runs the ordered migrations in ./migrations with Kysely's Migrator (on start and `npm run migrate`).
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as foundation from './migrations/0001_foundation.js';
import * as microsoftBindings from './migrations/0002_microsoft_bindings.js';
import * as mspSso from './migrations/0003_msp_sso.js';
import * as notifications from './migrations/0004_notifications.js';
import * as calendar from './migrations/0005_calendar.js';
import * as entra from './migrations/0006_entra.js';

// Listed statically so the migration set is part of the module graph (works the same from any cwd).
const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_microsoft_bindings': microsoftBindings,
  '0003_msp_sso': mspSso,
  '0004_notifications': notifications,
  '0005_calendar': calendar,
  '0006_entra': entra,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? error}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
