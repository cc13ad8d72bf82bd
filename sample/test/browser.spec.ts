import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { describeWithChromium, launchChromium } from './support/chromium.js';
import { startSampleApp, type SampleApp } from './support/sample-app.js';

// The chat page in a real browser: two users sign in, chat and see each other online.

// Every run saves its screenshot under the ignored test-results/; UPDATE_SCREENSHOT=1 also
// refreshes the one README shows, so a plain test run leaves the tree clean.
const SCREENSHOT = fileURLToPath(
  new URL(process.env.UPDATE_SCREENSHOT === '1' ? '../../docs/screenshot.png' : '../../test-results/screenshot.png', import.meta.url),
);
const WAIT_MS = 10_000;

describeWithChromium('the chat page in chromium', () => {
  let server: SampleApp;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSampleApp(), launchChromium()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A page of its own (own session storage) signed in as `user`, its socket online. */
  async function signedIn(user: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 620 },
      colorScheme: 'light',
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('pageerror', (error) => pageErrors.push(`${user}: ${error.message}`));
    await page.goto(`${server.baseUrl}/#lobby`);
    await page.fill('#name', user);
    await page.click('#signin-form button[type=submit]');
    await page.waitForSelector('#status[data-state="online"]');
    return page;
  }

  const online = (page: Page, user: string) => page.locator(`#online li[data-user="${user}"]`);

  async function say(page: Page, body: string): Promise<void> {
    await page.fill('#body', body);
    await page.press('#body', 'Enter');
  }

  test('two users chat, see each other online, and a closed page leaves the list', async () => {
    const ann = await signedIn('ann');
    const bob = await signedIn('bob');

    // Each page lists both, from presence_state and presence_diff.
    for (const page of [ann, bob]) {
      await online(page, 'ann').waitFor();
      await online(page, 'bob').waitFor();
    }
    await expectText(ann, '#online-count', '(2)');

    // Typing shows on the other page, then the message reaches both.
    await ann.fill('#body', 'Hi bob! The list on the left comes from Presence.');
    await expectText(bob, '#typing', 'ann is typing…');
    await ann.press('#body', 'Enter');
    const fromAnn = 'Hi bob! The list on the left comes from Presence.';
    await bob.locator('.message .body', { hasText: fromAnn }).waitFor();
    await ann.locator('.message.own .body', { hasText: fromAnn }).waitFor();
    await expectText(bob, '#typing', '');

    // A mention lands in ann's Mentions panel.
    await say(bob, 'Nice, @ann. Close this window and watch me go offline.');
    await ann.locator('#mentions .mention', { hasText: 'bob in #lobby' }).waitFor();
    await say(ann, 'Will do. See you!');
    await bob.locator('.message .body', { hasText: 'Will do' }).waitFor();

    await ann.screenshot({ path: SCREENSHOT });

    await bob.context().close();
    await online(ann, 'bob').waitFor({ state: 'detached' });
    await online(ann, 'ann').waitFor();
    await expectText(ann, '#online-count', '(1)');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});

/** Waits until the element's text is `text`, and fails with what it was otherwise. */
async function expectText(page: Page, selector: string, text: string): Promise<void> {
  try {
    await page.waitForFunction(
      ([selector, text]) => document.querySelector(selector)?.textContent === text,
      [selector, text] as const,
      { timeout: WAIT_MS },
    );
  } catch {
    const actual = await page.locator(selector).textContent();
    throw new Error(`expected ${selector} to read ${JSON.stringify(text)}, found ${JSON.stringify(actual)}`);
  }
}
