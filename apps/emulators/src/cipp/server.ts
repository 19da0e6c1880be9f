// The CIPP emulator: its own Fastify process serving CIPP's API over the Microsoft emulator's directory,
// with bearer tokens issued by the Microsoft identity emulator (pass its TokenRegistry and store in).
import Fastify, { type FastifyInstance } from 'fastify';
import { Controls, registerControls } from '../controls.js';
import { listenLocal } from '../listen.js';
import { registerCippRoutes, type CippRouteOptions } from './routes.js';
import { registerOutstandingLimit } from './functions-host.js';

export interface CippEmulatorOptions extends CippRouteOptions {
  port?: number;
  host?: string;
  /** The Functions host's `extensions.http.maxOutstandingRequests` (Consumption default: 200). */
  maxOutstandingRequests?: number;
}

export interface CippEmulator {
  app: FastifyInstance;
  url: string;
  controls: Controls;
  /** Change the Functions host's outstanding-request limit (beyond it: 429 "Too Busy"). */
  setMaxOutstandingRequests(limit: number): void;
  close(): Promise<void>;
}

export async function startCippEmulator(options: CippEmulatorOptions): Promise<CippEmulator> {
  const app = Fastify({ logger: false });
  const controls = new Controls();
  let maxOutstanding = options.maxOutstandingRequests ?? 200;
  registerOutstandingLimit(app, controls, () => maxOutstanding);
  registerCippRoutes(app, options);
  registerControls(app, controls, {
    // CIPP's functions answer failures with a plain message body.
    renderError: (status) => `Injected ${status} from the CIPP emulator.`,
    // The directory belongs to the Microsoft emulator; resetting CIPP clears only its faults and counts.
    onReset: () => {},
  });
  const listening = await listenLocal(app, options);
  return {
    app,
    url: listening.url,
    controls,
    setMaxOutstandingRequests: (limit) => void (maxOutstanding = limit),
    close: listening.close,
  };
}
