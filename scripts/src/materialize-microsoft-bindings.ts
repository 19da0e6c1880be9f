// `npm run materialize-microsoft-bindings`: the one-time binding materialization the server also
// runs on start (plugins/microsoft-bindings), as a command that prints what it decided.
import { loadConfig } from '@switchboard/api';
import { migrateToLatest, openDatabase } from '@switchboard/db';
import { describeEdition } from '@switchboard/core';
import { materializeBindings } from '@switchboard/microsoft-bindings';

const EXPLAIN = {
  bound: 'bound to its one candidate profile',
  already_bound: 'already bound; left alone',
  no_signal: 'no earlier Microsoft use; stays unbound',
  no_candidate: 'no matching active profile; stays unbound',
  ambiguous: 'several candidate profiles; stays unbound, bind it in Settings',
} as const;

const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
try {
  await migrateToLatest(database.db);
  const results = await materializeBindings(database.db, describeEdition(config.EDITION).microsoftConsumers);
  if (results.length === 0) console.log('Nothing to do: every tenant and consumer was decided before.');
  for (const r of results) console.log(`${r.tenantId}  ${r.consumer.padEnd(8)}  ${EXPLAIN[r.outcome]}${r.profileId && r.outcome === 'bound' ? ` (${r.profileId})` : ''}`);
} finally {
  await database.close();
}
