// Coalesces the single-event requests that concurrent pushes make to one mailbox into Graph JSON
// batches (https://learn.microsoft.com/graph/json-batching): up to 20 requests per POST /$batch and
// one batch in flight per mailbox, holding the mailbox's four slots, as Graph runs at most four of a
// batch's requests at once against Outlook (throttling-limits, "Outlook service limits"). Members
// answer one by one: each caller gets its own status, so a throttled member's 429 and Retry-After go
// back to that caller's retry policy while the others succeed and are never sent again. Requests
// for the same event keep their order: a later one joins its predecessor's batch with `dependsOn`,
// or waits for the predecessor to settle; a 424 (predecessor failed) is sent again once it has.
import type { MailboxLimiter } from './mailbox-limiter.js';

/** Graph's limit on requests in one batch. */
export const GRAPH_BATCH_LIMIT = 20;

export interface GraphRequest {
  method: string;
  /** Relative to /v1.0, starting with '/', query included. */
  path: string;
  body?: unknown;
  headers: Record<string, string>;
  token: string;
}

/** A response, plain or a batch member's; `header` takes any case. */
export interface GraphAnswer {
  status: number;
  header(name: string): string | null;
  body: unknown;
}

/** One HTTP request to Graph (the adapter's fetch, with its timeout and error mapping for no answer). */
export type GraphTransport = (request: GraphRequest) => Promise<GraphAnswer>;

export interface GraphBatcherOptions {
  mailboxKey: string;
  limiter: MailboxLimiter;
  transport: GraphTransport;
  /** Requests per batch (1 turns batching off). */
  maxBatch?: number;
  /** How long a request arriving at an idle mailbox waits for others to join it. */
  lingerMs?: number;
}

/** A caller's sequence of attempts at one request: its retries and a later request for the same URL keep their order. */
export interface BatchOperation {
  /** One attempt: resolves with the answer, whatever its status; rejects only when no answer came. */
  attempt(request: GraphRequest): Promise<GraphAnswer>;
  /** The caller is done (succeeded or gave up): requests waiting behind this one may go. */
  end(): void;
}

interface Operation {
  previous: Operation | undefined;
  settled: boolean;
  /** The attempt of this operation waiting in or travelling with the current batch. */
  pending: Item | undefined;
}

interface Item {
  request: GraphRequest;
  operation: Operation;
  resolve(answer: GraphAnswer): void;
  reject(error: unknown): void;
}

/** Member headers as Graph's batch response spells them, read in any case. */
function memberAnswer(member: { status: number; headers?: Record<string, string>; body?: unknown }): GraphAnswer {
  const headers = new Map(Object.entries(member.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return { status: member.status, header: (name) => headers.get(name.toLowerCase()) ?? null, body: member.body };
}

export interface GraphBatcher {
  /** `orderKey` (the event's id): requests with the same key run in the order they began; creates have none. */
  begin(orderKey?: string): BatchOperation;
}

export function createGraphBatcher(options: GraphBatcherOptions): GraphBatcher {
  const maxBatch = Math.max(1, Math.min(GRAPH_BATCH_LIMIT, options.maxBatch ?? GRAPH_BATCH_LIMIT));
  const lingerMs = options.lingerMs ?? 5;
  const queue: Item[] = [];
  const latest = new Map<string, Operation>();
  let busy = false;
  let lingering: NodeJS.Timeout | undefined;

  /** Waits behind an unsettled predecessor that is not travelling in this batch. */
  const held = (item: Item, batch: Item[]) => {
    const before = item.operation.previous;
    return before !== undefined && !before.settled && !(before.pending && batch.includes(before.pending));
  };

  function kick() {
    if (busy || lingering || queue.length === 0) return;
    void dispatch();
  }

  async function dispatch() {
    const first = queue.find((item) => !held(item, []));
    if (!first) return;
    busy = true;
    const batch: Item[] = [];
    for (const item of [...queue]) {
      if (batch.length >= maxBatch) break;
      if (item.request.token !== first.request.token || held(item, batch)) continue;
      batch.push(item);
    }
    for (const item of batch) queue.splice(queue.indexOf(item), 1);
    try {
      if (batch.length === 1) await sendAlone(batch[0]);
      else await sendBatch(batch);
    } finally {
      busy = false;
      kick();
    }
  }

  async function sendAlone(item: Item) {
    try {
      item.resolve(await options.limiter(options.mailboxKey, () => options.transport(item.request)));
    } catch (error) {
      item.reject(error);
    }
  }

  async function sendBatch(batch: Item[]) {
    const ids = new Map(batch.map((item, i) => [item, String(i + 1)]));
    const dependent = new Set<Item>();
    const requests = batch.map((item) => {
      const { method, path, body, headers } = item.request;
      const before = item.operation.previous?.pending;
      const dependsOn = before && ids.has(before) ? [ids.get(before)!] : undefined;
      if (dependsOn) dependent.add(item);
      const withType = body === undefined ? headers : { 'content-type': 'application/json', ...headers };
      return { id: ids.get(item)!, method, url: path, headers: withType, ...(body === undefined ? {} : { body }), ...(dependsOn ? { dependsOn } : {}) };
    });
    let answer: GraphAnswer;
    try {
      const envelope: GraphRequest = { method: 'POST', path: '/$batch', body: { requests }, headers: {}, token: batch[0].request.token };
      answer = await options.limiter(options.mailboxKey, () => options.transport(envelope), batch.length);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    if (answer.status !== 200) {
      // The batch as a whole failed (401, 429, 5xx...): every member gets that answer to act on.
      for (const item of batch) item.resolve(answer);
      return;
    }
    const responses = new Map(((answer.body as { responses?: { id: string; status: number }[] })?.responses ?? []).map((r) => [String(r.id), r]));
    for (const item of batch) {
      const member = responses.get(ids.get(item)!);
      if (member?.status === 424 && dependent.has(item)) {
        // Its predecessor failed: try again once that one is settled (or travels again, with dependsOn).
        item.operation.pending = item;
        queue.unshift(item);
        continue;
      }
      if (!member) item.reject(new Error('Microsoft Graph left a batch request unanswered.'));
      else item.resolve(memberAnswer(member));
    }
  }

  return {
    begin(orderKey) {
      const previous = orderKey === undefined ? undefined : latest.get(orderKey);
      const operation: Operation = { previous: previous && !previous.settled ? previous : undefined, settled: false, pending: undefined };
      if (orderKey !== undefined) latest.set(orderKey, operation);
      return {
        attempt(attempt) {
          return new Promise<GraphAnswer>((resolve, reject) => {
            const item: Item = {
              request: attempt,
              operation,
              resolve: (answer) => {
                operation.pending = undefined;
                resolve(answer);
              },
              reject: (error) => {
                operation.pending = undefined;
                reject(error);
              },
            };
            operation.pending = item;
            queue.push(item);
            if (queue.length >= maxBatch && lingering) {
              clearTimeout(lingering);
              lingering = undefined;
            }
            if (!busy && !lingering && queue.length < maxBatch && lingerMs > 0) {
              lingering = setTimeout(() => {
                lingering = undefined;
                kick();
              }, lingerMs);
              return;
            }
            kick();
          });
        },
        end() {
          operation.settled = true;
          operation.pending = undefined;
          if (orderKey !== undefined && latest.get(orderKey) === operation) latest.delete(orderKey);
          kick();
        },
      };
    },
  };
}

/**
 * One batcher per Graph endpoint and mailbox in the process, shared by every adapter on that
 * mailbox (adapters are made per job). Forgotten when idle would need reference counting; the
 * entries are small (a queue and a map, both empty when idle), one per mailbox this process served.
 */
const batchers = new Map<string, GraphBatcher>();

export function sharedGraphBatcher(baseUrl: string, options: GraphBatcherOptions): GraphBatcher {
  const key = `${baseUrl} ${options.mailboxKey} ${options.maxBatch ?? GRAPH_BATCH_LIMIT}`;
  let batcher = batchers.get(key);
  if (!batcher) {
    batcher = createGraphBatcher(options);
    batchers.set(key, batcher);
  }
  return batcher;
}
