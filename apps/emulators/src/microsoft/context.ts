// What the parts of the Microsoft emulator (identity, directory, Graph calendar) share: one token
// registry, one set of controls and the address the server listens on.
import type { Controls } from '../controls.js';
import type { TokenRegistry } from './tokens.js';

export interface MicrosoftContext {
  tokens: TokenRegistry;
  controls: Controls;
  /** `http://127.0.0.1:port` once listening; used in nextLink/deltaLink and issuer URLs. */
  baseUrl(): string;
  now(): number;
  /** Loopback/demo mode: subscriptions may name http notification URLs, which Graph refuses. */
  allowHttpWebhooks: boolean;
}

/** A part of the emulator registers its routes and returns how to clear its state. */
export interface MicrosoftPart {
  reset(): void;
}
