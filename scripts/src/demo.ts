// `npm run demo`: an Enterprise Edition server on its own embedded database with a demo tenant.
import { migrateToLatest, openDatabase } from '@switchboard/db';
import { DEMO_ADMIN, seedDemo } from './demo-data.js';

process.env.EDITION ??= 'ee';
process.env.SWITCHBOARD_DATA_DIR ??= './data/demo';

{
  const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: process.env.SWITCHBOARD_DATA_DIR });
  await migrateToLatest(database.db);
  const seeded = await seedDemo(database.db);
  await database.close();
  console.log(seeded ? 'Seeded the demo tenant.' : 'Demo tenant already present.');
  console.log(`Sign in as ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password} (technicians: alex.tech@, sam.tech@, jo.tech@switchboard.local, same password).`);
}

await import('@switchboard/api/main');
