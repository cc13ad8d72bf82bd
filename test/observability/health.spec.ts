import { TerminusModule } from '@nestjs/terminus';
import { ChannelsEvents, ChannelsHealthIndicator, PRESENCE_OPTIONS, RedisPubSubAdapter } from '../../lib/index.js';
import { PresenceJournal, PresenceRoomChannel } from '../presence/support/presence-room.channel.js';
import { PubSubLink } from '../support/linked-pubsub.js';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { describeWhen, OwnRedisServer, redisServerInstalled, uniquePrefix } from '../fixtures/nodes/redis.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { ClientScope } from '../support/client-scope.js';
import { eventually, join } from '../support/phoenix-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { EventSubscriptions } from '../../lib/observability/event-subscriptions.js';
import { HealthController } from './health.controller.js';

/** Issue 20, part 4: the terminus health indicator. */

function startApp(channels = {}): Promise<TestApp> {
  const options = conformanceApp('express', channels, { logger: new CapturedLogger() });
  return startTestApp({ ...options, imports: [TerminusModule.forRoot({ logger: false })], controllers: [HealthController] });
}

async function health(app: TestApp, path = '/health'): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${app.port}${path}`);
  return { status: response.status, body: await response.json() };
}

describe('on a single node (in-memory PubSub)', () => {
  test('up, with the connections and an in-memory link', async () => {
    const app = await startApp();
    const clients = new ClientScope(() => app.socketUrl, {});
    try {
      await clients.connected({ params: { user: 'ann' } });
      expect(await health(app)).toEqual({
        status: 200,
        body: expect.objectContaining({
          status: 'ok',
          details: { channels: { status: 'up', connections: 1, draining: false, pubsub: { state: 'up', target: 'in-memory' }, presencePeers: [] } },
        }),
      });
    } finally {
      await clients.disconnectAll();
      await app.close();
    }
  });

  test('down while the node drains its connections at shutdown', async () => {
    const app = await startApp();
    const clients = new ClientScope(() => app.socketUrl, { reconnectAfterMs: () => 60_000 });
    const indicator = app.app.get(ChannelsHealthIndicator);
    const seen: unknown[] = [];
    const subscriptions = new EventSubscriptions().onTrace(ChannelsEvents.drain, { start: () => seen.push(indicator.check('channels')) });
    try {
      await clients.connected({ params: { user: 'bob' } });
      expect(indicator.check('channels').channels.status).toBe('up');
      await app.close();
      expect(seen).toEqual([{ channels: expect.objectContaining({ status: 'down', draining: true }) }]);
    } finally {
      subscriptions.close();
      await clients.disconnectAll();
    }
  });
});

describe('on two nodes', () => {
  test('lists the other nodes whose presence tracker this node hears, once the app uses Presence', async () => {
    const link = new PubSubLink();
    const start = (name: string) =>
      startTestApp({
        channels: { pubsub: link.adapter(name) },
        providers: [PresenceRoomChannel, PresenceJournal, { provide: PRESENCE_OPTIONS, useValue: { nodeName: name, broadcastPeriodMs: 100 } }],
        logger: new CapturedLogger(),
      });
    const [a, b] = [await start('node-a'), await start('node-b')];
    const scopes = [a, b].map((app) => new ClientScope(() => app.socketUrl, {}));
    try {
      expect(a.app.get(ChannelsHealthIndicator).check('channels').channels.presencePeers).toEqual([]);
      for (const [index, scope] of scopes.entries()) {
        expect((await join((await scope.connected()).channel('presence:lobby', { user: `user-${index}` }))).status).toBe('ok');
      }
      const peersOf = (app: TestApp) => app.app.get(ChannelsHealthIndicator).check('channels').channels.presencePeers;
      await eventually(() => peersOf(a).length === 1 && peersOf(b).length === 1, 'each node hears the other');
      expect(a.app.get(ChannelsHealthIndicator).check('channels').channels.presencePeers).toEqual(['node-b']);
      expect(b.app.get(ChannelsHealthIndicator).check('channels').channels.presencePeers).toEqual(['node-a']);
    } finally {
      for (const scope of scopes) await scope.disconnectAll();
      await Promise.all([a.close(), b.close()]);
    }
  });
});

const describeOwnRedis = describeWhen(redisServerInstalled(), 'redis-server is not on PATH');

describeOwnRedis('with Redis', () => {
  let server: OwnRedisServer;
  beforeAll(async () => {
    server = await OwnRedisServer.start();
  });
  afterAll(() => server?.stop());

  test('flips to down (503) when Redis stops, with the link details; degraded (200) where the app says so; up again when it is back', async () => {
    const adapter = new RedisPubSubAdapter({ redis: server.url, prefix: uniquePrefix('health') });
    const app = await startApp({ pubsub: adapter });
    const target = `redis://127.0.0.1:${server.port}`;
    try {
      expect(await health(app)).toMatchObject({ status: 200, body: { status: 'ok', details: { channels: { status: 'up', pubsub: { state: 'up', target } } } } });

      await server.stop();
      await eventually(() => adapter.linkStatus.state === 'down', 'the node noticed', 10_000);
      const down = await health(app);
      expect(down).toMatchObject({ status: 503, body: { status: 'error', error: { channels: { status: 'down', draining: false } } } });
      expect(down.body.error.channels.pubsub).toMatchObject({ state: 'down', target, downSince: expect.any(Number) });
      expect(await health(app, '/health/live')).toMatchObject({ status: 200, body: { status: 'degraded', details: { channels: { status: 'degraded' } } } });

      await server.start();
      await eventually(() => adapter.linkStatus.state === 'up', 'the node is back', 10_000);
      expect(await health(app)).toMatchObject({ status: 200, body: { status: 'ok', details: { channels: { status: 'up', pubsub: { state: 'up', target } } } } });
    } finally {
      await app.close();
    }
  });
});
