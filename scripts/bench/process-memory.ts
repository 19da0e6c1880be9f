// Memory of a process tree, from /proc (Linux only), for the benchmarks: the API process and its
// descendants, which with the embedded database are PostgreSQL's postmaster, its helpers and one
// backend per pooled connection.
//
// Three ways to add up a tree, because they disagree:
// - RSS sum: every PostgreSQL process maps the server's shared memory (shared buffers, ...), and
//   the pages of it that a process has touched count in that process's RSS, so a sum counts them
//   once per process. It over-counts.
// - PSS sum: PSS divides each shared page by the number of processes mapping it, so the tree's
//   shared memory counts once; but pages shared with processes outside the tree (the node binary
//   with every other Node process on the machine) count only in part. It under-counts on a busy
//   machine.
// - Distinct resident pages: the physical pages mapped by any process of the tree, each once, from
//   /proc/<pid>/pagemap. This is the tree's resident set. Reading page frame numbers needs root
//   (the kernel shows other users zeros); without it this figure is left out.
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export interface ProcessMemory {
  rssMb: number;
  /** RssShmem: the part of RSS that is shared memory (for PostgreSQL, mostly its shared buffers). */
  shmemMb: number;
  pssMb: number;
}

export interface TreeMemory {
  processes: number;
  /** The root process alone. */
  root: ProcessMemory;
  rssMb: number;
  shmemMb: number;
  pssMb: number;
  /** Undefined when not run as root. */
  distinctMb?: number;
}

const PAGE_SIZE = Number(execFileSync('getconf', ['PAGESIZE']).toString());
const MB = 2 ** 20;

/** `Name:   123 kB` lines of a /proc file, in MB. */
function kbFields(text: string): Record<string, number> {
  return Object.fromEntries([...text.matchAll(/^(\w+):\s+(\d+) kB$/gm)].map(([, name, kb]) => [name, Number(kb) / 1024]));
}

function processMemory(pid: number): ProcessMemory {
  const status = kbFields(readFileSync(`/proc/${pid}/status`, 'utf8'));
  const rollup = kbFields(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return { rssMb: status.VmRSS, shmemMb: status.RssShmem, pssMb: rollup.Pss };
}

/** `root` and all its descendants, root first (this kernel has no /proc/<pid>/task/<tid>/children). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/** Adds the page frame numbers of `pid`'s resident pages to `frames`; false when they are hidden (not root). */
function addResidentFrames(pid: number, frames: Set<number>): boolean {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  const fd = openSync(`/proc/${pid}/pagemap`, 'r');
  try {
    for (const line of maps.split('\n')) {
      // Readable mappings only: the large PROT_NONE reservations (V8's) hold no pages.
      const m = /^([0-9a-f]+)-([0-9a-f]+) r/.exec(line);
      if (!m) continue;
      const start = parseInt(m[1], 16) / PAGE_SIZE;
      const pages = (parseInt(m[2], 16) - parseInt(m[1], 16)) / PAGE_SIZE;
      // One 64-bit entry per page: bit 63 "present", bits 0-54 the page frame number; read as
      // 32-bit halves (little-endian), which is much faster than BigInt.
      const words = new Uint32Array(pages * 2);
      readSync(fd, words, 0, pages * 8, start * 8);
      for (let i = 0; i < words.length; i += 2) {
        const high = words[i + 1];
        if (!(high & 0x80000000)) continue;
        const frame = words[i] + (high & 0x7fffff) * 2 ** 32;
        if (frame === 0) return false;
        frames.add(frame);
      }
    }
    return true;
  } finally {
    closeSync(fd);
  }
}

export function treeMemory(root: number): TreeMemory {
  const each: ProcessMemory[] = [];
  const frames = new Set<number>();
  let framesVisible = true;
  for (const pid of processTree(root)) {
    try {
      each.push(processMemory(pid));
      framesVisible &&= addResidentFrames(pid, frames);
    } catch (err) {
      if (pid === root) throw err;
      // a backend that ended between listing and reading
    }
  }
  const sum = (field: keyof ProcessMemory) => each.reduce((n, m) => n + m[field], 0);
  return {
    processes: each.length,
    root: each[0],
    rssMb: sum('rssMb'),
    shmemMb: sum('shmemMb'),
    pssMb: sum('pssMb'),
    distinctMb: framesVisible ? (frames.size * PAGE_SIZE) / MB : undefined,
  };
}
