const t0 = performance.now();
const { buildTestApp } = await import('@switchboard/testing');
const t1 = performance.now();
const ctx = await buildTestApp({ edition: 'ee' });
const t2 = performance.now();
await ctx.close();
const t3 = performance.now();
console.log(JSON.stringify({ import: Math.round(t1 - t0), build: Math.round(t2 - t1), close: Math.round(t3 - t2) }));
