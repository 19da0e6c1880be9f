// Outlook allows four concurrent requests per app and mailbox and answers a fifth with 429
// (provider-facts/graph-notifications.md, "Throttling"). Queueing here is cheaper than being throttled.
// A $batch counts as the requests Graph runs from it at once (up to four), so a task has a weight.

export const GRAPH_MAILBOX_CONCURRENCY = 4;

/** Runs a task once its mailbox has `weight` free slots (default 1; capped at the mailbox's concurrency). */
export type MailboxLimiter = <T>(mailboxKey: string, task: () => Promise<T>, weight?: number) => Promise<T>;

interface Mailbox {
  active: number;
  /** First come, first served: a heavy task is not overtaken forever by light ones. */
  waiting: { weight: number; start: () => void }[];
}

export function createMailboxLimiter(concurrency = GRAPH_MAILBOX_CONCURRENCY): MailboxLimiter {
  const mailboxes = new Map<string, Mailbox>();

  const admit = (mailbox: Mailbox) => {
    while (mailbox.waiting.length > 0 && mailbox.active + mailbox.waiting[0].weight <= concurrency) {
      const next = mailbox.waiting.shift()!;
      mailbox.active += next.weight;
      next.start();
    }
  };

  return async (mailboxKey, task, weight = 1) => {
    const slots = Math.max(1, Math.min(concurrency, Math.floor(weight)));
    let mailbox = mailboxes.get(mailboxKey);
    if (!mailbox) {
      mailbox = { active: 0, waiting: [] };
      mailboxes.set(mailboxKey, mailbox);
    }
    const own = mailbox;
    await new Promise<void>((start) => {
      own.waiting.push({ weight: slots, start });
      admit(own);
    });
    try {
      return await task();
    } finally {
      own.active -= slots;
      admit(own);
      // Forget idle mailboxes so a long-running worker does not keep one queue per mailbox ever seen.
      if (own.active === 0 && own.waiting.length === 0 && mailboxes.get(mailboxKey) === own) mailboxes.delete(mailboxKey);
    }
  };
}

/** One per process: every adapter talking to the same mailbox shares its four slots. */
export const graphMailboxLimiter = createMailboxLimiter();

/**
 * Google publishes no concurrency limit, only per-minute quotas per project and per user, answered
 * with 403/429 rateLimitExceeded (provider-facts/google-guides.md, "Quota guide"). Since push jobs
 * run many at once (calendar-jobs.ts), a calendar's requests are kept to four at a time, as before
 * batching, so one busy calendar does not spend its user's quota in a burst of retries.
 */
export const googleCalendarLimiter = createMailboxLimiter(4);
