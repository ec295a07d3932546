// Headless Chromium for the dashboard tests: playwright-core (tests/clients, pinned) driving Debian's
// chromium. One browser per test file; each test opens its own context (fresh sessionStorage).
import path from 'node:path';
import { createRequire } from 'node:module';
import { REPO_ROOT, onCleanup } from './harness.mjs';

const require = createRequire(path.join(REPO_ROOT, 'tests/clients/package.json'));

export const CHROMIUM = process.env.HEIMDALL_CHROMIUM || '/usr/bin/chromium';

/** Launches the browser (closed at cleanup()). */
export async function launchBrowser() {
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], timeout: 30000 });
  onCleanup(() => browser.close());
  return browser;
}

/**
 * A new page in a fresh context; collects console errors and uncaught page errors (a test asserts
 * `errors` is empty at the end) and accepts window.confirm() dialogs.
 */
export async function openPage(browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource|WebSocket connection/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  page.on('dialog', (d) => d.accept());
  return { page, context, errors };
}
