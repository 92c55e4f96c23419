import { startTestGateway, type TestGateway } from './support/harness.js';
import { launchChromium } from './console/browser.js';
import { itWith } from './support/requirements.js';

/** Issue 19.6: security headers on every HTTP response, /docs and errors included. */
describe('security: response headers on every path', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.stop());

  it.each([
    ['/docs', 200],
    ['/docs-json', 200],
    ['/health', 200],
    ['/api/v1/organization/devices', 401],
    ['/no/such/route', 404],
  ])('%s (%i) cannot be framed or sniffed', async (path, status) => {
    const res = await gw.http().get(path);
    expect(res.status).toBe(status);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it("keeps the console's own stricter policy and Bold's own headers", async () => {
    const console = await gw.http().get('/console/');
    expect(console.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(console.headers['x-frame-options']).toBe('DENY');
    const bold = await gw.http().get('/v2/webhooks');
    expect(bold.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(bold.headers['access-control-allow-origin']).toBe('*');
  });

  itWith(['chromium'], '/docs still renders under its policy in a real browser', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(`http://127.0.0.1:${gw.httpPort}/docs`);
      await page.waitForSelector('.opblock', { timeout: 15_000 });
      expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
