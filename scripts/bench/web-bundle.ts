// The web app's initial JavaScript, gzipped: every script index.html loads (and the modules they
// preload), from the production build in apps/web/dist. Run `npm run build:web` first.
//   node --import tsx scripts/bench/web-bundle.ts
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = fileURLToPath(new URL('../../apps/web/dist/', import.meta.url));
const html = readFileSync(`${dist}index.html`, 'utf8');
const scripts = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/?([^"]+\.js)"/g)].map((m) => m[1]);
let raw = 0;
let gzipped = 0;
for (const file of scripts) {
  const bytes = readFileSync(`${dist}${file}`);
  raw += bytes.length;
  gzipped += gzipSync(bytes, { level: 9 }).length;
  console.log(`${file}  ${(bytes.length / 1024).toFixed(1)} KB, ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} KB gzipped`);
}
const budget = 200 * 1024;
console.log(`initial JS: ${(raw / 1024).toFixed(1)} KB, ${(gzipped / 1024).toFixed(1)} KB gzipped (budget 200 KB gzipped: ${gzipped <= budget ? 'met' : 'NOT met'})`);
