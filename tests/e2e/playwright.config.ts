import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests on the built client served by the built server, real FerretDB/MongoDB and Redis.
 * Global setup (support/stack.ts) starts everything on a fresh database, Redis prefix and free port and
 * exports the base URL as ZHIBU_E2E_BASE_URL; specs use relative URLs (`page.goto('/login')`).
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  // Playwright empties this folder at the start of a run; engineers running specs side by side in one tree
  // set ZHIBU_E2E_OUTPUT to keep out of each other's way.
  outputDir: process.env.ZHIBU_E2E_OUTPUT ?? '../../test-results/e2e',
  globalSetup: './support/global-setup.ts',
  // Two shared cores: one browser at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    ...devices['Desktop Chrome'],
    baseURL: process.env.ZHIBU_E2E_BASE_URL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1366, height: 820 },
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS },
  },
  projects: [{ name: 'chromium' }],
});
