// A shopper's browser on the storefront: the page's real-user telemetry (web vitals, an error)
// is what the Frontend board reads.
import { launchChromium } from '@shopscope/testkit';

/** Opens the storefront, waits for its products, throws an error on the page, and closes it. */
export async function browseStorefront(gateway: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(gateway);
    await page.locator('#product-list li').first().waitFor({ timeout: 30_000 });
    const errorSent = page.waitForRequest(
      (request) => request.url().endsWith('/v1/logs') && (request.postData() ?? '').includes('dashboards live check'),
      { timeout: 20_000 },
    );
    await page.evaluate(() =>
      setTimeout(() => {
        throw new Error('dashboards live check: an error on the page');
      }),
    );
    await errorSent;
    // hiding the page makes Faro report the vitals it holds back until then (LCP, CLS)
    await page.close({ runBeforeUnload: true });
  } finally {
    await browser.close();
  }
}
