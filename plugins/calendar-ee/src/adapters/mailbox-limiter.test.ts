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

t.test('a weighted task (a $batch) holds that many slots; waiting tasks go first come, first served', async (t) => {
  const limiter = createMailboxLimiter(4);
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const single = (name: string, wait?: Promise<void>) => limiter('m', async () => (order.push(`start ${name}`), await wait, order.push(`end ${name}`)));
  const first = single('a', gate);
  const batch = limiter('m', async () => (order.push('start batch'), order.push('end batch')), 4);
  const after = single('b');
  await Promise.resolve();
  t.same(order, ['start a'], 'the batch waits for all four slots, and b waits behind it');
  release();
  await Promise.all([first, batch, after]);
  t.same(order, ['start a', 'end a', 'start batch', 'end batch', 'start b', 'end b']);
  t.equal(await limiter('m', async () => 'over', 9), 'over', 'a weight above the limit is capped, not stuck');
});
