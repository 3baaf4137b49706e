/**
 * `npm run demo`: services up, build, start server and workers on the `zhibu_demo` database, seed the
 * demo dataset (idempotent), and print the URL and the demo logins. Ctrl-C stops everything.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { seedDemo } from './demo/seed.js';
import { localEnv, root, runStack } from './stack.js';

const port = process.env.PORT ?? '3000';
const env = await localEnv({
  NODE_ENV: 'production',
  PORT: port,
  MONGODB_DB: process.env.MONGODB_DB ?? 'zhibu_demo',
  REDIS_PREFIX: process.env.REDIS_PREFIX ?? 'zhibu_demo',
  CLIENT_DIST: path.join(root, 'client', 'dist'),
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
});

if (!process.env.ZHIBU_DEMO_SKIP_BUILD) {
  process.stdout.write('building…\n');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const stack = runStack([
  { name: 'server', command: 'node', args: ['server/dist/main.js'], env },
  { name: 'workers', command: 'node', args: ['workers/dist/main.js'], env },
]);

const baseUrl = `http://127.0.0.1:${port}`;
const deadline = Date.now() + 60_000;
for (;;) {
  const ready = await fetch(`${baseUrl}/readyz`).then(
    (r) => r.ok,
    () => false,
  );
  if (ready) break;
  if (Date.now() > deadline) throw new Error(`the server did not become ready on ${baseUrl}`);
  await new Promise((r) => setTimeout(r, 500));
}

process.stdout.write('seeding the demo dataset…\n');
const report = await seedDemo(baseUrl, {
  username: env.ZHIBU_ADMIN_USERNAME!,
  password: env.ZHIBU_ADMIN_PASSWORD!,
});
process.stdout.write(`seeded: ${report.created} created, ${report.existing} already there\n\n`);
process.stdout.write(`Zhibu 云支部 is running at http://localhost:${port}\n\n`);
process.stdout.write(`  管理员 admin            ${env.ZHIBU_ADMIN_USERNAME} / ${env.ZHIBU_ADMIN_PASSWORD}\n`);
for (const login of report.logins)
  process.stdout.write(`  ${login.who.padEnd(24)} ${login.username} / ${login.password}\n`);
process.stdout.write('\nCtrl-C stops the server and workers.\n');
await stack;
