// A shopper's browser on the storefront: the page's real-user telemetry (web vitals, an error)
// is what the Frontend board reads. Debian's Chromium, driven by playwright-core.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Opens the storefront, waits for its products, throws an error on the page, and closes it. */
export async function browseStorefront(gateway: string): Promise<void> {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: npm test installs Debian's chromium package (or set CHROMIUM_PATH)`);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // nothing beyond loopback: keep Chromium from reaching out
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(gateway);
    await page.locator('#product-list li').first().waitFor({ timeout: 30_000 });
    const errorSent = page.waitForRequest((request) => request.url().endsWith('/v1/logs') && (request.postData() ?? '').includes('dashboards live check'), { timeout: 20_000 });
    await page.evaluate(() => setTimeout(() => { throw new Error('dashboards live check: an error on the page'); }));
    await errorSent;
    // hiding the page makes Faro report the vitals it holds back until then (LCP, CLS)
    await page.close({ runBeforeUnload: true });
  } finally {
    await browser.close();
  }
}
