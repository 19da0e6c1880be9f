// Outlook allows four concurrent requests per app and mailbox and answers a fifth with 429
// (provider-facts/graph-notifications.md, "Throttling"). Queueing here is cheaper than being throttled.
import pLimit, { type LimitFunction } from 'p-limit';

export const GRAPH_MAILBOX_CONCURRENCY = 4;

/** Runs a task once its mailbox has a free slot. */
export type MailboxLimiter = <T>(mailboxKey: string, task: () => Promise<T>) => Promise<T>;

export function createMailboxLimiter(concurrency = GRAPH_MAILBOX_CONCURRENCY): MailboxLimiter {
  const limits = new Map<string, LimitFunction>();
  return async (mailboxKey, task) => {
    let limit = limits.get(mailboxKey);
    if (!limit) {
      limit = pLimit(concurrency);
      limits.set(mailboxKey, limit);
    }
    try {
      return await limit(task);
    } finally {
      // Forget idle mailboxes so a long-running worker does not keep one queue per mailbox ever seen.
      if (limit.activeCount === 0 && limit.pendingCount === 0 && limits.get(mailboxKey) === limit) limits.delete(mailboxKey);
    }
  };
}

/** One per process: every adapter talking to the same mailbox shares its four slots. */
export const graphMailboxLimiter = createMailboxLimiter();
