import { ConfigError, loadConfig } from '@zhibu/server';
import { startWorkers } from './index.js';
import { createGridRuntime } from './jobs/grid-runtime.js';
import { startGridWorkers } from './jobs/grid-worker.js';

/**
 * `npm run workers`: validates configuration like the server, runs every queue's workers, and on SIGTERM
 * stops taking jobs, finishes the running ones and exits.
 */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`zhibu workers refuse to start.\n${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const running = await startWorkers(config);
  const gridRuntime = await createGridRuntime(config);
  const grid = await startGridWorkers(gridRuntime, { schedules: true });
  process.stdout.write(`zhibu workers ready: ${running.workers.map((w) => w.name).join(', ')}, grid\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stdout.write(`zhibu workers: ${signal}, finishing running jobs\n`);
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    Promise.all([running.close(), grid.close().then(() => gridRuntime.close())]).then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while closing workers: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `zhibu workers failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
