export { calendarPlugin } from './plugin.js';
