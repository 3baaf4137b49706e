/**
 * Preloaded (`node --import`) into both servers by bench/collab.ts: the event-loop delay of the server
 * process, so that a slow relay can be told apart from a slow load generator. On SIGUSR2 the figures since
 * the previous signal are written to $BENCH_ELD_FILE as JSON and the histogram starts over.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_ELD_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  process.on('SIGUSR2', () => {
    const ms = (ns) => Number((ns / 1e6).toFixed(2));
    writeFileSync(
      file,
      JSON.stringify({
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
      }),
    );
    histogram.reset();
  });
}

// Under --cpu-prof the profile is written at a normal exit: the stock server has no SIGTERM handler of
// its own and would die without writing it.
if (process.execArgv.some((a) => a.startsWith('--cpu-prof'))) process.once('SIGTERM', () => process.exit(0));
