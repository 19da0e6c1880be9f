export { microsoftBindingsPlugin, type MicrosoftBindings } from './plugin.js';
export { confidentialClient, authorityUrl, refreshTokenFromCache } from './services/msal.js';
export { clientSecretName } from './services/consumers.js';
export type { MicrosoftCredentials } from './services/resolver.js';
export type { ProfileUse, ProfileUsageSource } from './services/profiles.js';
export { authorizedThroughPrevious, type AffectedConnection, type BindingChange, type ConsumerDependent } from './services/consumer-dependents.js';
export { materializeBindings, type MaterializationResult } from './services/materialize.js';
export { turnOffSsoRequirement } from './sso/sign-in-policy.js';
