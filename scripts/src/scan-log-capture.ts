// After the suite: searches every captured log line for every secret value the test apps stored
// (testing/src/log-capture.ts writes both). Prints "ok - …" or "not ok - …" with each leaking line,
// the secret masked; exits 1 on a leak or when nothing was captured (a capture that silently broke
// would otherwise pass). Usage: node --import tsx scripts/src/scan-log-capture.ts <capture dir>
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Values shorter than this are too likely to occur by chance (ids, "true") to mean a leak. */
const MIN_LENGTH = 8;

const dir = process.argv[2];
if (!dir) {
  console.error('usage: scan-log-capture <capture dir>');
  process.exit(2);
}

const files = readdirSync(dir);
const logFiles = files.filter((f) => f.endsWith('.log'));
const secrets = new Set<string>();
for (const file of files.filter((f) => f.endsWith('.secrets'))) {
  for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) if (line) secrets.add(JSON.parse(line) as string);
}
const scanned = [...secrets].filter((s) => s.length >= MIN_LENGTH);

// Index by the first MIN_LENGTH characters, so each log position costs one map lookup.
const byPrefix = new Map<string, string[]>();
for (const secret of scanned) {
  const prefix = secret.slice(0, MIN_LENGTH);
  byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), secret]);
}

let lines = 0;
const leaks: string[] = [];
for (const file of logFiles) {
  readFileSync(join(dir, file), 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (!line) return;
      lines++;
      for (let i = 0; i + MIN_LENGTH <= line.length; i++) {
        const found = byPrefix.get(line.slice(i, i + MIN_LENGTH))?.find((s) => line.startsWith(s, i));
        if (found) {
          leaks.push(`${file}:${index + 1}: ${line.split(found).join('[SECRET]')}`);
          return;
        }
      }
    });
}

const summary = `${lines} log lines from ${logFiles.length} test processes, ${scanned.length} stored secrets`;
if (lines === 0 || scanned.length === 0) {
  console.log(`not ok - the log capture in ${dir} is empty (${summary}); the check cannot run`);
  process.exit(1);
}
if (leaks.length > 0) {
  console.log(`not ok - ${leaks.length} log lines contain a stored secret (${summary}):`);
  for (const leak of leaks) console.log(`  ${leak}`);
  process.exit(1);
}
console.log(`ok - no stored secret in any log line of the suite (${summary})`);
