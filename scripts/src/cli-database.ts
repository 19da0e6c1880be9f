// The database an operator tool works on: the same one `npm start` uses (DATABASE_URL, or the
// embedded database under SWITCHBOARD_DATA_DIR, or `--data-dir DIR`). While a server holds the
// embedded database the tool talks to it through that server; it never opens the files a second
// time, and it never creates a new, empty database where none was.
import { resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { connectDatabase, hasEmbeddedDatabase, openDatabase, runningHolder, type Database, type DatabaseHandle } from '@switchboard/db';
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
    return { database: connectDatabase(holder.connectionString, 'embedded'), args };
  }
  if (!hasEmbeddedDatabase(dataDir)) {
    throw new Error(
      `There is no Switchboard database in ${dataDir}. Run this where \`npm start\` runs, pass --data-dir with the directory it uses (SWITCHBOARD_DATA_DIR; \`npm run demo\` uses ./data/demo), or set DATABASE_URL.`,
    );
  }
  return { database: await openDatabase({ dataDir, poolSize: 2 }), args };
}

/**
 * The frame of an operator tool (`npm run flags`, `npm run reset-password`): `--help`; the command
 * checked by `parse` (given the arguments without `--data-dir DIR`) before any database is opened;
 * the install's database opened and found migrated; errors as one line, with the usage for a
 * mistake in the command. Returns the exit code: 0 done, 1 failed, 2 wrong arguments.
 */
export async function runOperatorTool<T>(
  argv: string[],
  usage: string,
  parse: (words: string[]) => T,
  run: (db: Kysely<Database>, command: T) => Promise<void>,
): Promise<number> {
  if (argv.some((a) => a === '--help' || a === '-h' || a === 'help')) {
    console.log(usage);
    return 0;
  }
  let opened: Awaited<ReturnType<typeof openInstallDatabase>> | undefined;
  try {
    const command = parse(argv.filter((a, i) => a !== '--data-dir' && argv[i - 1] !== '--data-dir' && !a.startsWith('--data-dir=')));
    opened = await openInstallDatabase(argv);
    const { db } = opened.database;
    const schema = await sql<{ table: string | null }>`select to_regclass('users')::text as table`.execute(db);
    if (!schema.rows[0]?.table) throw new Error('This database has no Switchboard tables yet. Start Switchboard once (npm start) or run npm run migrate, then try again.');
    await run(db, command);
    return 0;
  } catch (err) {
    console.error((err as Error).message);
    if (err instanceof CliUsageError) console.error(`\n${usage}`);
    return err instanceof CliUsageError ? 2 : 1;
  } finally {
    await opened?.database.close();
  }
}
