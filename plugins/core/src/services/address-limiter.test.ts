// The per-address budget behind the provider webhooks: each address gets `max` requests a window,
// a refused one learns how long to wait, and however many addresses call, memory stays bounded.
// The clock is the test's, so nothing here depends on timing.
import t from 'tap';
import { createAddressLimiter } from './address-limiter.js';

const clock = (start = 1_000_000) => {
  const c = { time: start, now: () => c.time };
  return c;
};

t.test('an address gets max requests a window, then waits for the window to end', async (t) => {
  const c = clock();
  const limiter = createAddressLimiter({ max: 3, windowMs: 60_000, now: c.now });
  t.same([1, 2, 3].map(() => limiter.take('203.0.113.7')), [0, 0, 0], 'within the budget');
  c.time += 15_000;
  t.equal(limiter.take('203.0.113.7'), 45, 'the fourth waits until the window ends (Retry-After seconds)');
  c.time += 44_500;
  t.equal(limiter.take('203.0.113.7'), 1, 'never less than a second');
  c.time += 500;
  t.equal(limiter.take('203.0.113.7'), 0, 'a new window, a new budget');
});

t.test('addresses have their own budgets, and refused requests are not counted', async (t) => {
  const c = clock();
  const limiter = createAddressLimiter({ max: 2, windowMs: 60_000, now: c.now });
  limiter.take('198.51.100.1');
  limiter.take('198.51.100.1');
  t.ok(Array.from({ length: 100 }, () => limiter.take('198.51.100.1')).every((wait) => wait > 0), 'a flood is refused');
  t.same([limiter.take('198.51.100.2'), limiter.take('198.51.100.2'), limiter.take('198.51.100.2') > 0], [0, 0, true], 'another address is unaffected');
  c.time += 60_000;
  t.same([limiter.take('198.51.100.1'), limiter.take('198.51.100.1')], [0, 0], 'the flood did not eat into the next window');
});

t.test('memory stays bounded under many addresses, and a busy address stays limited', async (t) => {
  const c = clock();
  const limiter = createAddressLimiter({ max: 5, windowMs: 60_000, maxAddresses: 1000, now: c.now });
  for (let i = 0; i < 5; i++) limiter.take('192.0.2.1');
  const others = Array.from({ length: 900 }, (_, i) => limiter.take(`10.0.${i >> 8}.${i & 255}`));
  t.ok(others.every((wait) => wait === 0), 'nine hundred other addresses within their budgets');
  t.ok(limiter.take('192.0.2.1') > 0, 'limited while the table has room');
  for (let i = 0; i < 50_000; i++) limiter.take(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
  t.equal(limiter.size, 1000, 'fifty thousand addresses, a thousand counted');
  c.time += 60_000;
  limiter.take('192.0.2.1');
  t.equal(limiter.size, 1, 'the window end forgets everyone');
});
