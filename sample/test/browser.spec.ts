import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { join, push } from '../../test/support/phoenix-client.js';
import { describeWithChromium, launchChromium } from './support/chromium.js';
import { NetworkCut } from './support/network-cut.js';
import { SampleClients, signIn, startSampleApp, type SampleApp } from './support/sample-app.js';

// The chat page in a real browser: two users sign in, chat and see each other online; a page
// whose network drops gets the messages it missed once back.

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
  const clients = new SampleClients(() => server.socketUrl);

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSampleApp(), launchChromium()]);
  }, 60_000);
  afterEach(() => clients.disconnectAll());
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A page of its own (own session storage) signed in as `user` in `room`, its socket online. */
  async function signedIn(user: string, { baseUrl = server.baseUrl, room = 'lobby' } = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1100, height: 620 },
      colorScheme: 'light',
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('pageerror', (error) => pageErrors.push(`${user}: ${error.message}`));
    await page.goto(`${baseUrl}/#${room}`);
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

  test('a page whose network drops shows the messages it missed once back, once each, in order', async () => {
    const network = await NetworkCut.start(server.baseUrl);
    try {
      const ann = await signedIn('ann', { baseUrl: network.baseUrl, room: 'recovery' });
      const shown = () => ann.locator('#messages .message .body').allTextContents();
      const bob = (await clients.connected(await signIn(server.baseUrl, 'bob'))).channel('room:recovery');
      await join(bob);
      await push(bob, 'new_msg', { body: 'before the drop' });
      await ann.locator('.message .body', { hasText: 'before the drop' }).waitFor();

      network.cut();
      await ann.waitForSelector('#status[data-state="reconnecting"]');
      // More than the 50 a join reply holds: only recovery can bring back all of them.
      const missed = Array.from({ length: 55 }, (_, i) => `missed ${i + 1}`);
      for (const body of missed) await push(bob, 'new_msg', { body });
      network.restore();

      await ann.waitForSelector('#status[data-state="online"]');
      await ann.waitForSelector('#messages[data-recovered="true"]');
      await push(bob, 'new_msg', { body: 'after' });
      await ann.locator('.message .body', { hasText: 'after' }).waitFor();
      expect(await shown()).toEqual(['before the drop', ...missed, 'after']);
      expect(pageErrors).toEqual([]);
      await ann.context().close();
    } finally {
      await network.close();
    }
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
