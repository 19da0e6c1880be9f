// The database an operator tool works on: the same one `npm start` uses (DATABASE_URL, or the
// embedded database under SWITCHBOARD_DATA_DIR, or `--data-dir DIR`). While a server holds the
// embedded database the tool talks to it through that server; it never opens the files a second
// time, and it never creates a new, empty database where none was.
import { resolve } from 'node:path';
import { connectDatabase, hasEmbeddedDatabase, openDatabase, runningHolder, type DatabaseHandle } from '@switchboard/db';
import { loadConfig } from '@switchboard/api';

export class CliUsageError extends Error {}

/** Opens the install's database; returns the arguments left after `--data-dir DIR`. */
export async function openInstallDatabase(argv: string[]): Promise<{ database: DatabaseHandle; args: string[] }> {
  const args: string[] = [];
  let dataDirFlag: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--data-dir') {
      dataDirFlag = argv[++i];
      if (!dataDirFlag) throw new CliUsageError('--data-dir needs a directory');
    } else if (arg.startsWith('--data-dir=')) {
      dataDirFlag = arg.slice('--data-dir='.length);
    } else {
      args.push(arg);
    }
  }
  const config = loadConfig();
  if (config.DATABASE_URL && !dataDirFlag) return { database: await openDatabase({ databaseUrl: config.DATABASE_URL, poolSize: 2 }), args };
  const dataDir = resolve(dataDirFlag ?? config.dataDir);
  const holder = await runningHolder(dataDir);
  if (holder) {
    if (!holder.connectionString) throw new Error(`The Switchboard server using ${dataDir} (pid ${holder.pid}) is still starting. Try again in a moment.`);
    return { database: connectDatabase(holder.connectionString, 'pglite'), args };
  }
  if (!hasEmbeddedDatabase(dataDir)) {
    throw new Error(
      `There is no Switchboard database in ${dataDir}. Run this where \`npm start\` runs, pass --data-dir with the directory it uses (SWITCHBOARD_DATA_DIR; \`npm run demo\` uses ./data/demo), or set DATABASE_URL.`,
    );
  }
  return { database: await openDatabase({ dataDir, poolSize: 2 }), args };
}
