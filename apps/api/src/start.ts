// Shared start-up for the server and worker processes: config and keyring, then the database.
// When everything starts at once the database is often not up yet; that is waited for with
// backoff and one readable line per try, never a stack trace or a crash loop.
import { setTimeout as sleep } from 'node:timers/promises';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { connectDatabase, openDatabase, runningHolder, type DatabaseHandle } from '@switchboard/db';
import { describeDatabaseOutage, isDatabaseUnavailable, type Keyring } from '@switchboard/core';
import { ConfigError, loadConfig, type Config } from './config.js';
import { loadKeyring } from './keyring.js';
import { loggerOptions } from './logger.js';

export interface StartupConfig {
  config: Config;
  keyring: Keyring;
  /** The process's log until the app (with its own logger) is up. */
  log: Logger;
}

/** Config and keyring; a problem with either ends the process with a message naming it. */
export function loadStartupConfig(): StartupConfig {
  try {
    const config = loadConfig();
    const keyring = loadKeyring(config);
    return { config, keyring, log: pino(loggerOptions(config.LOG_LEVEL) as pino.LoggerOptions) };
  } catch (err) {
    // Configuration problems are the operator's to fix: say what, without a stack trace.
    console.error(err instanceof ConfigError ? err.message : `Invalid configuration: ${(err as Error).message}`);
    process.exit(1);
  }
}

/**
 * The database a process of this install uses: DATABASE_URL, or the embedded PostgreSQL in the data
 * directory, which `npm start` runs and a worker (`npm run worker`) connects to through it. A problem
 * an operator must fix (the directory is in use, holds PGlite files, nothing serves it) ends the
 * process with the message alone.
 */
export async function openConfiguredDatabase(config: Config, log: Logger, role: 'server' | 'worker'): Promise<DatabaseHandle> {
  try {
    if (config.DATABASE_URL) return await openDatabase({ databaseUrl: config.DATABASE_URL });
    if (role === 'worker') {
      const holder = await runningHolder(config.dataDir);
      if (!holder?.connectionString) {
        throw new Error(
          `No Switchboard server is running on the embedded database in ${config.dataDir}. A worker without DATABASE_URL joins the \`npm start\` of the same data directory (SWITCHBOARD_DATA_DIR): start that first, or set DATABASE_URL.`,
        );
      }
      return connectDatabase(holder.connectionString, 'embedded', 10);
    }
    return await openDatabase({ dataDir: config.dataDir, log: (line) => log.warn({ postgres: line }, 'embedded PostgreSQL') });
  } catch (err) {
    log.fatal((err as Error).message);
    process.exit(1);
  }
}

const MAX_WAIT_MS = 30_000;

/**
 * Runs `step` (migrate, build the app, ...) until it succeeds. While the database is not
 * reachable it waits, doubling from 1 s to 30 s; any other failure ends the process: the message
 * alone for an error the database reported (wrong password, missing database, failed migration),
 * with the stack for anything else.
 */
export async function whenDatabaseAnswers<T>(log: Logger, database: DatabaseHandle, step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      const unavailable = isDatabaseUnavailable(err) ? err : isDatabaseUnavailable(cause) ? cause : undefined;
      if (!unavailable) exitAfterStartFailure(log, err);
      const waitMs = Math.min(MAX_WAIT_MS, 1000 * 2 ** (attempt - 1));
      log.warn(
        { cause: describeDatabaseOutage(unavailable), attempt },
        `Waiting for the database at ${databaseAddress(database)} (${describeDatabaseOutage(unavailable)}); retrying in ${waitMs / 1000} s`,
      );
      await sleep(waitMs);
    }
  }
}

/** Builds the app and makes it ready; a half-started app (its job queue) is closed before a retry. */
export async function readyApp(build: () => Promise<FastifyInstance>): Promise<FastifyInstance> {
  const app = await build();
  try {
    await app.ready();
    return app;
  } catch (err) {
    await app.close().catch(() => {});
    throw err;
  }
}

function exitAfterStartFailure(log: Logger, err: unknown): never {
  const fromDatabase = typeof (err as { severity?: unknown }).severity === 'string' || /^Migration \S+ failed/.test((err as Error).message);
  if (fromDatabase) log.fatal(`Could not start: ${(err as Error).message}`);
  else log.fatal({ err }, 'Could not start');
  process.exit(1);
}

/** host:port of the database, never its credentials. */
function databaseAddress(database: DatabaseHandle): string {
  const url = new URL(database.connectionString);
  return `${url.hostname}:${url.port || 5432}`;
}
