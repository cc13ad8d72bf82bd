import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { ChannelDefinition } from '../../lib/discovery/channel-definition.js';
import { ChannelFanout } from '../../lib/fanout/channel-fanout.js';
import type { TransportConnection } from '../../lib/interfaces/transport.interface.js';
import type { Frame } from '../../lib/protocol/messages.js';
import { ControlEvent, ControlTopic } from '../../lib/protocol/reserved.js';
import { PubSub } from '../../lib/pubsub/pubsub.js';
import { TopicRouter } from '../../lib/router/topic-router.js';
import { V2JsonSerializer } from '../../lib/serializers/v2-json.serializer.js';
import type { ConnectionContext } from '../../lib/socket/connection-context.interface.js';
import type { ByteRateLimitOptions, RateLimitOptions } from '../../lib/socket/inbound-rate-limit.js';
import { SocketConnection } from '../../lib/socket/socket-connection.js';
import { RecordingAdapter } from '../pubsub/fake-pubsub-adapter.js';
import { clientEncode } from '../support/phoenix-serializer.js';
import { defineChannel, deferred, hasSettled, settle, wire, type ChannelParts } from './fake-channels.js';

/** The transport under the connection: the frames it was given and how it was closed. */
class FakeTransport implements TransportConnection {
  readonly name = 'websocket' as const;
  readonly frames: Frame[] = [];
  readonly closes: Array<[code: number, reason: string]> = [];

  send(frame: Frame): void {
    this.frames.push(frame);
  }

  close(code: number, reason: string): void {
    this.closes.push([code, reason]);
  }

  /** What the client received, decoded. */
  get wire(): unknown[][] {
    return this.frames.map(wire);
  }

  /** What the client received since the last call. */
  take(): unknown[][] {
    return this.frames.splice(0).map(wire);
  }
}

const START = 1_700_000_000_000;
const ok = (joinRef: string | null, ref: string, topic: string, response: unknown = {}) => [joinRef, ref, topic, 'phx_reply', { status: 'ok', response }];
const error = (joinRef: string | null, ref: string | null, topic: string, response: unknown) => [
  joinRef,
  ref,
  topic,
  'phx_reply',
  { status: 'error', response },
];

let adapter: RecordingAdapter;
let pubsub: PubSub;
let fanout: ChannelFanout;
let now: number;
let warnings: string[];
/** What the channels below saw, in order: joins, messages and @Terminate calls. */
let seen: string[];

beforeEach(async () => {
  adapter = new RecordingAdapter();
  pubsub = new PubSub(adapter);
  await pubsub.onModuleInit();
  fanout = new ChannelFanout(pubsub);
  seen = [];
  warnings = [];
  // handleFrame reads the clock for the rate limit and the malformed-frame allowance.
  now = START;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
    warnings.push(String(message));
  });
  jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

/** The channel behind `room:*`: it records what it sees, greets on join and echoes. */
function roomChannel(parts: ChannelParts = {}): ChannelDefinition {
  return defineChannel({
    join: (socket, payload) => {
      seen.push(`join ${socket.topic} ${JSON.stringify(payload)}`);
      socket.push('hello', { id: socket.id });
      return { welcome: socket.topic };
    },
    catchAll: (socket, payload, _ref, event) => {
      seen.push(`${event} ${socket.topic} ${JSON.stringify(payload)}`);
      if (event === 'crash') throw new Error('boom');
      return payload;
    },
    terminate: (reason, socket) => {
      seen.push(`terminate ${socket.topic} ${reason}`);
    },
    ...parts,
  });
}

interface ConnectOptions {
  routes?: Record<string, ChannelDefinition>;
  socketId?: string | null;
  maxChannelsPerSocket?: number;
  rateLimit?: RateLimitOptions | false;
  joinRateLimit?: RateLimitOptions | false;
  byteRateLimit?: ByteRateLimitOptions | false;
  maxPayloadDepth?: number;
  malformedFrameAllowance?: RateLimitOptions | false;
  /** The library's own channels on reserved topics (ReservedChannels). */
  reserved?: Record<string, ChannelDefinition>;
}

function connect(options: ConnectOptions = {}) {
  const router = new TopicRouter<ChannelDefinition>();
  for (const [route, definition] of Object.entries(options.routes ?? { 'room:*': roomChannel() })) router.add(route, definition);
  const closed: SocketConnection[] = [];
  const context: ConnectionContext = {
    router,
    pubsub,
    fanout,
    maxChannelsPerSocket: options.maxChannelsPerSocket ?? 100,
    rateLimit: options.rateLimit ?? false,
    joinRateLimit: options.joinRateLimit ?? false,
    byteRateLimit: options.byteRateLimit ?? false,
    maxPayloadDepth: options.maxPayloadDepth ?? 32,
    malformedFrameAllowance: options.malformedFrameAllowance ?? { messagesPerSecond: 1, burst: 10 },
    reservedChannel: (topic) => options.reserved?.[topic],
    connectionClosed: (connection) => closed.push(connection),
  };
  const transport = new FakeTransport();
  const socketId = options.socketId === undefined ? 'user:1' : options.socketId;
  const connection = new SocketConnection(transport, new V2JsonSerializer(), { user: 'ann' }, socketId, context);
  /** Sends a frame as the phoenix client encodes it. */
  const send = (joinRef: string | null, ref: string | null, topic: string, event: string, payload: unknown = {}) =>
    connection.handleFrame(Buffer.from(clientEncode({ join_ref: joinRef, ref, topic, event, payload }) as string), false);
  const join = (topic: string, joinRef: string, payload: unknown = {}) => send(joinRef, joinRef, topic, 'phx_join', payload);
  const raw = (text: string) => connection.handleFrame(Buffer.from(text), false);
  return { connection, transport, closed, send, join, raw };
}

describe('SocketConnection: heartbeats and joins', () => {
  test('a heartbeat on "phoenix" is answered ok, and every frame moves lastSeenAt', () => {
    const { connection, transport, send } = connect();
    expect(connection.lastSeenAt).toBe(START);
    now += 5_000;
    send(null, '1', 'phoenix', 'heartbeat');
    expect(transport.wire).toEqual([ok(null, '1', 'phoenix')]);
    expect(connection.lastSeenAt).toBe(START + 5_000);
    expect(seen).toEqual([]);
  });

  test('"heartbeat" on another topic is no heartbeat', () => {
    const { transport, send } = connect();
    send(null, '1', 'room:1', 'heartbeat');
    expect(transport.wire).toEqual([error(null, '1', 'room:1', { reason: 'unmatched topic' })]);
  });

  test('a join is routed to its channel: the ok reply, then the pushes made during the join', async () => {
    const { connection, transport, join } = connect();
    join('room:lobby', '1', { token: 't' });
    await settle();
    expect(seen).toEqual(['join room:lobby {"token":"t"}']);
    expect(transport.wire).toEqual([ok('1', '1', 'room:lobby', { welcome: 'room:lobby' }), ['1', null, 'room:lobby', 'hello', { id: 'user:1' }]]);
    expect(connection.channelCount).toBe(1);
    expect(connection.transportName).toBe('websocket');
    expect(fanout.memberCount('room:lobby')).toBe(1);
  });

  test('a message on a joined topic reaches its channel, and its reply comes back', async () => {
    const { transport, join, send } = connect();
    join('room:1', '1');
    await settle();
    transport.take();
    send('1', '2', 'room:1', 'echo', { n: 1 });
    await settle();
    expect(transport.take()).toEqual([ok('1', '2', 'room:1', { n: 1 })]);
  });

  test('a join of a topic no channel routes is refused with "unmatched topic"', async () => {
    const { connection, transport, join } = connect();
    join('lobby', '1');
    await settle();
    expect(transport.wire).toEqual([error('1', '1', 'lobby', { reason: 'unmatched topic' })]);
    expect(connection.channelCount).toBe(0);
  });

  test('reserved topics are never joined, even under a "*" route', async () => {
    const { connection, transport, join } = connect({ routes: { '*': roomChannel() } });
    for (const [index, topic] of ['phoenix', ControlTopic.socket('user:1'), 'phx_private'].entries()) join(topic, `${index}`);
    join('anything', '9');
    await settle();
    expect(transport.wire).toEqual([
      error('0', '0', 'phoenix', { reason: 'unmatched topic' }),
      error('1', '1', 'phx:socket:user:1', { reason: 'unmatched topic' }),
      error('2', '2', 'phx_private', { reason: 'unmatched topic' }),
      ok('9', '9', 'anything', { welcome: 'anything' }),
      ['9', null, 'anything', 'hello', { id: 'user:1' }],
    ]);
    expect(seen).toEqual(['join anything {}']);
    expect(connection.channelCount).toBe(1);
  });

  test("a reserved topic is joined only through the library's own channel for it, never through a route", async () => {
    const dashboard = roomChannel({ join: (socket) => ({ reserved: socket.topic }) });
    const { transport, join } = connect({ routes: { '*': roomChannel() }, reserved: { phx_dashboard: dashboard } });
    join('phx_dashboard', '1');
    join('phx_other', '2');
    await settle();
    expect(transport.wire).toEqual([error('2', '2', 'phx_other', { reason: 'unmatched topic' }), ok('1', '1', 'phx_dashboard', { reserved: 'phx_dashboard' })]);
    expect(seen).toEqual([]);
  });

  test('a topic longer than 255 bytes is refused with "invalid topic"; 255 bytes is joined', async () => {
    const { connection, transport, join } = connect();
    // 131 characters but 257 bytes: the limit is the binary protocol's one length byte.
    const tooLong = `room:${'é'.repeat(126)}`;
    const longest = `room:${'a'.repeat(250)}`;
    join(tooLong, '1');
    join(longest, '2');
    await settle();
    expect(transport.wire.slice(0, 2)).toEqual([error('1', '1', tooLong, { reason: 'invalid topic' }), ok('2', '2', longest, { welcome: longest })]);
    expect(connection.channelCount).toBe(1);
  });
});

describe('SocketConnection: rejoins and limits', () => {
  test('a duplicate join closes the old channel on its join ref, terminates it with "duplicate_join", and joins anew', async () => {
    const { connection, transport, join, send } = connect();
    join('room:1', '1');
    await settle();
    transport.take();
    join('room:1', '3', { again: true });
    await settle();
    expect(transport.take()).toEqual([
      ['1', '1', 'room:1', 'phx_close', {}],
      ok('3', '3', 'room:1', { welcome: 'room:1' }),
      ['3', null, 'room:1', 'hello', { id: 'user:1' }],
    ]);
    expect(seen).toEqual(['join room:1 {}', 'terminate room:1 duplicate_join', 'join room:1 {"again":true}']);
    expect(connection.channelCount).toBe(1);
    expect(fanout.memberCount('room:1')).toBe(1);
    send('3', '4', 'room:1', 'echo', 'new');
    await settle();
    expect(transport.take()).toEqual([ok('3', '4', 'room:1', 'new')]);
  });

  test('a message for an earlier join_ref of the topic is dropped; one without a join_ref reaches the current join', async () => {
    const { transport, join, send } = connect();
    join('room:1', '1');
    join('room:1', '3');
    await settle();
    transport.take();
    seen.length = 0;
    send('1', '4', 'room:1', 'echo', 'stale');
    send(null, '5', 'room:1', 'echo', 'current');
    await settle();
    expect(seen).toEqual(['echo room:1 "current"']);
    expect(transport.take()).toEqual([ok(null, '5', 'room:1', 'current')]);
  });

  test('the old join failing after a duplicate join does not unregister the new one', async () => {
    const first = deferred<object>();
    let joins = 0;
    const { connection, transport, join, send } = connect({
      routes: { 'room:*': roomChannel({ join: () => (++joins === 1 ? first.promise : {}) }) },
    });
    join('room:1', '1');
    join('room:1', '3');
    await settle();
    first.reject(new Error('too late'));
    await settle();
    expect(connection.channelCount).toBe(1);
    transport.take();
    send('3', '4', 'room:1', 'echo', 'still here');
    await settle();
    expect(transport.take()).toEqual([ok('3', '4', 'room:1', 'still here')]);
  });

  test('past maxChannelsPerSocket a join is refused with "too many channels joined"; a rejoin or a join after a leave is not', async () => {
    const { connection, transport, join, send } = connect({ maxChannelsPerSocket: 2 });
    join('room:a', '1');
    join('room:b', '2');
    await settle();
    join('room:c', '3');
    join('room:a', '4');
    await settle();
    expect(transport.take().filter((frame) => frame[3] === 'phx_reply')).toEqual([
      ok('1', '1', 'room:a', { welcome: 'room:a' }),
      ok('2', '2', 'room:b', { welcome: 'room:b' }),
      error('3', '3', 'room:c', { reason: 'too many channels joined' }),
      ok('4', '4', 'room:a', { welcome: 'room:a' }),
    ]);
    send('2', '5', 'room:b', 'phx_leave');
    join('room:c', '6');
    await settle();
    expect(transport.take().filter((frame) => frame[3] === 'phx_reply')).toEqual([ok('2', '5', 'room:b'), ok('6', '6', 'room:c', { welcome: 'room:c' })]);
    expect(connection.channelCount).toBe(2);
  });
});

describe('SocketConnection: leaves and pushes', () => {
  test('a leave is answered ok, then phx_close; the channel terminates with "leave"', async () => {
    const { connection, transport, join, send } = connect();
    join('room:1', '1');
    await settle();
    transport.take();
    send('1', '2', 'room:1', 'phx_leave');
    await settle();
    expect(transport.take()).toEqual([ok('1', '2', 'room:1'), ['1', '1', 'room:1', 'phx_close', {}]]);
    expect(seen).toEqual(['join room:1 {}', 'terminate room:1 leave']);
    expect(connection.channelCount).toBe(0);
    expect(fanout.memberCount('room:1')).toBe(0);
  });

  test('a leave for a topic not joined, or for an earlier join of it, is answered ok and ends nothing', async () => {
    const { connection, transport, join, send } = connect();
    join('room:1', '3');
    await settle();
    transport.take();
    send('7', '8', 'room:2', 'phx_leave');
    send('1', '9', 'room:1', 'phx_leave');
    await settle();
    expect(transport.take()).toEqual([ok('7', '8', 'room:2'), ok('1', '9', 'room:1')]);
    expect(connection.channelCount).toBe(1);
    expect(seen).toEqual(['join room:1 {}']);
  });

  test('a push to a topic not joined is answered "unmatched topic"', async () => {
    const { transport, send } = connect();
    send('1', '2', 'room:1', 'echo', {});
    await settle();
    expect(transport.wire).toEqual([error('1', '2', 'room:1', { reason: 'unmatched topic' })]);
    expect(seen).toEqual([]);
  });

  test('a client cannot push a reserved event to a handler: {reason: "reserved event"}', async () => {
    const { transport, join, send } = connect();
    join('room:1', '1');
    await settle();
    transport.take();
    const events = ['phx_reply', 'phx_close', 'phx_error', 'phx_custom'];
    for (const [index, event] of events.entries()) send('1', `r${index}`, 'room:1', event);
    await settle();
    expect(transport.take()).toEqual(events.map((_event, index) => error('1', `r${index}`, 'room:1', { reason: 'reserved event' })));
    expect(seen).toEqual(['join room:1 {}']);
  });

  test('a channel that crashed frees its topic: later pushes are unmatched, and it can be joined again', async () => {
    const { connection, transport, join, send } = connect();
    join('room:1', '1');
    await settle();
    transport.take();
    send('1', '2', 'room:1', 'crash');
    await settle();
    expect(transport.take()).toEqual([['1', '1', 'room:1', 'phx_error', {}]]);
    expect(connection.channelCount).toBe(0);
    send('1', '3', 'room:1', 'echo');
    join('room:1', '4');
    await settle();
    expect(transport.take().slice(0, 2)).toEqual([error('1', '3', 'room:1', { reason: 'unmatched topic' }), ok('4', '4', 'room:1', { welcome: 'room:1' })]);
  });
});

describe('SocketConnection: rate limit', () => {
  const rateLimit = { messagesPerSecond: 1, burst: 2 };

  test('past its tokens a frame is refused with "rate limited"; after burst refusals in a row the socket is closed with 1008', async () => {
    const { connection, transport, closed, send, join } = connect({ rateLimit });
    send(null, '1', 'phoenix', 'heartbeat');
    send(null, '2', 'phoenix', 'heartbeat');
    send(null, '3', 'phoenix', 'heartbeat');
    join('room:1', '4');
    await settle();
    expect(transport.take()).toEqual([
      ok(null, '1', 'phoenix'),
      ok(null, '2', 'phoenix'),
      error(null, '3', 'phoenix', { reason: 'rate limited' }),
      error('4', '4', 'room:1', { reason: 'rate limited' }),
    ]);
    expect(seen).toEqual([]);
    expect(transport.closes).toEqual([]);
    send(null, '5', 'phoenix', 'heartbeat');
    expect(transport.closes).toEqual([[1008, 'rate limit exceeded']]);
    expect(transport.take()).toEqual([]);
    expect(connection.isClosed).toBe(true);
    expect(closed).toEqual([connection]);
    expect(warnings).toEqual([expect.stringContaining('Closing socket user:1: it kept sending past its rate limit')]);
  });

  test('joins have an allowance of their own: past it a join is refused, and the channel it would replace stays', async () => {
    const { transport, join } = connect({ joinRateLimit: { messagesPerSecond: 1, burst: 2 } });
    join('room:1', '1');
    join('room:2', '2');
    await settle();
    transport.take();
    join('room:1', '3'); // a rejoin past the allowance: room:1 as joined with '1' stays
    await settle();
    expect(transport.take()).toEqual([error('3', '3', 'room:1', { reason: 'rate limited' })]);
    expect(fanout.memberCount('room:1')).toBe(1);
    now += 1000;
    join('room:1', '4'); // a second later the token is back
    await settle();
    expect(transport.take().slice(0, 2)).toEqual([['1', '1', 'room:1', 'phx_close', {}], ok('4', '4', 'room:1', { welcome: 'room:1' })]);
  });

  test('bytes count too: a frame past the byte allowance is refused like one past the frame rate', () => {
    const { transport, send } = connect({ rateLimit: { messagesPerSecond: 1000, burst: 1000 }, byteRateLimit: { bytesPerSecond: 100, burstBytes: 120 } });
    send(null, '1', 'phoenix', 'heartbeat', { pad: 'x'.repeat(40) }); // ~80 bytes
    send(null, '2', 'phoenix', 'heartbeat', { pad: 'x'.repeat(40) }); // the 120-byte burst is spent
    now += 1000; // 100 bytes back
    send(null, '3', 'phoenix', 'heartbeat', { pad: 'x'.repeat(40) });
    expect(transport.take()).toEqual([
      ok(null, '1', 'phoenix'),
      error(null, '2', 'phoenix', { reason: 'rate limited' }),
      ok(null, '3', 'phoenix'),
    ]);
  });

  test('a payload nested deeper than maxPayloadDepth is malformed: an error reply on its refs and topic, no handler runs', async () => {
    const { transport, send, join } = connect({ maxPayloadDepth: 4 });
    join('room:1', '1');
    await settle();
    transport.take();
    const nest = (depth: number): unknown => (depth === 1 ? {} : { inner: nest(depth - 1) });
    seen.length = 0;
    send('1', '2', 'room:1', 'echo', nest(5));
    send('1', '3', 'room:1', 'echo', nest(4));
    await settle();
    expect(transport.take()).toEqual([
      error('1', '2', 'room:1', { reason: 'malformed frame', detail: 'the payload nests deeper than 4 levels' }),
      ok('1', '3', 'room:1', nest(4)),
    ]);
    expect(seen).toEqual([`echo room:1 ${JSON.stringify(nest(4))}`]);
  });

  test('tokens refill with time, and an accepted frame ends the run of refusals', () => {
    const { transport, send } = connect({ rateLimit });
    send(null, '1', 'phoenix', 'heartbeat');
    send(null, '2', 'phoenix', 'heartbeat');
    send(null, '3', 'phoenix', 'heartbeat');
    now += 1_000;
    send(null, '4', 'phoenix', 'heartbeat');
    send(null, '5', 'phoenix', 'heartbeat');
    send(null, '6', 'phoenix', 'heartbeat');
    expect(transport.closes).toEqual([]);
    expect(transport.take().map((frame) => (frame[4] as { status: string }).status)).toEqual(['ok', 'ok', 'error', 'ok', 'error', 'error']);
    send(null, '7', 'phoenix', 'heartbeat');
    expect(transport.closes).toEqual([[1008, 'rate limit exceeded']]);
  });

  test('rateLimit: false accepts every frame', () => {
    const { transport, send } = connect({ rateLimit: false });
    for (let ref = 0; ref < 50; ref++) send(null, `${ref}`, 'phoenix', 'heartbeat');
    expect(transport.take()).toHaveLength(50);
    expect(transport.closes).toEqual([]);
  });
});

describe('SocketConnection: malformed frames', () => {
  const malformedFrameAllowance = { messagesPerSecond: 1, burst: 2 };

  test('are answered on "phoenix" with the ref when it can be read, then past the allowance the socket is closed with 1007', () => {
    const { connection, transport, closed, raw } = connect({ malformedFrameAllowance });
    raw('not json');
    raw('[null,"7",42,"e",{}]');
    expect(transport.take()).toEqual([
      error(null, null, 'phoenix', { reason: 'malformed frame', detail: 'frame is not valid JSON' }),
      error(null, '7', 'phoenix', { reason: 'malformed frame', detail: 'topic must be a non-empty string' }),
    ]);
    expect(transport.closes).toEqual([]);
    raw('{}');
    expect(transport.take()).toEqual([]);
    expect(transport.closes).toEqual([[1007, 'a 2.0.0 frame must be a JSON array [join_ref, ref, topic, event, payload]']]);
    expect(connection.isClosed).toBe(true);
    expect(closed).toEqual([connection]);
  });

  test('the allowance refills with time', () => {
    const { transport, raw } = connect({ malformedFrameAllowance });
    raw('x');
    raw('x');
    now += 1_000;
    raw('x');
    expect(transport.take()).toHaveLength(3);
    expect(transport.closes).toEqual([]);
  });

  test('malformedFrameAllowance: false closes the socket at the first one', () => {
    const { transport, raw } = connect({ malformedFrameAllowance: false });
    raw('[1,2,3]');
    expect(transport.wire).toEqual([]);
    expect(transport.closes).toEqual([[1007, 'a 2.0.0 frame must be a JSON array [join_ref, ref, topic, event, payload]']]);
  });
});

describe('SocketConnection: the socket id', () => {
  test('subscribes to its control topic; a disconnect there closes the socket with 1001', async () => {
    const { connection, transport, closed, join } = connect({ socketId: 'user:1' });
    const control = ControlTopic.socket('user:1');
    expect(pubsub.subscriberCount(control)).toBe(1);
    join('room:1', '1');
    await settle();
    pubsub.publishControl(control, ControlEvent.disconnect, {});
    expect(transport.closes).toEqual([[1001, 'disconnected']]);
    expect(closed).toEqual([connection]);
    expect(pubsub.subscriberCount(control)).toBe(0);
    expect(adapter.unsubscribed).toContain(control);
    await connection.terminated;
    expect(seen).toEqual(['join room:1 {}', 'terminate room:1 closed']);
  });

  test('a disconnect from another node closes it too; other events and other ids do not', () => {
    const { transport } = connect({ socketId: 'user:1' });
    pubsub.publishControl(ControlTopic.socket('user:1'), 'something_else', {});
    pubsub.publishControl(ControlTopic.socket('user:2'), ControlEvent.disconnect, {});
    expect(transport.closes).toEqual([]);
    adapter.deliverFromOtherNode({ topic: ControlTopic.socket('user:1'), event: ControlEvent.disconnect, payload: {} });
    expect(transport.closes).toEqual([[1001, 'disconnected']]);
  });

  test('a socket without an id subscribes to nothing', () => {
    connect({ socketId: null });
    expect(adapter.subscribed).toEqual([]);
    expect(pubsub.topicCount).toBe(0);
  });
});

describe('SocketConnection: close() and transportClosed()', () => {
  /** A connection with two joined channels, the second's @Terminate held until `release`. */
  async function twoChannels() {
    const held = deferred();
    const slowRoom = roomChannel({
      terminate: async (reason, socket) => {
        seen.push(`terminate ${socket.topic} ${reason}`);
        await held.promise;
        seen.push(`terminated ${socket.topic}`);
      },
    });
    const connected = connect({ routes: { 'room:*': roomChannel(), 'slow:*': slowRoom } });
    connected.join('room:1', '1');
    connected.join('slow:1', '2');
    await settle();
    connected.transport.take();
    seen.length = 0;
    return { ...connected, release: held.resolve };
  }

  test('close() closes the transport once and ends every channel with "closed"; terminated waits for every @Terminate', async () => {
    const { connection, transport, closed, release, send, join } = await twoChannels();
    connection.close(1000, 'bye');
    connection.close(1000, 'again');
    connection.transportClosed();
    expect(transport.closes).toEqual([[1000, 'bye']]);
    expect(closed).toEqual([connection]);
    expect(connection.isClosed).toBe(true);
    expect(connection.channelCount).toBe(0);
    expect([fanout.memberCount('room:1'), fanout.memberCount('slow:1')]).toEqual([0, 0]);
    expect(pubsub.subscriberCount(ControlTopic.socket('user:1'))).toBe(0);
    expect(await hasSettled(connection.terminated)).toBe(false);
    expect(seen).toEqual(['terminate room:1 closed', 'terminate slow:1 closed']);
    release();
    expect(await hasSettled(connection.terminated)).toBe(true);
    expect(seen).toEqual(['terminate room:1 closed', 'terminate slow:1 closed', 'terminated slow:1']);
    // The client is not told channel by channel, and nothing more reaches it or the channels.
    send(null, '9', 'phoenix', 'heartbeat');
    join('room:2', '10');
    connection.send({ data: 'late', binary: false });
    await settle();
    expect(transport.frames).toEqual([]);
    expect(connection.channelCount).toBe(0);
    expect(seen).toHaveLength(3);
  });

  test('transportClosed() ends every channel the same way without closing the transport', async () => {
    const { connection, transport, closed, release } = await twoChannels();
    connection.transportClosed();
    connection.close(1000, 'after');
    expect(transport.closes).toEqual([]);
    expect(transport.frames).toEqual([]);
    expect(closed).toEqual([connection]);
    expect(pubsub.subscriberCount(ControlTopic.socket('user:1'))).toBe(0);
    release();
    await connection.terminated;
    expect(seen).toEqual(['terminate room:1 closed', 'terminate slow:1 closed', 'terminated slow:1']);
  });

  test('the terminate reason can be given: close(1012, ..., "shutdown")', async () => {
    const { connection, transport, join } = connect();
    join('room:1', '1');
    await settle();
    connection.close(1012, 'server restart', 'shutdown');
    await connection.terminated;
    expect(transport.closes).toEqual([[1012, 'server restart']]);
    expect(seen).toEqual(['join room:1 {}', 'terminate room:1 shutdown']);
  });

  test('terminated waits for a join still running, then its @Terminate', async () => {
    const joining = deferred<object>();
    const { connection, join } = connect({ routes: { 'room:*': roomChannel({ join: () => joining.promise }) } });
    join('room:1', '1');
    connection.transportClosed();
    expect(await hasSettled(connection.terminated)).toBe(false);
    joining.resolve({});
    expect(await hasSettled(connection.terminated)).toBe(true);
    expect(seen).toEqual(['terminate room:1 closed']);
  });
});
