export { microsoftBindingsPlugin, type MicrosoftBindings, type MicrosoftBindingsOptions } from './plugin.js';
export { confidentialClient, authorityUrl, DEFAULT_LOGIN_URL } from './services/msal.js';
export type { MicrosoftCredentials } from './services/resolver.js';
export type { ProfileUse, ProfileUsageSource } from './services/profiles.js';
export { materializeBindings, type MaterializationResult } from './services/materialize.js';
