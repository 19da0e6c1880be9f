// Secret key rotation. Key file: add a new current key, re-encrypt every stored secret under it,
// then drop keys nothing uses any more. Env keys: the operator sets the new SWITCHBOARD_SECRET_KEY
// and moves the old one to SWITCHBOARD_SECRET_KEY_PREVIOUS; this re-encrypts under the new one.
import { randomBytes } from 'node:crypto';
import type { Db } from '../tenancy.js';
import { keyIdOf, keyringToFile, writeKeyFile, type Keyring } from './keyring.js';
import { createSecretStore } from './secrets.js';

export interface RotationResult {
  currentKeyId: string;
  reencrypted: number;
  /** Keys still needed by some stored secret after re-encryption (normally none but the current). */
  keysStillInUse: string[];
  /** Keys removed from the key file. */
  removedKeyIds: string[];
}

export async function rotateSecretKey(db: Db, keyring: Keyring, keyFile?: string): Promise<RotationResult> {
  let ring = keyring;
  if (keyring.source === 'file') {
    if (!keyFile) throw new Error('rotateSecretKey: the key file path is required for a file keyring');
    const key = randomBytes(32);
    ring = { source: 'file', currentKeyId: keyIdOf(key), keys: new Map([[keyIdOf(key), key], ...keyring.keys]) };
    // Write the new key before any value is encrypted with it, so a crash never strands data.
    writeKeyFile(keyFile, keyringToFile(ring));
  }
  const reencrypted = await createSecretStore(ring).reencryptAll(db);
  const inUse = await createSecretStore(ring).keyIdsInUse(db);
  const removedKeyIds: string[] = [];
  if (ring.source === 'file' && keyFile) {
    const keep = new Map([...ring.keys].filter(([id]) => id === ring.currentKeyId || inUse.includes(id)));
    removedKeyIds.push(...[...ring.keys.keys()].filter((id) => !keep.has(id)));
    writeKeyFile(keyFile, keyringToFile({ ...ring, keys: keep }));
  }
  return { currentKeyId: ring.currentKeyId, reencrypted, keysStillInUse: inUse.filter((id) => id !== ring.currentKeyId), removedKeyIds };
}
