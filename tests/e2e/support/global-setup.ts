import { startStack } from './stack.js';

/** Playwright global setup: start the stack once per run; the returned function is the teardown. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  return startStack();
}
