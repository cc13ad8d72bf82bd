import { Channel, Join } from '../../lib/index.js';
import { PresenceJournal, PresenceRoomChannel } from '../presence/support/presence-room.channel.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { PubSubLink } from '../support/linked-pubsub.js';
import { RawSocket } from '../support/raw-socket.js';
import { startTestApp, type TestAppOptions } from '../support/test-app.js';

// An app that uses Presence or shares its PubSub needs app.enableShutdownHooks() to stop
// gracefully; without it, the library says so once, when the first real client is served.

const WARNING = 'nothing handles SIGTERM: call app.enableShutdownHooks() in main.ts';

/** A channel that does not use Presence. */
@Channel('plain:*')
class PlainChannel {
  @Join()
  join(): Record<string, never> {
    return {};
  }
}

/** Two clients join `topic` (`presence:*` tracks them in Presence); the warnings the app logged. */
async function warningsOf(options: TestAppOptions, topic: string): Promise<string[]> {
  const logger = new CapturedLogger();
  const server = await startTestApp({ providers: [PresenceRoomChannel, PresenceJournal, PlainChannel], logger, ...options });
  try {
    for (const user of ['ann', 'bob']) {
      const socket = await RawSocket.open(server.socketUrl);
      socket.send(['1', '1', topic, 'phx_join', { user }]);
      expect((await socket.reply('1'))[4]).toEqual({ status: 'ok', response: {} });
      socket.close();
    }
    return logger.of('warn', 'Channels').map((entry) => entry.message).filter((message) => message.includes(WARNING));
  } finally {
    await server.close();
  }
}

test('no SIGTERM handler and Presence in use: warned once', async () => {
  expect(process.listenerCount('SIGTERM')).toBe(0);
  const warnings = await warningsOf({}, 'presence:lonely');
  expect(warnings).toEqual([expect.stringMatching(/^Presence is used, but nothing handles SIGTERM/)]);
});

test('no SIGTERM handler and a shared PubSub: warned once, even without Presence', async () => {
  const warnings = await warningsOf({ channels: { pubsub: new PubSubLink().adapter('a') } }, 'plain:topic');
  expect(warnings).toEqual([expect.stringMatching(/^This node shares its PubSub with other nodes, but nothing handles SIGTERM/)]);
});

test('with app.enableShutdownHooks(): no warning', async () => {
  const warnings = await warningsOf({ configure: (app) => void app.enableShutdownHooks() }, 'presence:hooked');
  expect(warnings).toEqual([]);
});

test('an app on one node that does not use Presence: no warning', async () => {
  expect(await warningsOf({}, 'plain:topic')).toEqual([]);
});
