export { buildApp, type BuildAppOptions } from './app.js';
export { loadConfig, ConfigError, type Config } from './config.js';
export { loadKeyring } from './keyring.js';
export { ensureFirstAdmin } from './bootstrap.js';
export { loggerOptions } from './logger.js';
