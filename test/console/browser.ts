/// <reference lib="dom" />
// page.evaluate() callbacks run in the browser: DOM types for them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

// Jest's ESM runtime has no import.meta.dirname; the suite runs from the project root.
const ROOT = process.cwd();
/** Screenshots of every console run (git-ignored). */
export const SCREENSHOTS = join(ROOT, 'test-results', 'console');

/** Builds the console when dist/console-ui is missing or older than console/ (the build script's own check). */
export function ensureConsoleBuilt(): void {
  execFileSync('node', ['scripts/build-console.mjs'], { cwd: ROOT, stdio: 'inherit' });
}

/** Debian's chromium (apt-get install chromium), headless, driven by playwright-core; a temp profile per launch. */
export function launchChromium(): Promise<Browser> {
  if (!existsSync('/usr/bin/chromium'))
    throw new Error('the console tests need Debian chromium at /usr/bin/chromium: apt-get install -y chromium');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Every console error and uncaught exception of the page. */
  errors: string[];
  close(): Promise<void>;
}

export async function openConsole(
  browser: Browser,
  httpPort: number,
  viewport = { width: 1280, height: 800 },
  /** A phone's touch screen (taps); downloads are accepted either way. */
  opts: { hasTouch?: boolean } = {},
): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport, hasTouch: opts.hasTouch, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(`http://127.0.0.1:${httpPort}/console`);
  return { context, page, errors, close: () => context.close() };
}

export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('API token').fill(token);
  await page.getByLabel('API token').press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** No horizontal scrolling: the page is no wider than the window. */
export const pageFitsWidth = (page: Page) =>
  page.evaluate(() => document.scrollingElement!.scrollWidth <= window.innerWidth);
