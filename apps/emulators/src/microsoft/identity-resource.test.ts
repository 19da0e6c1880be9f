// Client credentials for an API app named by any of its application ID URIs, as the identity platform
// answers them: `{application ID URI}/.default` (the URI may have a path) gives a token for that app,
// the same audience whichever URI named it; an unknown resource is invalid_resource AADSTS500011.
// https://learn.microsoft.com/en-us/entra/identity-platform/scopes-oidc#the-default-scope
// https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes
import t from 'tap';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { startMicrosoftEmulator } from './server.js';
import { emulatorMsalConfig } from './msal-emulator.js';

const ms = await startMicrosoftEmulator();
t.teardown(ms.close);
const home = ms.identity.addTenant({ displayName: 'MSP', domains: ['msp.test'] });
const api = ms.identity.addApp({ homeTenantId: home.id, clientSecrets: ['api-secret'], displayName: 'CIPP-API', identifierUris: ['https://cipp.msp.test/api'] });
const tokenFor = (scope: string) =>
  new ConfidentialClientApplication(emulatorMsalConfig(ms.url, { clientId: api.clientId, clientSecret: 'api-secret', tenant: home.id })).acquireTokenByClientCredential({ scopes: [scope] });

t.test('api://{clientId}/.default and a custom application ID URI both give a token for the app', async (t) => {
  for (const scope of [`api://${api.clientId}/.default`, 'https://cipp.msp.test/api/.default']) {
    const result = await tokenFor(scope);
    t.match(ms.tokens.verify(`Bearer ${result!.accessToken}`), { audience: `api://${api.clientId}`, tenantId: home.id }, scope);
  }
});

t.test('a resource no app exposes is invalid_resource AADSTS500011', async (t) => {
  t.match(await tokenFor('https://cipp.msp.test/other/.default').catch((err: unknown) => err), { errorCode: 'invalid_resource', errorNo: '500011' });
  t.match(await tokenFor('https://cipp.msp.test/api').catch((err: unknown) => err), { errorCode: 'invalid_scope' }, 'client credentials need /.default');
});
