// Waiting for what happens in the background (jobs, webhooks, a process starting up): a bounded
// poll, so a test states the outcome it waits for and never asserts on timing.

/** Polls `check` every 100 ms until it returns a value; fails after `timeoutMs`, naming `what`. */
export async function eventually<T>(
  check: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
