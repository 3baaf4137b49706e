/** `npm run dev`: services up, then server and workers with reload (tsx watch) and the Vite dev server. */
import { localEnv, runStack } from './stack.js';

const env = await localEnv({ NODE_ENV: 'development', PORT: process.env.PORT ?? '3000' });
const tsx = ['tsx', 'watch', '--conditions=@zhibu/source', '--clear-screen=false'];
process.stdout.write('Zhibu dev: API on http://localhost:3000, web client on http://localhost:5173\n');
await runStack([
  { name: 'server', command: 'npx', args: [...tsx, 'server/src/main.ts'], env },
  { name: 'workers', command: 'npx', args: [...tsx, 'workers/src/main.ts'], env },
  { name: 'client', command: 'npm', args: ['run', 'dev', '-w', '@zhibu/client'], env },
]);
