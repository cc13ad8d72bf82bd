import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { RealtimeClient, type RealtimeChannel as RealtimeJsChannel } from '@supabase/realtime-js';
import WebSocket from 'ws';
import { RealtimeChannel } from '../../examples/supabase-realtime/realtime.channel.js';
import { RealtimeSerializer } from '../../examples/supabase-realtime/realtime.serializer.js';
import { useTestApp } from '../support/app-scope.js';
import { eventually } from '../support/phoenix-client.js';

// @supabase/realtime-js on its default settings (serializer 2.0.0 with Supabase's binary
// broadcast frames) against the documented example: docs/serializers.md's RealtimeSerializer and
// RealtimeChannel, the files of examples/supabase-realtime.

type ChannelConfig = { broadcast?: { self?: boolean; ack?: boolean }; presence?: { key?: string; enabled?: boolean } };
interface Received {
  event: string;
  payload: unknown;
}

/** The phoenix Socket inside a RealtimeClient. */
function phoenixSocketOf(client: RealtimeClient): { conn: WebSocket; disconnect(): void } {
  return (client as unknown as { socketAdapter: { socket: { conn: WebSocket; disconnect(): void } } }).socketAdapter.socket;
}

const clients: RealtimeClient[] = [];
afterEach(() => {
  // RealtimeClient.disconnect() leaves a 10 s timer behind (its adapter never clears it), which
  // would hold jest open; its phoenix Socket's disconnect is what it calls, without that timer.
  // The same for the disconnect it schedules once a client has no channels left.
  for (const client of clients.splice(0)) {
    phoenixSocketOf(client).disconnect();
    (client as unknown as { _cancelPendingDisconnect(): void })._cancelPendingDisconnect();
  }
});

function connectClient(socketUrl: string): RealtimeClient {
  const client = new RealtimeClient(socketUrl, {
    params: { apikey: 'test-key' },
    transport: WebSocket as never,
    // Reconnect soon after a dropped socket, so that the reconnect test waits little.
    reconnectAfterMs: () => 100,
  });
  clients.push(client);
  return client;
}

/** A realtime-js channel on `realtime:<room>`, subscribed, recording its broadcasts. */
async function subscribed(client: RealtimeClient, room: string, config: ChannelConfig = {}) {
  const channel = client.channel(room, { config });
  const received: Received[] = [];
  channel.on('broadcast', { event: '*' }, (message: { event: string; payload: unknown }) => received.push({ event: message.event, payload: message.payload }));
  const syncs: number[] = [];
  if (config.presence?.enabled) channel.on('presence', { event: 'sync' }, () => syncs.push(Date.now()));
  await new Promise<void>((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status !== 'CLOSED') reject(new Error(`${status}: ${String(error)}`));
    });
  });
  return { channel, received, syncs };
}

function presenceOf(channel: RealtimeJsChannel): Record<string, unknown[]> {
  return channel.presenceState() as Record<string, unknown[]>;
}

describe('@supabase/realtime-js on its defaults, with RealtimeSerializer', () => {
  const serializer = new RealtimeSerializer();
  const app = useTestApp(() => ({
    providers: [RealtimeChannel],
    channels: { serializers: ['1.0.0', serializer] },
  }));
  const url = () => app.current.socketUrl;

  test('a broadcast to several subscribers is encoded once by the serializer, for all of them', async () => {
    const room = `room-${Date.now()}-once`;
    const ann = await subscribed(connectClient(url()), room, { broadcast: { ack: true } });
    const others: Array<{ received: Received[] }> = [];
    for (let i = 0; i < 3; i++) others.push(await subscribed(connectClient(url()), room));
    const encode = jest.spyOn(serializer, 'encodeMessage');
    try {
      const bytes = new Uint8Array([1, 2, 3]);
      expect(await ann.channel.send({ type: 'broadcast', event: 'blob', payload: bytes.buffer })).toBe('ok');
      await eventually(() => others.every((other) => other.received.length === 1), 'all three get it');
      expect(encode.mock.calls.filter(([message]) => message.event === 'blob')).toHaveLength(1);
    } finally {
      encode.mockRestore();
    }
  });

  test('broadcast with self and ack: the sender gets ok and its own message, the others get it', async () => {
    const room = `room-${Date.now()}-self`;
    const ann = await subscribed(connectClient(url()), room, { broadcast: { self: true, ack: true } });
    const bob = await subscribed(connectClient(url()), room);
    expect(await ann.channel.send({ type: 'broadcast', event: 'msg', payload: { text: 'hi' } })).toBe('ok');
    await eventually(() => ann.received.length === 1 && bob.received.length === 1, 'both get the broadcast');
    expect(ann.received).toEqual([{ event: 'msg', payload: { text: 'hi' } }]);
    expect(bob.received).toEqual([{ event: 'msg', payload: { text: 'hi' } }]);
  });

  test('broadcast without self: the others get it, the sender does not', async () => {
    const room = `room-${Date.now()}-noself`;
    const ann = await subscribed(connectClient(url()), room, { broadcast: { ack: true } });
    const bob = await subscribed(connectClient(url()), room);
    expect(await ann.channel.send({ type: 'broadcast', event: 'msg', payload: { n: 1 } })).toBe('ok');
    expect(await ann.channel.send({ type: 'broadcast', event: 'msg', payload: { n: 2 } })).toBe('ok');
    await eventually(() => bob.received.length === 2, 'bob gets both');
    expect(bob.received.map((each) => each.payload)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(ann.received).toEqual([]);
  });

  test('a binary payload arrives as the same bytes, in a user broadcast frame', async () => {
    const room = `room-${Date.now()}-binary`;
    const ann = await subscribed(connectClient(url()), room, { broadcast: { self: true, ack: true } });
    const bob = await subscribed(connectClient(url()), room);
    const bytes = new Uint8Array([0, 1, 2, 250, 255, 10, 0]);
    expect(await ann.channel.send({ type: 'broadcast', event: 'blob', payload: bytes.buffer })).toBe('ok');
    await eventually(() => bob.received.length === 1 && ann.received.length === 1, 'both get the bytes');
    for (const { received } of [ann, bob]) {
      expect(received[0].event).toBe('blob');
      expect(received[0].payload).toBeInstanceOf(ArrayBuffer);
      expect([...new Uint8Array(received[0].payload as ArrayBuffer)]).toEqual([...bytes]);
    }
  });

  test('presence: track shows the user to others, track again updates it, untrack removes it', async () => {
    const room = `room-${Date.now()}-presence`;
    const ann = await subscribed(connectClient(url()), room, { presence: { key: 'ann', enabled: true } });
    const bob = await subscribed(connectClient(url()), room, { presence: { key: 'bob', enabled: true } });
    expect(await ann.channel.track({ status: 'online' })).toBe('ok');
    expect(await bob.channel.track({ status: 'online' })).toBe('ok');
    await eventually(() => Object.keys(presenceOf(bob.channel)).sort().join() === 'ann,bob', 'bob sees both');
    await eventually(() => Object.keys(presenceOf(ann.channel)).sort().join() === 'ann,bob', 'ann sees both');
    expect(presenceOf(bob.channel).ann).toEqual([{ status: 'online', presence_ref: expect.any(String) }]);

    expect(await ann.channel.track({ status: 'away' })).toBe('ok');
    await eventually(() => (presenceOf(bob.channel).ann?.[0] as { status?: string })?.status === 'away', 'bob sees ann away');
    expect(presenceOf(bob.channel).ann).toHaveLength(1);

    expect(await ann.channel.untrack()).toBe('ok');
    await eventually(() => Object.keys(presenceOf(bob.channel)).join() === 'bob', 'ann left');
    expect(bob.syncs.length).toBeGreaterThanOrEqual(3);
  });

  test('unsubscribe leaves: no more broadcasts, and its presence leaves', async () => {
    const room = `room-${Date.now()}-leave`;
    const ann = await subscribed(connectClient(url()), room, { presence: { key: 'ann', enabled: true } });
    const bob = await subscribed(connectClient(url()), room, { broadcast: { ack: true }, presence: { key: 'bob', enabled: true } });
    await ann.channel.track({});
    await eventually(() => presenceOf(bob.channel).ann !== undefined, 'bob sees ann');
    expect(await ann.channel.unsubscribe()).toBe('ok');
    await eventually(() => presenceOf(bob.channel).ann === undefined, 'ann left the presence');
    expect(await bob.channel.send({ type: 'broadcast', event: 'msg', payload: { after: 'leave' } })).toBe('ok');
    const carol = await subscribed(connectClient(url()), room);
    expect(await bob.channel.send({ type: 'broadcast', event: 'msg', payload: { to: 'carol' } })).toBe('ok');
    await eventually(() => carol.received.length === 1, 'a later subscriber gets the next one');
    expect(ann.received).toEqual([]);
  });

  test('reconnect: a dropped socket reconnects, rejoins, and broadcasts flow again', async () => {
    const room = `room-${Date.now()}-reconnect`;
    const annClient = connectClient(url());
    const ann = await subscribed(annClient, room, { broadcast: { ack: true } });
    const bob = await subscribed(connectClient(url()), room);
    const connection = phoenixSocketOf(annClient).conn;
    connection.terminate();
    await eventually(() => annClient.isConnected() && phoenixSocketOf(annClient).conn !== connection, 'ann reconnects', 10_000);
    await eventually(() => ann.channel.state === 'joined', 'ann rejoins', 10_000);
    expect(await ann.channel.send({ type: 'broadcast', event: 'msg', payload: { back: true } })).toBe('ok');
    await eventually(() => bob.received.length === 1, 'bob hears ann again');
    expect(bob.received).toEqual([{ event: 'msg', payload: { back: true } }]);
  }, 20_000);
});

describe('@supabase/realtime-js on its defaults, without RealtimeSerializer', () => {
  const app = useTestApp(() => ({ providers: [RealtimeChannel] }));

  test('its broadcast frame is not lost silently: the server warns what was wrong', async () => {
    const warnings: string[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    try {
      const ann = await subscribed(connectClient(app.current.socketUrl), `room-${Date.now()}`);
      await ann.channel.send({ type: 'broadcast', event: 'msg', payload: { text: 'hi' } });
      await eventually(() => warnings.some((line) => line.includes('malformed frame')), 'the warning');
      expect(warnings.find((line) => line.includes('malformed frame'))).toMatch(/serializer 2\.0\.0\) sent a malformed frame: binary frame kind 3 cannot come from a client/);
    } finally {
      jest.restoreAllMocks();
    }
  });
});
