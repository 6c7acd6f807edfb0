export { parsePort } from './commands/serve.js';
