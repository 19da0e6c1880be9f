// The DNS emulator on its own entry point: the API's test support starts one without loading the
// HTTP emulators.
export { startDnsEmulator, type DnsEmulator, type DnsEmulatorOptions, type DnsFault } from './server.js';
export { startDnsControl } from './control.js';
