// `npm run reset-password -- <email>`: break-glass for someone with access to the server, when no
// admin can sign in. Sets a generated password (printed once, here only), ends the user's sessions,
// and audits it; works on the database `npm start` uses (see cli-database.ts), running or stopped.
import type { Kysely } from 'kysely';
import type { Database } from '@switchboard/db';
import { resetPasswordByOperator } from '@switchboard/core';
import { turnOffSsoRequirement } from '@switchboard/microsoft-bindings';
import { CliUsageError, runOperatorTool } from './cli-database.js';

const TURN_OFF_SSO = '--turn-off-sso-requirement';

const USAGE = `Usage: npm run reset-password -- <email> [--data-dir DIR] [${TURN_OFF_SSO}]

Sets a new, generated password for the user with this email (in any tenant), prints it once, and
ends the user's sessions. The user can change it under Profile after signing in.

  ${TURN_OFF_SSO}   also stop requiring Microsoft sign-in for every login domain of the
                               user's tenant, so the new password can be used

The database is the one \`npm start\` uses: DATABASE_URL, or the embedded database in
SWITCHBOARD_DATA_DIR (default ./data; \`npm run demo\` uses ./data/demo), or --data-dir DIR.`;

interface ResetCommand {
  email: string;
  turnOffSso: boolean;
}

function parseCommand(words: string[]): ResetCommand {
  const turnOffSso = words.includes(TURN_OFF_SSO);
  const rest = words.filter((a) => a !== TURN_OFF_SSO);
  const unknown = rest.find((a) => a.startsWith('--'));
  if (unknown) throw new CliUsageError(`Unknown option ${unknown}.`);
  const [email, ...extra] = rest;
  if (!email || extra.length > 0) throw new CliUsageError(email ? `Expected one email, got: ${rest.join(' ')}` : 'No email given.');
  return { email, turnOffSso };
}

async function reset(db: Kysely<Database>, { email, turnOffSso }: ResetCommand): Promise<void> {
  const { done, domains } = await db.transaction().execute(async (trx) => {
    const done = await resetPasswordByOperator(trx, email);
    return { done, domains: turnOffSso ? await turnOffSsoRequirement(trx, done.tenantId) : [] };
  });
  console.log(`New password for ${done.email} (${done.tenantName}), shown once:\n\n  ${done.password}\n`);
  console.log(`${done.sessionsEnded} session${done.sessionsEnded === 1 ? '' : 's'} ended. Change it under Profile after signing in.`);
  if (turnOffSso) {
    console.log(domains.length ? `Microsoft sign-in is no longer required for ${domains.join(', ')}.` : 'No login domain of this tenant required Microsoft sign-in.');
  }
  if (!done.isActive) console.log('This user is deactivated: they cannot sign in until an admin reactivates them under Settings → Users.');
}

process.exitCode = await runOperatorTool(process.argv.slice(2), USAGE, parseCommand, reset);
