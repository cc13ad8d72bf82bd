import WebSocket from 'ws';
import { ChannelsEvents } from '../../lib/index.js';
import { EventRecorder } from '../observability/event-recorder.js';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { useTestApp } from '../support/app-scope.js';
import { eventually, sleep } from '../support/phoenix-client.js';
import { json, STOMP_PROTOCOLS, useStompClients } from '../support/stomp-client.js';

/** A raw WebSocket speaking STOMP by hand: only for frames the real client cannot send. */
async function rawStomp(url: string): Promise<{ ws: WebSocket; received: string[]; closed: Promise<number> }> {
  const ws = new WebSocket(url, STOMP_PROTOCOLS);
  const received: string[] = [];
  ws.on('message', (data) => received.push(data.toString()));
  const closed = new Promise<number>((resolve) => ws.on('close', resolve));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.send('CONNECT\naccept-version:1.2\nhost:h\nuser:raw\n\n\0');
  await eventually(() => received.some((frame) => frame.startsWith('CONNECTED')), 'CONNECTED');
  return { ws, received, closed };
}

describe('STOMP limits and malformed input', () => {
  const app = useTestApp(() =>
    conformanceApp(
      'express',
      {
        transports: ['stomp'],
        maxChannelsPerSocket: 2,
        maxFrameSize: 4096,
        byteRateLimit: false,
        rateLimit: { messagesPerSecond: 1, burst: 20 },
        stomp: { maxHeaders: 10, maxHeaderBytes: 256 },
      },
      { logger: ['error'] },
    ),
  );
  const url = () => `${app.current.socketUrl}/stomp`;
  const stomp = useStompClients(url);

  test.each([
    ['a bad escape', 'SEND\ndestination:/topic/room:a\nevent:echo\nx:\\t\n\n{}\0', /undefined escape/],
    ['a lying content-length', 'SEND\ndestination:/topic/room:a\nevent:echo\ncontent-length:1\n\n{}\0', /does not end with NUL/],
    ['a negative content-length', 'SEND\ndestination:/topic/room:a\ncontent-length:-5\n\n\0', /not a byte count/],
    ['a huge header', `SEND\nx:${'a'.repeat(300)}\n\n\0`, /longer than 256/],
    ['too many headers', `SEND\n${Array.from({ length: 11 }, (_, i) => `h${i}:v`).join('\n')}\n\n\0`, /at most 10 headers/],
    ['an unknown command', 'FLY\n\n\0', /unknown command/],
    ['a body that is not JSON', 'SEND\ndestination:/topic/room:a\nevent:echo\n\n{nope\0', /malformed frame/],
  ])('%s: ERROR, close; other clients are served on', async (_name, frame, reason) => {
    const bystander = await stomp.connected({ user: 'bystander' });
    await bystander.subscribe('room:bystand');
    const raw = await rawStomp(url());
    raw.ws.send(frame);
    expect(await raw.closed).toBeGreaterThanOrEqual(1000);
    const error = raw.received.find((received) => received.startsWith('ERROR'));
    expect(error).toMatch(reason);
    bystander.send('room:bystand', 'echo', {}, { receipt: 'still' });
    await bystander.receipt('still');
  });

  test('CONNECT with no version in common: ERROR naming the supported versions, then close', async () => {
    const ws = new WebSocket(url(), STOMP_PROTOCOLS);
    const received: string[] = [];
    ws.on('message', (data) => received.push(data.toString()));
    const closed = new Promise<number>((resolve) => ws.on('close', resolve));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('CONNECT\naccept-version:2.0\nhost:h\n\n\0');
    await closed;
    expect(received[0]).toMatch(/^ERROR\nversion:1\.0,1\.1,1\.2\nmessage:supported protocol versions are 1\.0,1\.1,1\.2\n/);
  });

  test('a frame before CONNECT: ERROR, then close', async () => {
    const ws = new WebSocket(url(), STOMP_PROTOCOLS);
    const received: string[] = [];
    ws.on('message', (data) => received.push(data.toString()));
    const closed = new Promise<number>((resolve) => ws.on('close', resolve));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('SUBSCRIBE\nid:0\ndestination:/topic/room:a\n\n\0');
    expect(await closed).toBe(1008);
    expect(received[0]).toMatch(/^ERROR\nmessage:expected CONNECT, got SUBSCRIBE\n/);
  });

  test('frames sent right behind CONNECT, before CONNECTED, are served in order', async () => {
    const ws = new WebSocket(url(), STOMP_PROTOCOLS);
    const received: string[] = [];
    ws.on('message', (data) => received.push(data.toString()));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(
      'CONNECT\naccept-version:1.2\nhost:h\nuser:eager\n\n\0' +
        'SUBSCRIBE\nid:0\ndestination:/topic/room:eager\nreceipt:r0\n\n\0' +
        'SEND\ndestination:/topic/room:eager\nevent:echo\nreceipt:r1\ncontent-type:application/json\n\n{"a":1}\0',
    );
    await eventually(() => received.some((frame) => frame.includes('receipt-id:r1\n\n')), 'the SEND receipt');
    const commands = received.map((frame) => frame.slice(0, frame.indexOf('\n')));
    expect(commands).toEqual(['CONNECTED', 'MESSAGE', 'RECEIPT', 'MESSAGE', 'RECEIPT']);
    expect(received[3]).toContain('reply-to:send\n');
    expect(received[3]).toMatch(/\n\n\{"a":1\}\0$/);
    ws.close();
  });

  test('a frame spread over messages past maxFrameSize is an ERROR; a missing NUL never completes it', async () => {
    const raw = await rawStomp(url());
    raw.ws.send('SEND\ndestination:/topic/room:a\nevent:echo\n\n');
    for (let i = 0; i < 3; i++) raw.ws.send('x'.repeat(2000));
    await raw.closed;
    expect(raw.received.find((received) => received.startsWith('ERROR'))).toMatch(/larger than 4096/);
  });

  test('frames split across WebSocket messages and heart-beat EOLs between them are read', async () => {
    const raw = await rawStomp(url());
    const frame = 'SUBSCRIBE\nid:s1\ndestination:/topic/room:split\nreceipt:r-split\n\n\0';
    raw.ws.send('\n\n' + frame.slice(0, 7));
    raw.ws.send(frame.slice(7, 30));
    raw.ws.send(frame.slice(30));
    await eventually(() => raw.received.some((received) => received.includes('receipt-id:r-split')), 'the receipt');
    raw.ws.close();
  });

  test('subscriptions are capped by maxChannelsPerSocket', async () => {
    const client = await stomp.connected({ user: 'ann' });
    await client.subscribe('room:cap-1');
    await client.subscribe('room:cap-2');
    client.client.subscribe('/topic/room:cap-3', () => {});
    expect((await client.nextError()).headers.message).toBe('too many channels joined');
    await client.closed();
  });

  test('past the inbound rate limit a SEND is refused with ERROR', async () => {
    const client = await stomp.connected({ user: 'ann' });
    await client.subscribe('room:rate');
    for (let i = 0; i < 40; i++) client.send('room:rate', 'silent', {});
    const error = await client.nextError();
    expect(error.headers.message).toBe('rate limited');
    expect(json(error)).toEqual({ reason: 'rate limited' });
    await client.closed();
  });

  test('a single WebSocket message over maxFrameSize is closed by ws with 1009, as on the Phoenix WebSocket', async () => {
    const client = await stomp.connected({ user: 'ann' });
    await client.subscribe('room:big');
    client.send('room:big', 'echo', { big: 'x'.repeat(5000) });
    expect(await client.closed()).toBe(1009);
    await sleep(10);
  });
});

describe('STOMP heart-beats', () => {
  const app = useTestApp(() =>
    conformanceApp('express', { transports: ['stomp'], stomp: { heartbeat: { sendMs: 200, receiveMs: 500 } } }, { logger: ['error'] }),
  );
  const stomp = useStompClients(() => `${app.current.socketUrl}/stomp`);

  test('kept: both sides heart-beat and the connection stays up', async () => {
    const client = await stomp.connected({ user: 'ann' }, { heartbeatIncoming: 1000, heartbeatOutgoing: 100 });
    expect(client.connected!.headers['heart-beat']).toBe('200,500');
    let serverBeats = 0;
    client.socket!.on('message', (data) => {
      if (data.toString() === '\n') serverBeats++;
    });
    await eventually(() => serverBeats >= 3, 'three server heart-beats', 10_000);
    await sleep(1500);
    expect(client.closeCode).toBeUndefined();
    await client.subscribe('room:beating');
  });

  test('missed: a client whose heart-beats stop is sent ERROR and closed', async () => {
    const client = await stomp.connected({ user: 'ann' }, { heartbeatIncoming: 0, heartbeatOutgoing: 100 });
    // The network drops the client's heart-beats (the client itself is unchanged).
    const socket = client.socket!;
    const send = socket.send.bind(socket);
    socket.send = ((data: unknown, ...rest: unknown[]) => {
      if (data === '\n') return;
      return (send as (...args: unknown[]) => void)(data, ...rest);
    }) as typeof socket.send;
    expect((await client.nextError()).headers.message).toBe('heart-beat missed');
    await client.closed(10_000);
  });
});

describe('STOMP on shutdown', () => {
  test('the drain closes STOMP sockets with 1012, and @Terminate runs with "shutdown"', async () => {
    const { startTestApp } = await import('../support/test-app.js');
    const { StompProbe } = await import('../support/stomp-client.js');
    const { Journal } = await import('../fixtures/room.channel.js');
    const node = await startTestApp(conformanceApp('express', { transports: ['stomp'] }, { logger: ['error'] }));
    const journal = node.app.get(Journal, { strict: false });
    const client = await new StompProbe(`${node.socketUrl}/stomp`, { user: 'ann' }).connect();
    await client.subscribe('room:drain');
    await node.close();
    expect(await client.closed()).toBe(1012);
    expect(journal.terminationsOf('room:drain')).toEqual(['shutdown']);
    await client.stop();
  });

  test('a client that sends no CONNECT in time, or another frame first, is refused and the connect event says "protocol"', async () => {
    const { startTestApp } = await import('../support/test-app.js');
    const node = await startTestApp(conformanceApp('express', { transports: ['stomp'], stomp: { connectTimeoutMs: 300 } }, { logger: ['error'] }));
    const recorder = new EventRecorder([ChannelsEvents.socketConnect]);
    const open = async () => {
      const ws = new WebSocket(`${node.socketUrl}/stomp`, STOMP_PROTOCOLS);
      const closed = new Promise<number>((resolve) => ws.on('close', resolve));
      await new Promise((resolve) => ws.once('open', resolve));
      return { ws, closed };
    };
    try {
      const silent = await open();
      expect(await silent.closed).toBe(1008);
      const early = await open();
      early.ws.send('SEND\ndestination:/topic/room:a\nevent:x\n\n{}\0');
      expect(await early.closed).toBe(1008);
      await eventually(() => recorder.of(ChannelsEvents.socketConnect).length === 2, 'both refusals are published');
      expect(recorder.of(ChannelsEvents.socketConnect)).toEqual([
        { transport: 'stomp', outcome: 'refused', reason: 'protocol' },
        { transport: 'stomp', outcome: 'refused', reason: 'protocol' },
      ]);
    } finally {
      recorder.stop();
      await node.close();
    }
  });

  test('a frame ws refuses (past maxFrameSize) closes the socket with 1009, and the disconnect says "error"', async () => {
    const { startTestApp } = await import('../support/test-app.js');
    const node = await startTestApp(conformanceApp('express', { transports: ['stomp'], maxFrameSize: 4096 }, { logger: ['error'] }));
    const recorder = new EventRecorder([ChannelsEvents.socketDisconnect]);
    try {
      const raw = await rawStomp(`${node.socketUrl}/stomp`);
      raw.ws.send('x'.repeat(5000));
      expect(await raw.closed).toBe(1009);
      await eventually(() => recorder.of(ChannelsEvents.socketDisconnect).length === 1, 'the disconnect is published');
      expect(recorder.of(ChannelsEvents.socketDisconnect)).toEqual([{ transport: 'stomp', socketId: 'user:raw', reason: 'error' }]);
    } finally {
      recorder.stop();
      await node.close();
    }
  });
});

describe('STOMP slow consumers', () => {
  test('a STOMP subscriber that reads nothing is dropped past maxOutboundBufferBytes; a stompjs subscriber gets everything', async () => {
    const { connect: netConnect } = await import('node:net');
    const { startTestApp } = await import('../support/test-app.js');
    const { StompProbe } = await import('../support/stomp-client.js');
    const { HARDENING_PROVIDERS } = await import('../hardening/fixtures.js');
    const { ChannelsRuntime } = await import('../../lib/channels-runtime.js');
    const node = await startTestApp({
      providers: HARDENING_PROVIDERS,
      channels: { transports: ['stomp'], rateLimit: false, maxOutboundBufferBytes: 256 * 1024 },
      logger: ['error'],
    });
    try {
      const healthy = await new StompProbe(`${node.socketUrl}/stomp`).connect();
      const sub = await healthy.subscribe('h:busy');

      // A hand-made STOMP client that subscribes, then never reads again.
      const stalled = netConnect(node.port, '127.0.0.1');
      stalled.on('error', () => undefined);
      await new Promise((resolve) => stalled.once('connect', resolve));
      stalled.write(
        'GET /socket/stomp HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v12.stomp\r\n\r\n',
      );
      await new Promise((resolve) => stalled.once('data', resolve));
      stalled.write(maskedTextFrame('CONNECT\naccept-version:1.2\nhost:h\n\n\0'));
      stalled.write(maskedTextFrame('SUBSCRIBE\nid:0\ndestination:/topic/h:busy\n\n\0'));
      const runtime = node.app.get(ChannelsRuntime);
      await eventually(() => runtime.connections.size === 2, 'both connected');
      await sleep(100);
      stalled.pause();

      // One broadcast a turn: stompjs parses in this process, between the server's turns, so it
      // keeps up whatever the machine's load; four a turn once left it behind past the cap too.
      const count = 1000;
      healthy.send('h:busy', 'flood', { count, size: 32 * 1024, perTurn: 1 });
      await eventually(() => runtime.connections.size === 1, 'the stalled subscriber to be dropped', 30_000);
      await eventually(() => sub.messages.filter((message) => message.headers.event === 'blob').length === count, 'every broadcast', 30_000);
      stalled.destroy();
      await healthy.stop();
    } finally {
      await node.close();
    }
  }, 90_000);
});

/** A client-to-server text frame (clients must mask), for a client that is not `ws`. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const header = payload.length < 126 ? Buffer.from([0x81, 0x80 | payload.length]) : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 255]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([header, mask, masked]);
}
