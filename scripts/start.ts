/** `npm start` (after the build): services up, then the built server (serving the built client) and workers. */
import path from 'node:path';
import { localEnv, root, runStack } from './stack.js';

const env = await localEnv({ NODE_ENV: 'production', CLIENT_DIST: path.join(root, 'client', 'dist') });
await runStack([
  { name: 'server', command: 'node', args: ['server/dist/main.js'], env },
  { name: 'workers', command: 'node', args: ['workers/dist/main.js'], env },
]);
