import { afterAll } from 'vitest';
import { TWO_PROCESSES_ENV } from './channels.test.js';

// The messaging tests of channels.test.ts (registered by the import above), against two server processes.
// The flag is read when its beforeAll runs, after this line.
process.env[TWO_PROCESSES_ENV] = '1';
afterAll(() => {
  delete process.env[TWO_PROCESSES_ENV];
});
