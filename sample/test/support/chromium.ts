import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package: the browser tests never download one of their own. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

/**
 * `describe` when chromium is installed; otherwise a block that fails under CI=true (`.ci/run`
 * installs it, so a CI without it is broken) and is skipped, loudly, elsewhere.
 */
export function describeWithChromium(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      test('needs chromium', () => {
        throw new Error(`no chromium at ${CHROMIUM_PATH} (CI=true: the browser test must run; apt-get install chromium)`);
      });
    });
  } else {
    console.warn(`\n!!! No chromium at ${CHROMIUM_PATH}: the browser test is SKIPPED (apt-get install chromium to run it).\n`);
    describe.skip(name, body);
  }
}
