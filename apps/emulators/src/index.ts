// Local stand-ins for Google, Microsoft identity + Graph, CIPP and DNS, used by tests, benchmarks and the demo.
export { Controls, type FaultRule } from './controls.js';
export { startMicrosoftEmulator, type MicrosoftEmulator, type MicrosoftEmulatorOptions } from './microsoft/server.js';
export { startGoogleEmulator, type GoogleEmulator, type GoogleEmulatorOptions } from './google/server.js';
export { connectAccount as connectGoogleAccount, submitConsent as submitGoogleConsent } from './google/testing.js';
export { loseCalendarState as loseGoogleCalendarState } from './google/state-loss.js';
export { startCippEmulator, type CippEmulator, type CippEmulatorOptions } from './cipp/server.js';
export { emulatorMsalConfig, emulatorNetworkClient, emulatorAuthority, EMULATOR_LOGIN_HOST, type EmulatorMsalOptions } from './microsoft/msal-emulator.js';
export { completeConsent as completeMicrosoftConsent, type ConsentResult as MicrosoftConsentResult } from './microsoft/identity-consent-client.js';
export { DirectoryStore, type DirectoryTenant, type DirectoryUser, type AppRegistration, type PartnerRelationship } from './microsoft/directory-store.js';
export { seedPartner, type SeedPartnerOptions, type SeededPartner } from './microsoft/directory-seed.js';
export { earlyRetryKey } from './microsoft/graph-throttle.js';
export { BATCH_MEMBER_KEY } from './microsoft/batch.js';
export type { IdentityPart } from './microsoft/identity.js';
export type { DirectoryPart } from './microsoft/directory.js';
export { startDnsEmulator, startDnsControl, type DnsEmulator, type DnsEmulatorOptions, type DnsFault } from './dns/index.js';
