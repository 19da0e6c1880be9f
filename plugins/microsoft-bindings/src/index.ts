export { microsoftBindingsPlugin } from './plugin.js';
