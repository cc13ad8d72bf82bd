import { Announcer } from '../fixtures/announcer.service.js';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { Journal } from '../fixtures/room.channel.js';
import { useTestApp } from '../support/app-scope.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { useClients } from '../support/client-scope.js';
import { BINARY_TARGETS, describeEachTarget, servingBothTransports } from '../support/matrix.js';
import { recordCloses, recordMessages } from '../support/message-log.js';
import { collect, eventually, nextEvent, push } from '../support/phoenix-client.js';

function arrayBuffer(...bytes: number[]): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}

function bytesOf(payload: unknown): number[] {
  expect(payload).toBeInstanceOf(ArrayBuffer);
  return [...new Uint8Array(payload as ArrayBuffer)];
}

// Binary frames exist in serializer 2.0.0 only.
// WebSocket only: the server sends binary frames here, and the phoenix client decodes long-poll
// messages as JSON text only (the long-poll cases follow).
describeEachTarget(
  'binary payloads',
  (target) => {
    const logger = new CapturedLogger();
    const app = useTestApp(() => conformanceApp(target.platform, servingBothTransports(), { logger }));
    const clients = useClients(app, target);

    test('an ArrayBuffer push reaches the handler as a Buffer; its binary reply and push arrive as ArrayBuffers', async () => {
      const channel = await clients.joined(await clients.connected(), 'room:bin');
      const pushed = nextEvent(channel, 'bytes');
      const reply = await push(channel, 'bytes', arrayBuffer(1, 2, 255));
      expect(reply.status).toBe('ok');
      expect(bytesOf(reply.response)).toEqual([...Buffer.from('ack:'), 1, 2, 255]);
      expect(bytesOf(await pushed)).toEqual([255, 2, 1]);
      const received = app.get(Journal).binaryPayloads.at(-1);
      expect(Buffer.isBuffer(received)).toBe(true);
      expect([...(received as Buffer)]).toEqual([1, 2, 255]);
    });

    test('a binary broadcast reaches every client as an ArrayBuffer', async () => {
      const ann = await clients.joined(await clients.connected(), 'room:bin-all', { nick: 'ann' });
      const bob = await clients.joined(await clients.connected(), 'room:bin-all', { nick: 'bob' });
      const arrivals = [ann, bob].map((channel) => nextEvent(channel, 'shout'));
      await push(ann, 'shout', arrayBuffer(9, 8, 7));
      expect((await Promise.all(arrivals)).map(bytesOf)).toEqual([
        [9, 8, 7],
        [9, 8, 7],
      ]);
    });

    test('a Buffer broadcast from a service arrives as an ArrayBuffer', async () => {
      const channel = await clients.joined(await clients.connected(), 'room:bin-service');
      const arrival = nextEvent(channel, 'announcement');
      app.get(Announcer).announce('room:bin-service', Buffer.from('hi'));
      expect(bytesOf(await arrival)).toEqual([...Buffer.from('hi')]);
    });

    test('1.0.0 clients on the topic are skipped by a binary broadcast, logged once, and keep working', async () => {
      const modern = await clients.joined(await clients.connected(), 'room:bin-mixed');
      const legacySocket = await clients.connected({ vsn: '1.0.0' });
      const legacy = await clients.joined(legacySocket, 'room:bin-mixed');
      await clients.joined(await clients.connected({ vsn: '1.0.0' }), 'room:bin-mixed');
      const legacyMessages = recordMessages(legacySocket);
      const arrival = nextEvent(modern, 'shout');
      await push(modern, 'shout', arrayBuffer(1));
      expect(bytesOf(await arrival)).toEqual([1]);
      expect(await push(legacy, 'echo', { text: 'still here' })).toEqual({ status: 'ok', response: { text: 'still here' } });
      expect(legacyMessages.filter((message) => message.event === 'shout')).toEqual([]);
      const warnings = logger.of('warn', 'Channel').map((entry) => entry.message);
      const unencodable = 'Broadcast "shout" on "room:bin-mixed" cannot be encoded for serializer 1.0.0: ';
      expect(warnings.filter((message) => message.startsWith(unencodable))).toHaveLength(1);
    });
  },
  BINARY_TARGETS.filter((target) => target.transport === 'websocket'),
);

// The long-poll client posts an ArrayBuffer base64-encoded; nothing binary can travel back to it.
describeEachTarget(
  'binary payloads from a long-poll client',
  (target) => {
    const logger = new CapturedLogger();
    const app = useTestApp(() => conformanceApp(target.platform, servingBothTransports(), { logger }));
    const clients = useClients(app, target);

    test('an ArrayBuffer push reaches the handler as a Buffer', async () => {
      const channel = await clients.joined(await clients.connected(), 'room:bin-in');
      const journal = app.get(Journal);
      const before = journal.binaryPayloads.length;
      channel.push('bytes', arrayBuffer(0, 1, 2, 250, 255), 200); // its binary reply cannot come back
      await eventually(() => journal.binaryPayloads.length > before, 'the bytes handler to run');
      const received = journal.binaryPayloads.at(-1);
      expect(Buffer.isBuffer(received)).toBe(true);
      expect([...(received as Buffer)]).toEqual([0, 1, 2, 250, 255]);
    });

    test('a binary reply or push for a long-poll client is dropped with a warning, and the channel keeps working', async () => {
      const socket = await clients.connected();
      const closes = recordCloses(socket);
      const channel = await clients.joined(socket, 'room:bin-out');
      const binaryPushes = collect(channel, 'bytes');
      await expect(push(channel, 'bytes', arrayBuffer(7, 8), 300)).rejects.toThrow('no reply to bytes');
      expect(await push(channel, 'echo', { after: 'binary' })).toEqual({ status: 'ok', response: { after: 'binary' } });
      expect(binaryPushes).toEqual([]);
      expect(channel.state).toBe('joined');
      expect(closes).toEqual([]);
      expect(logger.of('warn', 'LongPoll').map((entry) => entry.message)).toContainEqual(
        'Binary frames cannot be delivered over long-poll; dropped',
      );
    });
  },
  BINARY_TARGETS.filter((target) => target.transport === 'longpoll'),
);
