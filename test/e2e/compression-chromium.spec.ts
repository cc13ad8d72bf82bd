import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { Controller, Get, Header } from '@nestjs/common';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { describeWithChromium, launchChromium } from '../../sample/test/support/chromium.js';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { useTestApp } from '../support/app-scope.js';
import { SERIALIZER_VERSIONS } from '../support/matrix.js';

// Debian's chromium against a server with compression on: what it offers by default is accepted,
// and the official phoenix client in the page works on both serializers, with what is worth
// compressing crossing the wire compressed.

// The client's browser build (priv/static/phoenix.js, a script that defines `Phoenix`).
const PHOENIX_JS = join(dirname(createRequire(import.meta.url).resolve('phoenix')), 'phoenix.js');

/** A page of the app's own origin: phoenix.js needs sessionStorage, which about:blank denies. */
@Controller()
class BlankPageController {
  @Get('blank')
  @Header('content-type', 'text/html')
  blank(): string {
    return '<!doctype html><title>blank</title>';
  }
}

interface PageOutcome {
  broadcast: unknown;
  reply: unknown;
}

describeWithChromium('compression with chromium', () => {
  const app = useTestApp(() => ({ ...conformanceApp('express', { compression: true }), controllers: [BlankPageController] }));
  let browser: Browser;
  let page: Page;
  let devtools: CDPSession;
  /** What Chromium offered (from its DevTools protocol), and the server's TCP sockets. */
  const offers: Array<string | undefined> = [];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    app.current.app.getHttpServer().on('connection', (socket: Socket) => sockets.push(socket));
  }, 60_000);
  beforeEach(async () => {
    page = await browser.newPage();
    devtools = await page.context().newCDPSession(page);
    await devtools.send('Network.enable');
    devtools.on('Network.webSocketWillSendHandshakeRequest', (event) => offers.push(event.request.headers['Sec-WebSocket-Extensions']));
    await page.goto(`http://127.0.0.1:${app.current.port}/blank`);
    await page.addScriptTag({ path: PHOENIX_JS });
  });
  afterEach(() => page.close());
  afterAll(() => browser?.close());

  const bytesWritten = () => sockets.reduce((sum, socket) => sum + socket.bytesWritten, 0);

  test("Chromium's default offer is accepted with server_no_context_takeover", async () => {
    const url = `${app.current.socketUrl}/websocket?vsn=2.0.0`;
    const extensions = await page.evaluate(
      (url) =>
        new Promise<string>((resolve, reject) => {
          const ws = new WebSocket(url);
          ws.onopen = () => {
            resolve(ws.extensions);
            ws.close();
          };
          ws.onerror = () => reject(new Error('the WebSocket failed'));
        }),
      url,
    );
    expect(offers.at(-1)).toBe('permessage-deflate; client_max_window_bits');
    expect(extensions).toBe('permessage-deflate; server_no_context_takeover; client_no_context_takeover');
  });

  test.each(SERIALIZER_VERSIONS)('the phoenix client in the page works on serializer %s, compressed', async (vsn) => {
    const body = 'the quick fox says hello to the lobby. '.repeat(60);
    const before = bytesWritten();
    const outcome = await page.evaluate(
      ({ url, vsn, body }) =>
        new Promise<PageOutcome>((resolve, reject) => {
          const Phoenix = (window as unknown as { Phoenix: any }).Phoenix;
          const v1 = {
            encode: (msg: unknown, callback: (encoded: string) => void) => callback(JSON.stringify(msg)),
            decode: (raw: string, callback: (decoded: unknown) => void) => callback(JSON.parse(raw)),
          };
          const socket = new Phoenix.Socket(url, { vsn, ...(vsn === '1.0.0' ? v1 : {}) });
          socket.onError(() => reject(new Error('socket error')));
          socket.connect();
          const channel = socket.channel(`room:chromium-${vsn}`, {});
          const outcome: Partial<PageOutcome> = {};
          const done = () => {
            if (!('broadcast' in outcome && 'reply' in outcome)) return;
            socket.disconnect();
            resolve(outcome as PageOutcome);
          };
          channel.on('shout', (payload: unknown) => {
            outcome.broadcast = payload;
            done();
          });
          channel
            .join()
            .receive('ok', () => {
              channel.push('shout', { body });
              channel.push('echo', { body: body + body }).receive('ok', (response: unknown) => {
                outcome.reply = response;
                done();
              });
            })
            .receive('error', (reply: unknown) => reject(new Error(`join refused: ${JSON.stringify(reply)}`)));
        }),
      { url: app.current.socketUrl, vsn, body },
    );
    expect(outcome).toEqual({ broadcast: { body }, reply: { body: body + body } });
    // 2,340 + 4,680 characters of payload, plus join and shout replies, compressed.
    expect(bytesWritten() - before).toBeLessThan(1500);
  });
});
