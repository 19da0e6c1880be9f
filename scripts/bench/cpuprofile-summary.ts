// Summarizes a V8 .cpuprofile (from `node --cpu-prof`, e.g. BENCH_CPU_PROF=<dir> npm run bench):
// self time by package and by function, and inclusive time of functions matching a pattern.
//
//   node --import tsx scripts/bench/cpuprofile-summary.ts <file.cpuprofile> [top=25] [inclusive-regex]
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const [file, topArg, pattern] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile-summary.ts <file.cpuprofile> [top] [inclusive-regex]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Self time per node, from the samples and the time since the previous sample.
const self = new Map<number, number>();
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i + 1] ?? 0;
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
// Busy time: everything but (idle), the base for the percentages.
let idle = 0;
for (const [id, t] of self) if (byId.get(id)!.callFrame.functionName === '(idle)') idle += t;
const busy = total - idle;

function packageOf(url: string): string {
  if (!url) return '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node: (core)';
  const m = /\/work\/[^/]+\/(.+)$/.exec(url.replace('file://', ''));
  return m ? `app: ${m[1].split('/').slice(0, 3).join('/')}` : url;
}

const label = (n: ProfileNode) => {
  const cf = n.callFrame;
  const where = cf.url ? `${cf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/[^/]+\//, '')}:${cf.lineNumber + 1}` : '';
  return `${cf.functionName || '(anonymous)'} ${where}`.trim();
};

const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, t] of self) {
  const n = byId.get(id)!;
  const name = n.callFrame.functionName;
  const special = ['(garbage collector)', '(idle)', '(program)'].includes(name) ? name : undefined;
  if (name === '(idle)') continue;
  add(byPackage, special ?? packageOf(n.callFrame.url), t);
  add(byFunction, label(n), t);
}

const ms = (us: number) => (us / 1000).toFixed(0).padStart(8);
const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(v)} ms ${pct(v)}  ${k}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages are of busy time)`);
print('Self time by package', byPackage);
print('Self time by function', byFunction);

if (pattern) {
  // Inclusive time: a sample counts once for each distinct matching frame on its stack.
  const re = new RegExp(pattern);
  const inclusive = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    if (byId.get(profile.samples[i])!.callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const l = label(byId.get(id)!);
      if (re.test(l) && !seen.has(l)) {
        seen.add(l);
        add(inclusive, l, dt);
      }
    }
  }
  print(`Inclusive time of frames matching /${pattern}/`, inclusive);
}
