// Debian's Chromium for tests and tools that drive a real page (`npm test` installs the package).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium that reaches nothing beyond loopback; says in one line when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(`no Chromium at ${chromiumPath}: npm test installs Debian's chromium package (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // no network beyond loopback here: keep Chromium from reaching out (playwright makes a fresh profile)
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
