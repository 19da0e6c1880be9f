import t from 'tap';
import { createMailboxLimiter } from './mailbox-limiter.js';

t.test('at most four tasks run at once per mailbox; mailboxes do not wait for each other', async (t) => {
  const limiter = createMailboxLimiter(4);
  const running = new Map<string, number>();
  const peak = new Map<string, number>();
  const task = (mailbox: string) =>
    limiter(mailbox, async () => {
      running.set(mailbox, (running.get(mailbox) ?? 0) + 1);
      peak.set(mailbox, Math.max(peak.get(mailbox) ?? 0, running.get(mailbox)!));
      await new Promise((resolve) => setTimeout(resolve, 10));
      running.set(mailbox, running.get(mailbox)! - 1);
      return mailbox;
    });
  const results = await Promise.all([...Array.from({ length: 10 }, () => task('a')), ...Array.from({ length: 6 }, () => task('b'))]);
  t.equal(results.length, 16);
  t.equal(peak.get('a'), 4);
  t.equal(peak.get('b'), 4);
  await t.rejects(limiter('a', async () => Promise.reject(new Error('boom'))), /boom/, 'a failing task frees its slot and reports its error');
  t.equal(await task('a'), 'a');
});
