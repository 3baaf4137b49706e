/**
 * `npm run bench -- <name> [flags]` runs bench/<name>.ts. Each benchmark measures its baseline in the same
 * run, prints its figures and ratios, and prints one JSON object as its last line.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  process.stderr.write(
    `usage: npm run bench -- <name>\navailable: ${available.join(', ') || '(none yet)'}\n`,
  );
  process.exit(2);
}
process.argv.splice(2, 1);
// The servers under test run compiled, as `npm start` and the Docker image run them (not through the tsx
// loader): build first (incremental, instant when nothing changed).
execFileSync(process.execPath, [path.join(here, '../node_modules/typescript/bin/tsc'), '-b'], {
  cwd: path.join(here, '..'),
  stdio: 'inherit',
});
await import(pathToFileURL(path.join(here, `${name}.ts`)).href);
