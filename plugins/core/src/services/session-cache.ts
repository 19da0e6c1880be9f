// A per-process cache of signed-in sessions, so an authenticated request does not pay a database
// round trip to find its session. What keeps revocation immediate:
// - triggers send NOTIFY sb_session_invalidate in the transaction that ends a session or changes its
//   user or roles (migration 0012), and this cache drops the entries named;
// - while its LISTEN connection is not established (not yet, dropped, reconnecting) the cache is
//   empty and bypassed, so a notification it could not receive can never be missed;
// - a lookup that started before an invalidation or a reconnect is not stored (the epoch check);
// - entries live at most `ttlMs` and the cache holds at most `maxEntries` (oldest go first);
// - a request that revoked something calls sync(): it answers once every listening process has
//   acknowledged a marker sent after the change (notifications arrive in commit order, so each has
//   dropped the entry by then); one that does not answer in time has its LISTEN connection
//   terminated, which empties and bypasses its cache.
// Protocol on the channel, besides the trigger payloads (s:, u:, *): sync:<id> asks every listener
// to answer ack:<id>:<backend pid>; hello:<backend pid> says a listener (re)started, empty.
import pg from 'pg';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { SessionUser } from './sessions.js';

export const SESSION_CHANNEL = 'sb_session_invalidate';
/** The LISTEN connection's application_name, as pg_stat_activity shows it. */
export const SESSION_CACHE_APPLICATION = 'switchboard-session-cache';
const HEARTBEAT_MS = 5_000;
const MAX_BACKOFF_MS = 30_000;
const SYNC_TIMEOUT_MS = 2_000;

export interface SessionCacheOptions {
  connectionString: string;
  /** How long an entry may be served; 0 turns the cache off. */
  ttlMs: number;
  maxEntries: number;
  log: Logger;
}

export interface SessionCache {
  /** True while notifications are being received, i.e. while entries are served. */
  readonly listening: boolean;
  get(sessionId: string): SessionUser | undefined;
  /** Pass to `set`: a lookup that an invalidation overtook is not stored. */
  epoch(): number;
  set(sessionId: string, user: SessionUser, epoch: number): void;
  /** Opens the LISTEN connection (again after a loss, with backoff); idempotent. */
  start(): void;
  stop(): Promise<void>;
  /**
   * Resolves once this process has received every notification committed before the call: a
   * request that revoked something answers only after its own process stopped serving it.
   */
  sync(): Promise<void>;
}

interface Entry {
  user: SessionUser;
  storedAt: number;
}

export function createSessionCache(options: SessionCacheOptions): SessionCache {
  const { ttlMs, maxEntries, log } = options;
  const entries = new Map<string, Entry>();
  let epoch = 0;
  let client: pg.Client | undefined;
  let listening = false;
  let started = false;
  let stopped = false;
  let failures = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let syncCounter = 0;
  /** The LISTEN connection's backend, as the others name it in acknowledgements. */
  let backendPid = 0;
  /** Syncs this process is waiting on: the listeners' backend pids that have not answered yet. */
  const syncs = new Map<string, { waiting: Set<number>; done: () => void }>();
  const answered = (pid: number, only?: string) => {
    for (const [id, sync] of syncs) {
      if (only !== undefined && id !== only) continue;
      sync.waiting.delete(pid);
      if (sync.waiting.size === 0) sync.done();
    }
  };

  const flush = () => {
    entries.clear();
    epoch++;
  };

  const onNotification = (payload: string | undefined) => {
    if (!payload) return;
    if (payload.startsWith('sync:')) {
      const c = client;
      if (c && listening) void c.query('select pg_notify($1, $2)', [SESSION_CHANNEL, `ack:${payload.slice(5)}:${backendPid}`]).catch((err) => lost(c, err));
      return;
    }
    if (payload.startsWith('ack:')) {
      const [, id, pid] = payload.split(':');
      answered(Number(pid), id);
      return;
    }
    if (payload.startsWith('hello:')) {
      // Started after the change it may be waited on for: it holds nothing from before.
      answered(Number(payload.slice(6)));
      return;
    }
    epoch++;
    if (payload === '*') entries.clear();
    else if (payload.startsWith('s:')) entries.delete(payload.slice(2));
    else if (payload.startsWith('u:')) {
      const userId = payload.slice(2);
      for (const [id, entry] of entries) if (entry.user.userId === userId) entries.delete(id);
    } else entries.clear(); // unknown: be safe
  };

  const lost = (from: pg.Client, err?: Error) => {
    if (client !== from) return;
    client = undefined;
    listening = false;
    flush();
    clearInterval(heartbeat);
    from.removeAllListeners('notification');
    from.end().catch(() => {});
    for (const sync of syncs.values()) sync.done();
    if (stopped) return;
    failures++;
    const delay = Math.min(1000 * 2 ** (failures - 1), MAX_BACKOFF_MS);
    // Once per outage, not per retry (the database-outage reporting rule).
    if (failures === 1) log.warn({ err: err?.message }, 'session cache: LISTEN connection lost; sessions are read from the database until it is back');
    reconnectTimer = setTimeout(connect, delay);
    reconnectTimer.unref();
  };

  const connect = async () => {
    if (stopped || client) return;
    const c = new pg.Client({
      connectionString: options.connectionString,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      application_name: SESSION_CACHE_APPLICATION,
    });
    client = c;
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c));
    c.on('notification', (msg) => {
      if (client === c && msg.channel === SESSION_CHANNEL) onNotification(msg.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${SESSION_CHANNEL}`);
      backendPid = (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
    } catch (err) {
      lost(c, err as Error);
      return;
    }
    if (client !== c) return;
    // Whatever changed before LISTEN took effect was not heard: start empty.
    flush();
    listening = true;
    if (failures > 0) log.info('session cache: LISTEN connection back');
    failures = 0;
    void c.query('select pg_notify($1, $2)', [SESSION_CHANNEL, `hello:${backendPid}`]).catch((err) => lost(c, err));
    // A connection that died without a FIN (network) is noticed by a failing query.
    heartbeat = setInterval(() => {
      c.query({ text: 'select 1', query_timeout: HEARTBEAT_MS } as pg.QueryConfig).catch((err) => lost(c, err));
    }, HEARTBEAT_MS);
    heartbeat.unref();
  };

  return {
    get listening() {
      return listening;
    },
    get(sessionId) {
      if (!listening) return undefined;
      const entry = entries.get(sessionId);
      if (!entry) return undefined;
      if (Date.now() - entry.storedAt >= ttlMs) {
        entries.delete(sessionId);
        return undefined;
      }
      return entry.user;
    },
    epoch: () => epoch,
    set(sessionId, user, at) {
      if (!listening || at !== epoch || ttlMs <= 0) return;
      entries.delete(sessionId);
      entries.set(sessionId, { user, storedAt: Date.now() });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    start() {
      if (started || ttlMs <= 0) return;
      started = true;
      void connect();
    },
    async stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      const c = client;
      if (c) {
        lost(c);
        await c.end().catch(() => {});
      }
    },
    async sync() {
      const c = client;
      if (!c || !listening) return;
      const id = `${process.pid}-${++syncCounter}`;
      let done!: () => void;
      const finished = new Promise<void>((resolve) => (done = resolve));
      let timer: NodeJS.Timeout | undefined;
      try {
        const { rows } = await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and application_name = $1', [SESSION_CACHE_APPLICATION]);
        const waiting = new Set(rows.map((r) => r.pid));
        syncs.set(id, { waiting, done });
        if (waiting.size === 0) done();
        await c.query('select pg_notify($1, $2)', [SESSION_CHANNEL, `sync:${id}`]);
        const timedOut = await Promise.race([
          finished.then(() => false),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), SYNC_TIMEOUT_MS))),
        ]);
        if (timedOut && waiting.size > 0) {
          // A listener too slow to answer loses its connection, and with it its cache.
          log.warn({ backends: [...waiting] }, 'session cache: listeners did not acknowledge a revocation in time; terminating their LISTEN connections');
          await c.query('select pg_terminate_backend(pid) from unnest($1::int[]) pid', [[...waiting]]).catch((err) => {
            log.error({ err: err.message }, 'session cache: could not terminate a listener that did not acknowledge');
          });
        }
      } catch (err) {
        // Our own connection failed: lost() has emptied this process's cache.
        lost(c, err as Error);
      } finally {
        clearTimeout(timer);
        syncs.delete(id);
      }
    },
  };
}
