import { mkdirSync } from 'node:fs';
import { ChannelsDashboardModule, type DashboardNode } from '../../lib/index.js';
import { startNodes, type AppNode } from '../fixtures/nodes/node-process.js';
import { describeWhen, REDIS_URL, redisAnswers, uniquePrefix } from '../fixtures/nodes/redis.js';
import { ClientScope } from '../support/client-scope.js';
import { join, nextEvent, push } from '../support/phoenix-client.js';
import { describeWithChromium, launchChromium } from '../../sample/test/support/chromium.js';
import { LET_IN } from './dashboard.guard.js';

/** Issue 20, part 5: the live dashboard, on two app processes on Redis. */

const DASHBOARD_TOPIC = 'phx_dashboard';

/** The grant embedded in `node`'s dashboard page (served only through the guard). */
async function pageGrant(node: AppNode): Promise<string> {
  const html = await (await fetch(`http://127.0.0.1:${node.port}/channels/dashboard`, { headers: LET_IN })).text();
  const grant = /"grant":"([^"]+)"/.exec(html)?.[1];
  if (!grant) throw new Error(`no grant in the page of ${node.name}`);
  return grant;
}

test('without a guard, forRoot refuses at boot', () => {
  expect(() => ChannelsDashboardModule.forRoot({} as never)).toThrow(/needs a guard/);
});

test('a secret shorter than 32 characters is refused at boot', () => {
  const guard = class {} as never;
  expect(() => ChannelsDashboardModule.forRoot({ guard, secret: 'short' })).toThrow(/secret must be a string of at least 32/);
  expect(() => ChannelsDashboardModule.forRoot({ guard, secret: 'x'.repeat(32) })).not.toThrow();
});

const describeRedis = describeWhen(await redisAnswers(REDIS_URL), `Redis is not reachable at ${REDIS_URL}`);

async function dashboardData(node: AppNode, headers: Record<string, string> = LET_IN): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${node.port}/channels/dashboard/data`, { headers });
  return { status: response.status, body: response.status === 200 ? await response.json() : null };
}

/** Asks `node`'s dashboard until `done` holds for its nodes; resolves with them. */
async function dashboardUntil(node: AppNode, done: (nodes: DashboardNode[]) => boolean, what: string): Promise<DashboardNode[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { body } = await dashboardData(node);
    if (done(body.nodes)) return body.nodes;
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}; last: ${JSON.stringify(body.nodes.map((entry: DashboardNode) => entry.latest))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeRedis('two nodes', () => {
  let nodes: AppNode[];
  let scopes: ClientScope[];

  beforeAll(async () => {
    nodes = await startNodes(['node-a', 'node-b'], { REDIS_URL, CHANNELS_PREFIX: uniquePrefix('dashboard'), DASHBOARD: '1' });
    scopes = nodes.map((node) => new ClientScope(() => node.socketUrl, {}));
    // Some traffic on each node: a socket, two joined channels, messages.
    for (const [index, scope] of scopes.entries()) {
      const socket = await scope.connected({ params: { user: `user-${index}` } });
      const lobby = await scope.joined(socket, 'room:lobby');
      await scope.joined(socket, `room:only-${index}`);
      for (let n = 0; n < 3; n++) await push(lobby, 'shout', { n });
    }
  }, 30_000);

  afterAll(async () => {
    for (const scope of scopes ?? []) await scope.disconnectAll();
    await Promise.all((nodes ?? []).map((node) => node.stop()));
  });

  test("each node's dashboard shows both: sockets, channels by pattern, busiest topics, rates, PubSub link and counters", async () => {
    const seen = await dashboardUntil(
      nodes[0]!,
      (listed) => listed.length === 2 && listed.every((node) => node.latest.channels['room:*'] === 2 && node.latest.pubsub.received > 0),
      'node a lists both nodes with their channels, each having heard the other',
    );
    expect(seen.map(({ latest }) => latest.node)).toEqual(['node-a', 'node-b']);
    for (const { latest, rates } of seen) {
      expect(latest.sockets).toEqual({ websocket: 1 });
      // Open dashboard pages count too, as `phx_dashboard`: the page is a channel like any other.
      expect(latest.channels).toMatchObject({ 'room:*': 2 });
      expect(latest.pubsub).toMatchObject({ state: 'up' });
      expect(latest.pubsub.published).toBeGreaterThanOrEqual(3);
      // At least the other node's dashboard snapshots (which travel on PubSub too).
      expect(latest.pubsub.received).toBeGreaterThanOrEqual(1);
      expect(latest.presences).toBe(0);
      expect(latest.busiestTopics.map((entry) => entry.topic)).toContain('room:lobby');
      expect(rates.length).toBeGreaterThan(0);
    }
    const fromB = await dashboardUntil(nodes[1]!, (listed) => listed.length === 2, 'node b lists both nodes');
    expect(fromB.map(({ latest }) => latest.node)).toEqual(['node-a', 'node-b']);
  });

  test('refused without the guard: the page and its data answer 403; the phoenix client it loads is public', async () => {
    expect((await dashboardData(nodes[0]!, {})).status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${nodes[0]!.port}/channels/dashboard`)).status).toBe(403);
    const client = await fetch(`http://127.0.0.1:${nodes[0]!.port}/channels/dashboard/phoenix.mjs`);
    expect(client.status).toBe(200);
    expect(client.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await client.text()).toMatch(/export \{[^}]*\bSocket\b/);
  });

  test('a plain phoenix client cannot join the dashboard topic without a grant from the guarded page', async () => {
    const socket = await scopes[0]!.connected({ params: { user: 'intruder' } });
    const attempt = async (topic: string, params: Record<string, unknown>) => {
      const channel = socket.channel(topic, params);
      const reply = await join(channel);
      channel.leave(); // a refused channel would otherwise rejoin, again and again
      return reply;
    };
    const refused = (grant: string) => ({ status: 'error', response: { reason: 'unauthorized', grant } });
    expect(await attempt(DASHBOARD_TOPIC, {})).toEqual(refused('missing'));
    expect(await attempt(DASHBOARD_TOPIC, { grant: 'abc.def' })).toEqual(refused('invalid'));
    // Node b's key is its own (no shared secret given): its grants are nothing on node a.
    expect(await attempt(DASHBOARD_TOPIC, { grant: await pageGrant(nodes[1]!) })).toEqual(refused('invalid'));
    // The other reserved topics stay closed whatever the payload.
    expect(await attempt('phx:dashboard', { grant: await pageGrant(nodes[0]!) })).toEqual({ status: 'error', response: { reason: 'unmatched topic' } });
    // With the grant of node a's own page, the join succeeds and the view follows.
    const channel = socket.channel(DASHBOARD_TOPIC, { grant: await pageGrant(nodes[0]!) });
    const view = nextEvent<{ nodes: DashboardNode[] }>(channel, 'view');
    expect(await join(channel)).toEqual({ status: 'ok', response: {} });
    expect((await view).nodes.map(({ latest }) => latest.node)).toEqual(['node-a', 'node-b']);
    socket.disconnect();
  });

  test('a disconnect shows with its reason, on every node\'s dashboard', async () => {
    const socket = await scopes[0]!.connected({ params: { user: 'leaving' } });
    socket.disconnect();
    const aHasIt = (entries: DashboardNode[]) =>
      entries.some((entry) => entry.latest.node === 'node-a' && entry.latest.recentDisconnects.some(({ reason }) => reason === 'client'));
    await dashboardUntil(nodes[1]!, aHasIt, "node b's dashboard lists node a's disconnect");
  });

  describeWithChromium('in chromium', () => {
    test('the page loads the phoenix client from the app, joins the dashboard topic and draws both nodes from its pushes, with no polling', async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ extraHTTPHeaders: LET_IN, viewport: { width: 1000, height: 760 } });
        const base = `http://127.0.0.1:${nodes[0]!.port}`;
        const requests: string[] = [];
        const sockets: string[] = [];
        page.on('request', (request) => requests.push(request.url()));
        page.on('websocket', (socket) => sockets.push(socket.url()));
        await page.goto(`${base}/channels/dashboard`);
        await page.waitForFunction(() => document.querySelectorAll('section.node svg polyline').length === 4, undefined, { timeout: 10_000 });
        const names = await page.$$eval('section.node', (sections) => sections.map((section) => section.getAttribute('data-node')));
        expect(names).toEqual(['node-a', 'node-b']);
        const text = await page.textContent('body');
        expect(text).toContain('room:*');
        expect(text).toContain('phx_dashboard');
        // The pushes keep coming (every 200 ms here): the charts grow without a request.
        const samples = () => page.$eval('section.node[data-node="node-a"] .legend', (legend) => Number(/last (\d+) samples/.exec(legend.textContent ?? '')?.[1]));
        const before = await samples();
        await page.waitForFunction(
          (count) => Number(/last (\d+) samples/.exec(document.querySelector('section.node[data-node="node-a"] .legend')?.textContent ?? '')?.[1]) > count + 3,
          before,
          { timeout: 10_000 },
        );
        // The page, then the phoenix client served by the app; nothing else (no CDN, no polling).
        expect(requests).toEqual([`${base}/channels/dashboard`, `${base}/channels/dashboard/phoenix.mjs`]);
        expect(sockets).toEqual([expect.stringMatching(new RegExp(`^ws://127\\.0\\.0\\.1:${nodes[0]!.port}/socket/websocket\\?`))]);
        mkdirSync('test-results', { recursive: true });
        await page.screenshot({ path: 'test-results/dashboard.png', fullPage: true });
        if (process.env.UPDATE_SCREENSHOT === '1') await page.screenshot({ path: 'docs/dashboard.png', fullPage: true });
      } finally {
        await browser.close();
      }
    }, 30_000);

    test('without the guard, the browser gets 403 and no socket', async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const sockets: string[] = [];
        page.on('websocket', (socket) => sockets.push(socket.url()));
        const response = await page.goto(`http://127.0.0.1:${nodes[0]!.port}/channels/dashboard`);
        expect(response?.status()).toBe(403);
        expect(sockets).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 30_000);
  });
});
