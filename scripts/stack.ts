/**
 * Starts Zhibu's processes (server, workers, and in development the Vite dev server) as children,
 * prefixes their output, and stops them all on SIGINT/SIGTERM or when one of them dies.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { servicesUp } from './services.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Proc {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** A local secret kept in .data/ for runs without JWT_SECRET (dev, demo). Production sets it in the environment. */
function localSecret(): string {
  const file = path.join(root, '.data', 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** The environment for local runs: real services from the harness, defaults for what is not set. */
export async function localEnv(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
  const urls = await servicesUp();
  return {
    ...process.env,
    MONGODB_URL: process.env.MONGODB_URL ?? urls.mongoUrl,
    REDIS_URL: process.env.REDIS_URL ?? urls.redisUrl,
    JWT_SECRET: process.env.JWT_SECRET ?? localSecret(),
    ZHIBU_ADMIN_USERNAME: process.env.ZHIBU_ADMIN_USERNAME ?? 'admin',
    ZHIBU_ADMIN_PASSWORD: process.env.ZHIBU_ADMIN_PASSWORD ?? 'zhibu-admin-2026',
    ...extra,
  };
}

export function runStack(procs: Proc[]): Promise<never> {
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    setTimeout(() => process.exit(code), 5000).unref();
    Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode === null ? c.once('exit', r) : r(null)))),
    ).then(() => process.exit(code));
  };
  for (const p of procs) {
    const child = spawn(p.command, p.args, {
      cwd: p.cwd ?? root,
      env: p.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const prefix = `[${p.name}] `;
    const pipe = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) => {
      let buffer = '';
      stream?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) out.write(`${prefix}${line}\n`);
      });
    };
    pipe(child.stdout, process.stdout);
    pipe(child.stderr, process.stderr);
    child.on('exit', (code) => {
      if (!stopping) {
        process.stderr.write(`${prefix}exited with ${code}; stopping the others\n`);
        stop(code ?? 1);
      }
    });
    children.push(child);
  }
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  return new Promise<never>(() => undefined);
}
