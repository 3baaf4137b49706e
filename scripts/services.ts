/**
 * Real-services harness: makes sure a MongoDB-compatible server and Redis are reachable.
 *
 *   npm run services -- up|down|status
 *
 * Order of preference (see README): MONGODB_URL / REDIS_URL from the environment; what an earlier
 * `up` started; Redis on 127.0.0.1:6379; `mongod` on PATH; FerretDB 1.24.2 on the local PostgreSQL.
 * `down` stops only what this harness started. State lives in .data/services.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, '.data');
const stateFile = path.join(dataDir, 'services.json');
const FERRETDB_VERSION = 'v1.24.2';
const cacheDir = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'zhibu');
const ferretBinary = path.join(cacheDir, `ferretdb-${FERRETDB_VERSION}`);
const PG_URL = process.env.ZHIBU_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const FERRET_PG_DB = 'zhibu_ferretdb';

interface Started {
  name: 'ferretdb' | 'mongod' | 'redis';
  pid: number;
}
interface State {
  mongoUrl: string;
  redisUrl: string;
  started: Started[];
}

export interface ServiceUrls {
  mongoUrl: string;
  redisUrl: string;
}

function log(message: string): void {
  process.stderr.write(`[services] ${message}\n`);
}

function readState(): State | undefined {
  if (!existsSync(stateFile)) return undefined;
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8')) as State;
  } catch {
    return undefined;
  }
}

function writeState(state: State): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  return (await redisCommand(url, ['PING'], timeoutMs)) === '+PONG';
}

export async function mongoAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(preferred: number): Promise<number> {
  if (await portFree(preferred)) return preferred;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer within ${timeoutMs} ms`);
}

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

function spawnDetached(name: string, command: string, args: string[]): number {
  mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
  const out = openSync(path.join(dataDir, 'logs', `${name}.log`), 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  if (!child.pid) throw new Error(`could not start ${command}`);
  return child.pid;
}

/** Sends one command and resolves with the first line of the reply (RESP), or null when none came. */
function redisCommand(url: string, args: string[], timeoutMs = 1000): Promise<string | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    const done = (reply: string | null) => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(timeoutMs, () => done(null));
    socket.on('error', () => done(null));
    socket.on('connect', () =>
      socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`),
    );
    socket.on('data', (chunk) => done(chunk.toString().split('\r\n')[0] ?? ''));
  });
}

/**
 * Redis checks blocking-command timeouts `hz` times a second (10 by default), and BullMQ's delayed jobs
 * (reminders, deadlines) wake their worker through such a timeout: at hz 10 a reminder runs up to 100 ms
 * late. The development Redis gets hz 100, as docker-compose's does; a REDIS_URL given is left alone.
 */
const REDIS_HZ = '100';
async function tuneRedis(url: string): Promise<void> {
  const reply = await redisCommand(url, ['CONFIG', 'SET', 'hz', REDIS_HZ]);
  if (reply !== '+OK')
    log(`could not set Redis hz ${REDIS_HZ} (${reply ?? 'no answer'}); reminders may run up to 100 ms late`);
}

async function ensureRedis(started: Started[], previous?: State): Promise<string> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) {
    if (await redisAnswers(fromEnv)) return fromEnv;
    throw new Error(`REDIS_URL=${fromEnv} is set but does not answer PING`);
  }
  const mine = previous?.started.find((s) => s.name === 'redis');
  if (previous && mine && alive(mine.pid) && (await redisAnswers(previous.redisUrl))) {
    started.push(mine);
    return previous.redisUrl;
  }
  const local = 'redis://127.0.0.1:6379';
  if (await redisAnswers(local)) {
    await tuneRedis(local);
    return local;
  }
  if (!has('redis-server')) {
    if (process.getuid?.() !== 0)
      throw new Error('redis-server is not installed and we are not root to install it');
    log('installing redis-server from Debian packages');
    run('sh', [
      '-c',
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server',
    ]);
  }
  const port = await freePort(6390);
  const pid = spawnDetached('redis', 'redis-server', [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--save',
    '',
    '--appendonly',
    'no',
    '--hz',
    REDIS_HZ,
  ]);
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(() => redisAnswers(url), 'redis-server', 10_000);
  started.push({ name: 'redis', pid });
  log(`started redis-server on ${url}`);
  return url;
}

function ensurePostgres(): void {
  const ready = () => {
    try {
      run('pg_isready', ['-h', '127.0.0.1', '-p', '5432']);
      return true;
    } catch {
      return false;
    }
  };
  if (ready()) return;
  if (has('pg_ctlcluster') && has('pg_lsclusters')) {
    const clusters = run('pg_lsclusters', ['-h']).trim().split('\n').filter(Boolean);
    const first = clusters[0]?.split(/\s+/);
    if (first) {
      log(`starting PostgreSQL cluster ${first[0]}/${first[1]}`);
      run('pg_ctlcluster', ['--skip-systemctl-redirect', first[0]!, first[1]!, 'start']);
    }
  }
  if (!ready())
    throw new Error('PostgreSQL does not answer on 127.0.0.1:5432 and no cluster could be started');
}

function buildFerretDb(): string {
  if (existsSync(ferretBinary)) return ferretBinary;
  if (!has('go')) throw new Error('FerretDB must be built but Go is not installed');
  log(`building FerretDB ${FERRETDB_VERSION} (about a minute, once; cached at ${ferretBinary})`);
  const startedAt = Date.now();
  const build = (env: NodeJS.ProcessEnv) => {
    const json = run('go', ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`], {
      env: { ...env, GOFLAGS: '-mod=mod' },
    });
    const dir = (JSON.parse(json) as { Dir: string }).Dir;
    // A plain `go install` panics at start: the module has no build/version/version.txt.
    const src = path.join(cacheDir, 'ferretdb-src');
    rmSync(src, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    run('cp', ['-r', dir, src]);
    run('chmod', ['-R', 'u+w', src]);
    writeFileSync(path.join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    run('go', ['build', '-o', `${ferretBinary}.tmp`, './cmd/ferretdb'], { cwd: src, env });
    run('mv', [`${ferretBinary}.tmp`, ferretBinary]);
    rmSync(src, { recursive: true, force: true });
  };
  try {
    build(process.env);
  } catch (error) {
    log(`go build failed (${String(error).split('\n')[0]}); retrying with GOTOOLCHAIN=go1.24.3`);
    build({ ...process.env, GOTOOLCHAIN: 'go1.24.3' });
  }
  log(`FerretDB built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return ferretBinary;
}

async function ensureMongo(started: Started[], previous?: State): Promise<string> {
  const fromEnv = process.env.MONGODB_URL;
  if (fromEnv) {
    if (await mongoAnswers(fromEnv)) return fromEnv;
    throw new Error(`MONGODB_URL=${fromEnv} is set but does not answer ping`);
  }
  const mine = previous?.started.find((s) => s.name === 'ferretdb' || s.name === 'mongod');
  if (previous && mine && alive(mine.pid) && (await mongoAnswers(previous.mongoUrl))) {
    started.push(mine);
    return previous.mongoUrl;
  }
  const port = await freePort(27017);
  const url = `mongodb://127.0.0.1:${port}/`;
  if (has('mongod')) {
    const dbPath = path.join(dataDir, 'mongod');
    mkdirSync(dbPath, { recursive: true });
    const pid = spawnDetached('mongod', 'mongod', [
      '--bind_ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--dbpath',
      dbPath,
    ]);
    await waitFor(() => mongoAnswers(url), 'mongod', 30_000);
    started.push({ name: 'mongod', pid });
    log(`started mongod on ${url}`);
    return url;
  }
  ensurePostgres();
  try {
    run('psql', [PG_URL, '-c', `create database ${FERRET_PG_DB}`]);
  } catch (error) {
    if (!String((error as { stderr?: string }).stderr ?? error).includes('already exists')) throw error;
  }
  // Lets PostgreSQL serve FerretDB's pushed-down equality filters from an index (see the file).
  run('psql', [
    '-q',
    '-v',
    'ON_ERROR_STOP=1',
    '-v',
    `db=${FERRET_PG_DB}`,
    `${PG_URL}/${FERRET_PG_DB}`,
    '-f',
    path.join(root, 'scripts', 'ferretdb-gin.sql'),
  ]);
  const binary = buildFerretDb();
  const stateDir = path.join(dataDir, 'ferretdb');
  mkdirSync(stateDir, { recursive: true });
  const pid = spawnDetached('ferretdb', binary, [
    '--handler=postgresql',
    `--postgresql-url=${PG_URL}/${FERRET_PG_DB}`,
    `--listen-addr=127.0.0.1:${port}`,
    '--telemetry=disable',
    '--debug-addr=-',
    `--state-dir=${stateDir}`,
    '--log-level=warn',
  ]);
  await waitFor(() => mongoAnswers(url), 'FerretDB', 30_000);
  started.push({ name: 'ferretdb', pid });
  log(`started FerretDB ${FERRETDB_VERSION} on ${url}`);
  return url;
}

/** Makes both services reachable and returns their URLs. Idempotent and fast when already up. */
export async function servicesUp(): Promise<ServiceUrls> {
  const previous = readState();
  const started: Started[] = [];
  // Sequential on purpose: the FerretDB build below is synchronous and would starve a parallel probe.
  const redisUrl = await ensureRedis(started, previous);
  const mongoUrl = await ensureMongo(started, previous);
  writeState({ mongoUrl, redisUrl, started });
  return { mongoUrl, redisUrl };
}

export async function servicesDown(): Promise<void> {
  const state = readState();
  for (const service of state?.started ?? []) {
    if (alive(service.pid)) {
      process.kill(service.pid, 'SIGTERM');
      log(`stopped ${service.name} (pid ${service.pid})`);
    }
  }
  if (state) writeState({ ...state, started: [] });
}

async function status(): Promise<void> {
  const state = readState();
  if (!state) {
    log('nothing recorded; run `npm run services -- up`');
    return;
  }
  const [mongo, redis] = await Promise.all([mongoAnswers(state.mongoUrl), redisAnswers(state.redisUrl)]);
  process.stdout.write(`MONGODB_URL=${state.mongoUrl} ${mongo ? 'up' : 'DOWN'}\n`);
  process.stdout.write(`REDIS_URL=${state.redisUrl} ${redis ? 'up' : 'DOWN'}\n`);
  for (const s of state.started)
    process.stdout.write(`started by us: ${s.name} pid ${s.pid} ${alive(s.pid) ? 'alive' : 'gone'}\n`);
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const command = process.argv[2] ?? 'up';
  const main = async () => {
    if (command === 'up') {
      const urls = await servicesUp();
      process.stdout.write(`MONGODB_URL=${urls.mongoUrl}\nREDIS_URL=${urls.redisUrl}\n`);
    } else if (command === 'down') await servicesDown();
    else if (command === 'status') await status();
    else throw new Error(`unknown command ${command}; use up, down or status`);
  };
  main().catch((error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
