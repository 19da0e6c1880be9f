// `npm run rotate-secret-key`: rotates the secret store key (see plugins/core key-rotation).
import { loadConfig, loadKeyring } from '@switchboard/api';
import { migrateToLatest, openDatabase } from '@switchboard/db';
import { rotateSecretKey } from '@switchboard/core';

const config = loadConfig();
const keyring = loadKeyring(config);
const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
try {
  await migrateToLatest(database.db);
  const result = await rotateSecretKey(database.db, keyring, keyring.source === 'file' ? config.keyFile : undefined);
  console.log(`Current key: ${result.currentKeyId}`);
  console.log(`Re-encrypted ${result.reencrypted} secret(s).`);
  if (result.removedKeyIds.length) console.log(`Removed unused key(s) from ${config.keyFile}: ${result.removedKeyIds.join(', ')}`);
  if (keyring.source === 'env') {
    console.log('Every secret now uses SWITCHBOARD_SECRET_KEY; SWITCHBOARD_SECRET_KEY_PREVIOUS can be removed.');
  }
  if (result.keysStillInUse.length) console.log(`Still in use (retry later): ${result.keysStillInUse.join(', ')}`);
} finally {
  await database.close();
}
