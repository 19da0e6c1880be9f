// The process-level safety net of `npm start` and `npm run worker`, in a child process so that a
// shutdown is real: a rejection that only says the database is away is reported and survived; any
// other unhandled rejection still shuts the process down.
import t from 'tap';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

function runWithUnhandledRejection(reason: string): Promise<{ code: number | null; output: string }> {
  const module = fileURLToPath(new URL('process-faults.ts', import.meta.url));
  const script = `
    import pino from 'pino';
    import { shutDownGracefully } from ${JSON.stringify(module)};
    const log = pino();
    shutDownGracefully({ log, delayMs: 5000, close: async () => log.info('closed') });
    Promise.reject(${reason});
    Promise.reject(${reason});
    // Still running a while later: report it and end normally.
    setTimeout(() => { log.info('still running'); process.exit(0); }, 500);
  `;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, output: stdout + stderr }),
    );
  });
}

t.test('a lost database in an unawaited promise is reported once and the process keeps running', async (t) => {
  const { code, output } = await runWithUnhandledRejection(`Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })`);
  t.equal(code, 0);
  t.match(output, /still running/);
  t.equal(output.split('\n').filter((l) => l.includes('the database is not reachable (connection reset)')).length, 1, 'reported once');
  t.notMatch(output, /shutting down/);
});

t.test('any other unhandled rejection still shuts the process down gracefully', async (t) => {
  const { code, output } = await runWithUnhandledRejection(`new TypeError('a bug')`);
  t.equal(code, 1);
  t.match(output, /shutting down after an error/);
  t.match(output, /a bug/);
  t.match(output, /closed/, 'the close step ran');
  t.notMatch(output, /still running/);
});
