// "Test connection": a token and the customer tenant list, through the same clients the sync uses,
// for the active connection or for CIPP settings not saved yet. The answer is one readable sentence;
// provider errors are already free of secrets and remote bodies (http.ts, partner-token.ts).
import { AppError, checkOutboundUrl, OutboundUrlRefused } from '@switchboard/core';
import { activeConnection, cippClient, directoryFor, outboundPolicy, type CippInput, type ConnectionDeps, type ConnectionDirectory } from './connection.js';
import { ProviderError } from './http.js';

export interface ConnectionCheck {
  ok: boolean;
  message: string;
  /** Customer tenants the connection sees (when ok). */
  tenants?: number;
}

async function listAndCount(directory: ConnectionDirectory, provider: string): Promise<ConnectionCheck> {
  try {
    const tenants = (await directory.listTenants()).length;
    return { ok: true, message: `${provider} answered: ${tenants} customer tenant${tenants === 1 ? '' : 's'} visible.`, tenants };
  } catch (err) {
    if (err instanceof ProviderError || err instanceof AppError) return { ok: false, message: err.message };
    throw err;
  }
}

/** The active connection; a connection Microsoft stopped accepting answers why without a request. */
export async function testActiveConnection(deps: ConnectionDeps, tenantId: string): Promise<ConnectionCheck> {
  const row = await activeConnection(deps.db, tenantId);
  if (!row) return { ok: false, message: 'Entra is not connected.' };
  let directory: ConnectionDirectory;
  try {
    directory = await directoryFor(deps, tenantId);
  } catch (err) {
    if (err instanceof AppError) return { ok: false, message: err.message };
    throw err;
  }
  return listAndCount(directory, row.kind === 'cipp' ? 'CIPP' : 'Microsoft Graph');
}

/** CIPP settings as the connect form holds them; nothing is stored. */
export async function testCippSettings(deps: ConnectionDeps, input: CippInput): Promise<ConnectionCheck> {
  // The URL before anything is sent anywhere: no token is requested for a refused target.
  try {
    await checkOutboundUrl(input.baseUrl, outboundPolicy(deps));
  } catch (err) {
    if (err instanceof OutboundUrlRefused) return { ok: false, message: `CIPP was not called: its URL ${err.message}.` };
    throw err;
  }
  return listAndCount(cippClient(deps, input, input.clientSecret), 'CIPP');
}
