/**
 * `npm test`: everything CI checks, on real services.
 *
 * 1. system packages the tests need (Debian's chromium and a CJK font), installed when missing and root
 * 2. services up (FerretDB/MongoDB + Redis, see scripts/services.ts)
 * 3. lint (Biome + circular imports), typecheck + build, client build
 * 4. Vitest: unit and integration projects
 * 5. Playwright end-to-end tests in headless chromium
 *
 * Every step runs even when an earlier test step failed, so one run shows every failure; the exit code
 * is non-zero when anything failed. The last line is "N passed, N failed".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { servicesUp } from './services.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, '.data', 'reports');
const only = process.argv.slice(2); // e.g. `npm test -- integration e2e`
const wanted = (step: string) => only.length === 0 || only.includes(step);

interface Outcome {
  step: string;
  ok: boolean;
  seconds: number;
}
const outcomes: Outcome[] = [];
let passed = 0;
let failed = 0;

function step(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): boolean {
  const startedAt = Date.now();
  process.stdout.write(`\n=== ${name}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = result.status === 0;
  outcomes.push({ step: name, ok, seconds: (Date.now() - startedAt) / 1000 });
  return ok;
}

function ensureSystemPackages(): void {
  const missing: string[] = [];
  if (!existsSync('/usr/bin/chromium')) missing.push('chromium');
  if (!existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc')) missing.push('fonts-noto-cjk');
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    process.stdout.write(`warning: missing ${missing.join(', ')} and not root; install them with apt-get\n`);
    return;
  }
  step('apt', 'sh', [
    '-c',
    `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')} >/dev/null`,
  ]);
}

function countVitest(file: string): void {
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number };
  passed += report.numPassedTests;
  failed += report.numFailedTests;
}

function countPlaywright(file: string): void {
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    stats: { expected: number; unexpected: number; flaky: number };
  };
  passed += report.stats.expected + report.stats.flaky;
  failed += report.stats.unexpected;
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  rmSync(reports, { recursive: true, force: true });
  mkdirSync(reports, { recursive: true });
  ensureSystemPackages();
  const urls = await servicesUp();
  const env = { MONGODB_URL: urls.mongoUrl, REDIS_URL: urls.redisUrl };
  process.stdout.write(`services: MONGODB_URL=${urls.mongoUrl} REDIS_URL=${urls.redisUrl}\n`);

  const built =
    wanted('build') || wanted('e2e') ? step('typecheck+build', 'npm', ['run', 'typecheck']) : true;
  if (wanted('lint')) step('lint', 'npm', ['run', 'lint']);
  const clientBuilt =
    (wanted('build') || wanted('e2e')) &&
    built &&
    step('client build', 'npm', ['run', 'build', '-w', '@zhibu/client']);

  const vitestJson = path.join(reports, 'vitest.json');
  if (wanted('unit') || wanted('integration')) {
    const projects = ['unit', 'integration'].filter(wanted).flatMap((p) => ['--project', p]);
    step(
      'vitest',
      'npx',
      [
        'vitest',
        'run',
        ...projects,
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${vitestJson}`,
      ],
      env,
    );
    countVitest(vitestJson);
  }

  if (wanted('e2e')) {
    const playwrightJson = path.join(reports, 'playwright.json');
    if (clientBuilt) {
      step(
        'e2e',
        'npx',
        ['playwright', 'test', '-c', 'tests/e2e/playwright.config.ts', '--reporter=list,json'],
        {
          ...env,
          PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
        },
      );
      countPlaywright(playwrightJson);
    } else {
      outcomes.push({ step: 'e2e (skipped: build failed)', ok: false, seconds: 0 });
    }
  }

  process.stdout.write('\n=== summary\n');
  for (const o of outcomes)
    process.stdout.write(`${o.ok ? 'ok  ' : 'FAIL'} ${o.step} (${o.seconds.toFixed(1)} s)\n`);
  process.stdout.write(`total ${((Date.now() - startedAt) / 1000).toFixed(0)} s\n`);
  const allOk = outcomes.every((o) => o.ok);
  if (!allOk && failed === 0) failed = outcomes.filter((o) => !o.ok).length;
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exit(allOk ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
});
