// The CIPP emulator: its own Fastify process serving CIPP's API over the Microsoft emulator's directory,
// with bearer tokens issued by the Microsoft identity emulator (pass its TokenRegistry and store in).
import Fastify, { type FastifyInstance } from 'fastify';
import { Controls, registerControls } from '../controls.js';
import { listenLocal } from '../listen.js';
import { registerCippRoutes, type CippRouteOptions } from './routes.js';

export interface CippEmulatorOptions extends CippRouteOptions {
  port?: number;
  host?: string;
}

export interface CippEmulator {
  app: FastifyInstance;
  url: string;
  controls: Controls;
  close(): Promise<void>;
}

export async function startCippEmulator(options: CippEmulatorOptions): Promise<CippEmulator> {
  const app = Fastify({ logger: false });
  const controls = new Controls();
  registerCippRoutes(app, options);
  registerControls(app, controls, {
    // CIPP's functions answer failures with a plain message body.
    renderError: (status) => `Injected ${status} from the CIPP emulator.`,
    // The directory belongs to the Microsoft emulator; resetting CIPP clears only its faults and counts.
    onReset: () => {},
  });
  const listening = await listenLocal(app, options);
  return { app, url: listening.url, controls, close: listening.close };
}
