// The secret store's encryption keys: 32-byte AES-256 keys, each with an id derived from the key.
// Source: SWITCHBOARD_SECRET_KEY (+ _PREVIOUS for rotation) or a 0600 key file created on first run.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Keyring {
  currentKeyId: string;
  keys: Map<string, Buffer>;
  source: 'env' | 'file';
}

export function keyIdOf(key: Buffer): string {
  return `k${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

export function decodeKey(value: string, name: string): Buffer {
  const key = Buffer.from(value.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes encoded as base64 (got ${key.length} bytes).`);
  return key;
}

export function keyringFromEnv(current: string, previous: string[] = []): Keyring {
  const currentKey = decodeKey(current, 'SWITCHBOARD_SECRET_KEY');
  const keys = new Map<string, Buffer>([[keyIdOf(currentKey), currentKey]]);
  for (const p of previous) {
    const k = decodeKey(p, 'SWITCHBOARD_SECRET_KEY_PREVIOUS');
    keys.set(keyIdOf(k), k);
  }
  return { currentKeyId: keyIdOf(currentKey), keys, source: 'env' };
}

interface KeyFile {
  current: string;
  keys: Record<string, string>;
}

/** Reads the key file, creating it (mode 0600) with a fresh key when it does not exist. */
export function loadOrCreateKeyFile(path: string): Keyring {
  if (!existsSync(path)) {
    const key = randomBytes(32);
    writeKeyFile(path, { current: keyIdOf(key), keys: { [keyIdOf(key)]: key.toString('base64') } });
  }
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) chmodSync(path, 0o600);
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  const keys = new Map(Object.entries(parsed.keys).map(([id, v]) => [id, decodeKey(v, `key ${id} in ${path}`)]));
  if (!keys.has(parsed.current)) throw new Error(`Key file ${path} names current key ${parsed.current}, which it does not contain.`);
  return { currentKeyId: parsed.current, keys, source: 'file' };
}

export function writeKeyFile(path: string, content: KeyFile): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(content, null, 2), { mode: 0o600 });
  renameSync(tmp, path);
}

export function keyringToFile(ring: Keyring): KeyFile {
  return {
    current: ring.currentKeyId,
    keys: Object.fromEntries([...ring.keys].map(([id, k]) => [id, k.toString('base64')])),
  };
}
