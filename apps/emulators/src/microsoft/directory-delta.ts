// users/delta rounds (https://learn.microsoft.com/en-us/graph/delta-query-users): the first round pages
// through every user, the last page carries an @odata.deltaLink, and a later call with it returns only
// users changed since, with deletions as `{id, "@removed": {reason}}`.
import { randomBytes } from 'node:crypto';
import type { DirectoryStore } from './directory-store.js';
import { ODataError, projectUser } from './directory-odata.js';

type DeltaItem = { id: string; removed?: 'changed' | 'deleted' };

/**
 * How a stale delta link fails. `resync`: 410 Gone + Location (delta-query-overview); `expired`: 400
 * syncStateNotFound. Graph promises no particular answer for an expired link
 * (https://github.com/microsoftgraph/microsoft-graph-docs/issues/9053), and real tenants have answered
 * others too, e.g. 404 UnknownError (https://github.com/microsoftgraph/microsoft-graph-docs/issues/1000)
 * or 400 with a plain BadRequest code: `{status, code}` answers exactly that.
 */
export type DeltaLinkFailure = 'resync' | 'expired' | { status: number; code: string; message?: string };

interface DeltaRound {
  tenantId: string;
  items: DeltaItem[];
  offset: number;
  select?: string[];
  /** Change-log position when the round began; the round's deltaLink continues from here. */
  endSeq: number;
}

interface DeltaState {
  tenantId: string;
  sinceSeq: number;
  select?: string[];
  issuedAt: number;
  invalid?: DeltaLinkFailure;
}

/** Identity delta links live seven days (https://devblogs.microsoft.com/microsoft365dev/duration-of-change-tracking-tokens-for-identity-and-education-resources/). */
const DELTA_LINK_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export interface DeltaPage {
  value: Record<string, unknown>[];
  skipToken?: string;
  deltaToken?: string;
}

export class UserDeltaTracker {
  private rounds = new Map<string, DeltaRound>();
  private deltaTokens = new Map<string, DeltaState>();

  constructor(
    private readonly store: DirectoryStore,
    private readonly now: () => number,
  ) {}

  /** Start a round: from scratch, or from a deltaLink's token. */
  begin(tenantId: string, select: string[] | undefined, deltaToken: string | undefined): DeltaRound {
    const endSeq = this.store.changeSeq;
    if (!deltaToken) {
      return { tenantId, select, offset: 0, endSeq, items: this.store.users(tenantId).map((u) => ({ id: u.id })) };
    }
    const state = this.deltaTokens.get(deltaToken);
    if (!state || state.tenantId !== tenantId) throw new ODataError(400, 'Request_BadRequest', 'Invalid delta token.');
    if (state.invalid === 'resync') {
      // "410 Gone ... Location header with the initial query": the client must start a full sync (delta-query-overview).
      throw new ODataError(410, 'resyncRequired', 'Resync required. Replace any local items with the server\'s version (including deletes) if you\'re sure that the service was up to date with your local changes when you last sync\'d. Upload any local changes that the server doesn\'t know about.');
    }
    if (typeof state.invalid === 'object') {
      throw new ODataError(state.invalid.status, state.invalid.code, state.invalid.message ?? 'The delta token is not valid.');
    }
    if (state.invalid === 'expired' || this.now() - state.issuedAt > DELTA_LINK_LIFETIME_MS) {
      throw new ODataError(400, 'syncStateNotFound', 'The sync state generation is not found. The delta token is expired and data must be synchronized again.');
    }
    const changed = this.store.users(tenantId).filter((u) => u.changeSeq > state.sinceSeq).map((u) => ({ id: u.id }));
    const removed = this.store.removedUsers(tenantId).filter((r) => r.changeSeq > state.sinceSeq).map((r) => ({ id: r.id, removed: r.reason }));
    return { tenantId, select: select ?? state.select, offset: 0, endSeq, items: [...changed, ...removed] };
  }

  continueRound(tenantId: string, skipToken: string): DeltaRound {
    const round = this.rounds.get(skipToken);
    if (!round || round.tenantId !== tenantId) throw new ODataError(400, 'Request_BadRequest', 'The specified page token value has expired or is invalid.');
    this.rounds.delete(skipToken);
    return round;
  }

  /** The next page of a round; a skip token when more remain, else a delta token for the next round. */
  page(round: DeltaRound, pageSize: number): DeltaPage {
    const slice = round.items.slice(round.offset, round.offset + pageSize);
    const value: Record<string, unknown>[] = [];
    for (const item of slice) {
      if (item.removed) {
        value.push({ id: item.id, '@removed': { reason: item.removed } });
        continue;
      }
      const user = this.store.user(item.id);
      // Deleted since the round began: the next round reports the removal.
      if (user) value.push(projectUser(user, round.select));
    }
    const offset = round.offset + slice.length;
    if (offset < round.items.length) {
      const skipToken = randomBytes(24).toString('base64url');
      this.rounds.set(skipToken, { ...round, offset });
      return { value, skipToken };
    }
    const deltaToken = randomBytes(32).toString('base64url');
    this.deltaTokens.set(deltaToken, { tenantId: round.tenantId, sinceSeq: round.endSeq, select: round.select, issuedAt: this.now() });
    return { value, deltaToken };
  }

  /** Every delta link issued so far fails the way `mode` says (see DeltaLinkFailure). */
  invalidateAll(mode: DeltaLinkFailure = 'resync'): void {
    for (const state of this.deltaTokens.values()) state.invalid = mode;
  }

  reset(): void {
    this.rounds.clear();
    this.deltaTokens.clear();
  }
}
