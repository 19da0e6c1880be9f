// Whole-suite log capture for the "no secret in any log line" check. When SWITCHBOARD_LOG_CAPTURE_DIR
// is set (`npm test` sets it), every test process appends each log line of the apps it builds to
// `<pid>.log`, and to `<pid>.secrets` (one JSON string per line) each value those apps store in
// their secret store plus the test helpers' own secrets (password, keyring key, session and CSRF
// tokens, metrics token); scripts/src/scan-log-capture.ts then searches every line for every value.
// Synchronous appends, so nothing is lost when a test process ends abruptly.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';

const dir = process.env.SWITCHBOARD_LOG_CAPTURE_DIR;
const files = new Map<'log' | 'secrets', number>();

function append(kind: 'log' | 'secrets', text: string): void {
  if (!dir) return;
  let fd = files.get(kind);
  if (fd === undefined) {
    mkdirSync(dir, { recursive: true });
    fd = openSync(join(dir, `${process.pid}.${kind}`), 'a');
    files.set(kind, fd);
  }
  writeSync(fd, text);
}

process.once('exit', () => {
  for (const fd of files.values()) closeSync(fd);
});

/** Records a secret value; a JSON object's string members are recorded one by one as well. */
export function captureSecret(value: string): void {
  if (!dir) return;
  const values = [value];
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === 'object') values.push(...Object.values(parsed).filter((v): v is string => typeof v === 'string'));
  } catch {
    // not JSON: the value itself is the secret
  }
  append('secrets', values.map((v) => `${JSON.stringify(v)}\n`).join(''));
}

/** Records every value the app puts into its secret store from now on. */
export function captureStoredSecrets(app: FastifyInstance): void {
  if (!dir) return;
  const store = app.secrets;
  const put = store.put.bind(store);
  store.put = async (db, tenantId, name, value) => {
    captureSecret(value);
    return put(db, tenantId, name, value);
  };
}

/** A pino destination that hands each line to `forward` and appends it to the capture. */
export function captureLogStream(forward: (line: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const line = chunk.toString();
      forward(line);
      append('log', line);
      callback();
    },
  });
}
