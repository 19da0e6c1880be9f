// Picks the secret store keyring from config: env keys when given, else the key file.
import { createHmac } from 'node:crypto';
import { keyringFromEnv, loadOrCreateKeyFile, type Keyring } from '@switchboard/core';
import type { Config } from './config.js';

export function loadKeyring(config: Config): Keyring {
  if (config.SWITCHBOARD_SECRET_KEY) {
    const previous = (config.SWITCHBOARD_SECRET_KEY_PREVIOUS ?? '').split(',').filter(Boolean);
    return keyringFromEnv(config.SWITCHBOARD_SECRET_KEY, previous);
  }
  return loadOrCreateKeyFile(config.keyFile);
}

/**
 * Cookie-signing secrets derived from the keyring, so there is one secret to keep: the current key
 * signs, older keys still verify, and sessions survive a key rotation.
 */
export function cookieSecretsFrom(keyring: Keyring): string[] {
  const derive = (key: Buffer) => createHmac('sha256', key).update('switchboard session cookie').digest('base64url');
  const others = [...keyring.keys].filter(([id]) => id !== keyring.currentKeyId).map(([, k]) => derive(k));
  return [derive(keyring.keys.get(keyring.currentKeyId)!), ...others];
}
