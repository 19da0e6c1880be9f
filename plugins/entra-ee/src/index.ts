export { entraPlugin } from './plugin.js';
