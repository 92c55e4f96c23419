import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where `vite build` puts the console: dist/console-ui at the project root. This file runs from src/console
 * (tests, ts-jest) or dist/console (npm start); two levels up is the root in both.
 */
export const CONSOLE_ASSETS_DIR = fileURLToPath(new URL('../../dist/console-ui/', import.meta.url));

export const consoleBuilt = (): boolean => existsSync(`${CONSOLE_ASSETS_DIR}index.html`);

/**
 * Strict policy for everything under /console: only this origin's scripts, styles and connections, no inline
 * script or style, no plugins, no framing, no <base> rewriting.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_HEADERS = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};
