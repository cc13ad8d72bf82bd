import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { ChannelException } from '../../lib/errors/channel.exception.js';
import { ChannelFanout } from '../../lib/fanout/channel-fanout.js';
import type { Frame, InboundMessage } from '../../lib/protocol/messages.js';
import { PubSub } from '../../lib/pubsub/pubsub.js';
import { V2JsonSerializer } from '../../lib/serializers/v2-json.serializer.js';
import type { ChannelHost } from '../../lib/socket/channel-host.interface.js';
import { ChannelProcess } from '../../lib/socket/channel-process.js';
import type { Socket } from '../../lib/socket/socket.js';
import type { SocketRef } from '../../lib/socket/socket-ref.js';
import { RecordingAdapter } from '../pubsub/fake-pubsub-adapter.js';
import { thrownBy } from '../support/thrown.js';
import { defineChannel, deferred, hasSettled, settle, wire, type ChannelParts } from './fake-channels.js';

/** The connection a channel lives on: the frames it was asked to send, and the ends it was told of. */
class FakeHost implements ChannelHost {
  readonly serializer = new V2JsonSerializer();
  readonly socketId = 'user:1';
  readonly assigns = { user: 'ann' };
  readonly transportName = 'websocket' as const;
  readonly frames: Frame[] = [];
  readonly ended: ChannelProcess[] = [];

  send(frame: Frame): void {
    this.frames.push(frame);
  }

  channelEnded(channel: ChannelProcess): void {
    this.ended.push(channel);
  }

  /** What the client received, decoded. */
  get wire(): unknown[][] {
    return this.frames.map(wire);
  }
}

const TOPIC = 'room:1';
const reply = (joinRef: string | null, ref: string, status: 'ok' | 'error', response: unknown) => [
  joinRef,
  ref,
  TOPIC,
  'phx_reply',
  { status, response },
];
const notice = (event: 'phx_close' | 'phx_error', joinRef = '1') => [joinRef, joinRef, TOPIC, event, {}];

let adapter: RecordingAdapter;
let pubsub: PubSub;
let fanout: ChannelFanout;
let host: FakeHost;
let loggedErrors: string[];
/** Every @Terminate call of the channels made with `start`, as [reason, topic]. */
let terminations: Array<[string, string]>;

beforeEach(async () => {
  adapter = new RecordingAdapter();
  pubsub = new PubSub(adapter);
  await pubsub.onModuleInit();
  fanout = new ChannelFanout(pubsub);
  host = new FakeHost();
  loggedErrors = [];
  terminations = [];
  jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
    loggedErrors.push(String(message));
  });
  jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

/** Makes a channel process and sends it the join `joinRef`, as the socket does. */
function start(parts: ChannelParts = {}, options: { joinRef?: string; on?: FakeHost; payload?: unknown } = {}): ChannelProcess {
  const joinRef = options.joinRef ?? '1';
  const definition = defineChannel({
    terminate: (reason, socket) => {
      terminations.push([reason, socket.topic]);
    },
    ...parts,
  });
  const channel = new ChannelProcess(options.on ?? host, definition, TOPIC, joinRef, { pubsub, fanout });
  channel.join({ joinRef, ref: joinRef, topic: TOPIC, event: 'phx_join', payload: options.payload ?? {} });
  return channel;
}

function message(event: string, payload: unknown = {}, ref: string | null = '2', joinRef: string | null = '1'): InboundMessage {
  return { joinRef, ref, topic: TOPIC, event, payload };
}

describe('ChannelProcess: join', () => {
  test('joining, then joined once the join handler returns, then closed', async () => {
    const joining = deferred<object>();
    const channel = start({ join: () => joining.promise });
    expect([channel.joined, channel.closed, channel.socket.joined]).toEqual([false, false, false]);
    joining.resolve({ welcome: true });
    await settle();
    expect([channel.joined, channel.closed, channel.socket.joined]).toEqual([true, false, true]);
    expect(host.wire).toEqual([reply('1', '1', 'ok', { welcome: true })]);
    await channel.shutdown('closed', false);
    expect([channel.joined, channel.closed, channel.socket.joined]).toEqual([false, true, false]);
  });

  test('the join handler gets the socket, the payload and the event; the socket copies the connection', async () => {
    const calls: unknown[][] = [];
    const channel = start(
      {
        join: (socket, payload, ref, event) => {
          calls.push([payload, ref, event]);
          socket.assign('room', 1);
        },
      },
      { payload: { password: 'p' } },
    );
    await settle();
    expect(calls).toEqual([[{ password: 'p' }, null, 'phx_join']]);
    const socket = channel.socket;
    expect([socket.topic, socket.joinRef, socket.id, socket.transport, socket.vsn]).toEqual([TOPIC, '1', 'user:1', 'websocket', '2.0.0']);
    expect(socket.assigns).toEqual({ user: 'ann', room: 1 });
    expect(host.assigns).toEqual({ user: 'ann' });
  });

  test('the join reply is ok with {} when the handler returns undefined', async () => {
    start({ join: () => undefined });
    await settle();
    expect(host.wire).toEqual([reply('1', '1', 'ok', {})]);
  });

  test('a ChannelException refuses the join with its reply; the channel ends without @Terminate', async () => {
    const ends: string[] = [];
    const channel = start({
      join: (socket) => {
        socket.onEnd((reason) => ends.push(reason));
        socket.push('never', {});
        throw new ChannelException('unauthorized', { detail: 'no ticket' });
      },
    });
    await settle();
    expect(host.wire).toEqual([reply('1', '1', 'error', { detail: 'no ticket', reason: 'unauthorized' })]);
    expect(channel.closed).toBe(true);
    expect(host.ended).toEqual([channel]);
    expect(ends).toEqual(['join_failed']);
    expect(terminations).toEqual([]);
    expect(await hasSettled(channel.terminated)).toBe(true);
    expect(fanout.memberCount(TOPIC)).toBe(0);
    expect(loggedErrors).toEqual([]);
  });

  test('any other error refuses the join with {reason: "join crashed"}, without @Terminate', async () => {
    const channel = start({
      join: () => {
        throw new Error('database down');
      },
    });
    await settle();
    expect(host.wire).toEqual([reply('1', '1', 'error', { reason: 'join crashed' })]);
    expect(channel.closed).toBe(true);
    expect(terminations).toEqual([]);
    expect(await hasSettled(channel.terminated)).toBe(true);
  });

  test('pushes made during the join follow its reply, in order', async () => {
    start({
      join: (socket) => {
        socket.push('first', { n: 1 });
        socket.push('second', { n: 2 });
        return { joined: true };
      },
    });
    await settle();
    expect(host.wire).toEqual([
      reply('1', '1', 'ok', { joined: true }),
      ['1', null, TOPIC, 'first', { n: 1 }],
      ['1', null, TOPIC, 'second', { n: 2 }],
    ]);
  });

  test('a message that arrives while the join runs is handled after it', async () => {
    const joining = deferred<object>();
    const channel = start({ join: () => joining.promise, handleIn: { ping: () => 'pong' } });
    channel.handleIn(message('ping'));
    await settle();
    expect(host.wire).toEqual([]);
    joining.resolve({});
    await settle();
    expect(host.wire).toEqual([reply('1', '1', 'ok', {}), reply('1', '2', 'ok', 'pong')]);
  });

  test('a channel ended while its join runs sends no reply; @Terminate runs once the join returns', async () => {
    const joining = deferred<object>();
    const channel = start({ join: () => joining.promise });
    const shutdown = channel.shutdown('closed', false);
    expect(channel.closed).toBe(true);
    expect(await hasSettled(shutdown)).toBe(false);
    joining.resolve({});
    await settle();
    expect(terminations).toEqual([['closed', TOPIC]]);
    expect(await hasSettled(shutdown)).toBe(true);
    expect(host.wire).toEqual([]);
    expect(fanout.memberCount(TOPIC)).toBe(0);
  });
});

describe('ChannelProcess: handle_in', () => {
  test('a value returned is the ok reply; the handler gets socket, payload, ref and event', async () => {
    const calls: unknown[][] = [];
    const channel = start({
      handleIn: {
        shout: (socket, payload, ref, event) => {
          calls.push([socket.topic, payload, ref && [ref.topic, ref.joinRef, ref.ref], event]);
          return { heard: payload.body };
        },
      },
    });
    channel.handleIn(message('shout', { body: 'hi' }));
    await settle();
    expect(calls).toEqual([[TOPIC, { body: 'hi' }, [TOPIC, '1', '2'], 'shout']]);
    expect(host.wire.slice(1)).toEqual([reply('1', '2', 'ok', { heard: 'hi' })]);
  });

  test('undefined sends no reply, and neither does a message without a ref', async () => {
    const channel = start({ handleIn: { quiet: () => undefined, loud: () => 'x' } });
    channel.handleIn(message('quiet'));
    channel.handleIn(message('loud', {}, null));
    await settle();
    expect(host.wire).toEqual([reply('1', '1', 'ok', {})]);
  });

  test('a ChannelException is an error reply, and the channel keeps running', async () => {
    const channel = start({
      handleIn: {
        bad: () => {
          throw new ChannelException('invalid', { field: 'body' });
        },
        good: () => 'fine',
      },
    });
    channel.handleIn(message('bad', {}, '2'));
    channel.handleIn(message('good', {}, '3'));
    await settle();
    expect(host.wire.slice(1)).toEqual([reply('1', '2', 'error', { field: 'body', reason: 'invalid' }), reply('1', '3', 'ok', 'fine')]);
    expect(channel.joined).toBe(true);
    expect(terminations).toEqual([]);
  });

  test('events without a handler go to the catch-all, with their name', async () => {
    const channel = start({ catchAll: (_socket, _payload, _ref, event) => ({ caught: event }) });
    channel.handleIn(message('anything'));
    await settle();
    expect(host.wire.slice(1)).toEqual([reply('1', '2', 'ok', { caught: 'anything' })]);
  });

  test('without a handler or a catch-all, the reply is {reason: "unhandled event"}', async () => {
    const channel = start();
    channel.handleIn(message('nobody'));
    await settle();
    expect(host.wire.slice(1)).toEqual([reply('1', '2', 'error', { reason: 'unhandled event' })]);
    expect(channel.joined).toBe(true);
  });

  test('a crash sends phx_error on the join ref and runs @Terminate("crash") once; later messages are refused', async () => {
    const crash = () => {
      throw new Error('boom');
    };
    const channel = start({ handleIn: { crash } });
    await settle();
    expect(fanout.memberCount(TOPIC)).toBe(1);
    channel.handleIn(message('crash', {}, '2'));
    channel.handleIn(message('crash', {}, '3'));
    await settle();
    expect(host.wire.slice(1)).toEqual([notice('phx_error'), reply('1', '3', 'error', { reason: 'unmatched topic' })]);
    expect(terminations).toEqual([['crash', TOPIC]]);
    expect(channel.closed).toBe(true);
    expect(host.ended).toEqual([channel]);
    expect(fanout.memberCount(TOPIC)).toBe(0);
    expect(await hasSettled(channel.terminated)).toBe(true);
    // Nest's ExceptionsHandler reported it already: the channel logs it at debug level only.
    expect(loggedErrors).toEqual([]);
  });

  test('messages are handled one at a time, in order: a slow handler holds up its channel, not the others', async () => {
    const events: string[] = [];
    const slow = deferred();
    const parts: ChannelParts = {
      handleIn: {
        slow: async () => {
          events.push('slow:start');
          await slow.promise;
          events.push('slow:end');
          return 'slow';
        },
        fast: (_socket, payload) => {
          events.push(`fast:${payload.on}`);
          return 'fast';
        },
      },
    };
    const busy = start(parts);
    const otherHost = new FakeHost();
    const other = start(parts, { on: otherHost });
    await settle();
    busy.handleIn(message('slow', {}, '2'));
    busy.handleIn(message('fast', { on: 'busy' }, '3'));
    other.handleIn(message('fast', { on: 'other' }, '2'));
    await settle();
    expect(events).toEqual(['slow:start', 'fast:other']);
    expect(otherHost.wire.slice(1)).toEqual([reply('1', '2', 'ok', 'fast')]);
    slow.resolve();
    await settle();
    expect(events).toEqual(['slow:start', 'fast:other', 'slow:end', 'fast:busy']);
    expect(host.wire.slice(1)).toEqual([reply('1', '2', 'ok', 'slow'), reply('1', '3', 'ok', 'fast')]);
  });
});

describe('ChannelProcess: socketRef() and late replies', () => {
  test('a ref kept in a handler replies later, with the message refs', async () => {
    let kept: SocketRef | undefined;
    const channel = start({
      handleIn: {
        later: (socket) => {
          kept = socket.socketRef();
        },
      },
    });
    channel.handleIn(message('later', {}, '7'));
    await settle();
    expect(host.wire).toHaveLength(1);
    kept!.reply('ok', { done: true });
    kept!.reply('error');
    expect(host.wire.slice(1)).toEqual([reply('1', '7', 'ok', { done: true }), reply('1', '7', 'error', {})]);
  });

  test('socketRef() outside a handler (before or after one), or for a message without a ref, throws CHANNELS_ERR_SOCKET_REF_UNAVAILABLE', async () => {
    let socket: Socket | undefined;
    const inHandler: unknown[] = [];
    const channel = start({
      join: (joining) => {
        socket = joining;
        inHandler.push(thrownBy(() => joining.socketRef()).code);
      },
      handleIn: {
        noRef: (handling) => {
          inHandler.push(thrownBy(() => handling.socketRef()).code);
        },
        withRef: (handling) => void handling.socketRef(),
      },
    });
    channel.handleIn(message('noRef', {}, null));
    channel.handleIn(message('withRef', {}, '3'));
    await settle();
    expect(inHandler).toEqual(['CHANNELS_ERR_SOCKET_REF_UNAVAILABLE', 'CHANNELS_ERR_SOCKET_REF_UNAVAILABLE']);
    expect(thrownBy(() => socket!.socketRef()).code).toBe('CHANNELS_ERR_SOCKET_REF_UNAVAILABLE');
    expect(channel.joined).toBe(true);
  });

  test('a reply after the channel ended is dropped', async () => {
    let kept: SocketRef | undefined;
    const channel = start({ handleIn: { later: (socket) => void (kept = socket.socketRef()) } });
    channel.handleIn(message('later'));
    await settle();
    await channel.shutdown('closed', false);
    kept!.reply('ok', {});
    expect(host.wire).toEqual([reply('1', '1', 'ok', {})]);
  });
});

describe('ChannelProcess: the end', () => {
  test('stop(reason) from a handler: its reply first, then phx_close, then @Terminate(reason)', async () => {
    const channel = start({
      handleIn: {
        bye: (socket) => {
          socket.stop('done');
          return { bye: true };
        },
      },
    });
    channel.handleIn(message('bye'));
    await settle();
    expect(host.wire.slice(1)).toEqual([reply('1', '2', 'ok', { bye: true }), notice('phx_close')]);
    expect(terminations).toEqual([['done', TOPIC]]);
    expect(channel.closed).toBe(true);
    expect(host.ended).toEqual([channel]);
  });

  test('stop() without a reason ends it as "normal"', async () => {
    const channel = start({ handleIn: { bye: (socket) => socket.stop() } });
    channel.handleIn(message('bye'));
    await settle();
    expect(terminations).toEqual([['normal', TOPIC]]);
  });

  test('leave: an ok reply, then phx_close, then @Terminate("leave"), after the message being handled', async () => {
    const slow = deferred();
    const channel = start({ handleIn: { slow: async () => (await slow.promise, 'slow') } });
    await settle();
    channel.handleIn(message('slow', {}, '2'));
    channel.leave(message('phx_leave', {}, '3'));
    await settle();
    expect(channel.joined).toBe(true);
    slow.resolve();
    await settle();
    expect(host.wire.slice(1)).toEqual([reply('1', '2', 'ok', 'slow'), reply('1', '3', 'ok', {}), notice('phx_close')]);
    expect(terminations).toEqual([['leave', TOPIC]]);
    expect(fanout.memberCount(TOPIC)).toBe(0);
  });

  test('shutdown(reason, true) tells the client with phx_close at once and resolves once @Terminate returned', async () => {
    const terminating = deferred();
    const channel = start({
      terminate: async (reason) => {
        terminations.push([reason, 'slow']);
        await terminating.promise;
      },
    });
    await settle();
    const done = channel.shutdown('shutdown', true);
    expect(host.wire.slice(1)).toEqual([notice('phx_close')]);
    expect(host.ended).toEqual([channel]);
    await settle();
    expect(terminations).toEqual([['shutdown', 'slow']]);
    expect(await hasSettled(done)).toBe(false);
    terminating.resolve();
    expect(await hasSettled(done)).toBe(true);
  });

  test('shutdown(reason, false) ends the channel silently; a second shutdown changes nothing', async () => {
    const channel = start();
    await settle();
    await channel.shutdown('closed', false);
    await channel.shutdown('shutdown', true);
    expect(host.wire).toEqual([reply('1', '1', 'ok', {})]);
    expect(terminations).toEqual([['closed', TOPIC]]);
    expect(host.ended).toEqual([channel]);
  });

  test('a channel without @Terminate settles terminated at its end', async () => {
    const channel = start({ terminate: undefined });
    await settle();
    expect(await hasSettled(channel.shutdown('closed', false))).toBe(true);
  });

  test('an @Terminate that throws is logged, and terminated settles all the same', async () => {
    const channel = start({
      terminate: () => {
        throw new Error('cleanup failed');
      },
    });
    await settle();
    expect(await hasSettled(channel.shutdown('closed', false))).toBe(true);
    expect(loggedErrors).toEqual([expect.stringContaining('@Terminate failed on "room:1": Error: cleanup failed')]);
  });

  test('Socket.onEnd hooks run before @Terminate, with the reason; one added after the end runs at once', async () => {
    const order: string[] = [];
    const channel = start({
      join: (socket) => {
        socket.onEnd((reason) => order.push(`hook:${reason}`));
        const cancelled = socket.onEnd(() => order.push('cancelled'));
        cancelled();
      },
      terminate: (reason) => {
        order.push(`terminate:${reason}`);
      },
    });
    await settle();
    channel.leave(message('phx_leave', {}, '3'));
    await settle();
    channel.socket.onEnd((reason) => order.push(`late:${reason}`));
    expect(order).toEqual(['hook:leave', 'terminate:leave', 'late:leave']);
    expect(channel.socket.ended).toBe(true);
  });

  test('pushes after the end are dropped', async () => {
    const channel = start();
    await settle();
    await channel.shutdown('closed', false);
    channel.socket.push('late', {});
    expect(host.wire).toEqual([reply('1', '1', 'ok', {})]);
  });
});

describe('ChannelProcess: broadcasts', () => {
  test('a joined channel is a fan-out member of its topic, from its join to its end', async () => {
    const joining = deferred<object>();
    const channel = start({ join: () => joining.promise });
    expect(fanout.memberCount(TOPIC)).toBe(0);
    joining.resolve({});
    await settle();
    expect(fanout.memberCount(TOPIC)).toBe(1);
    expect(pubsub.subscriberCount(TOPIC)).toBe(1);
    pubsub.broadcast(TOPIC, 'news', { n: 1 });
    expect(host.wire.slice(1)).toEqual([[null, null, TOPIC, 'news', { n: 1 }]]);
    await channel.shutdown('closed', false);
    expect(fanout.memberCount(TOPIC)).toBe(0);
    expect(pubsub.subscriberCount(TOPIC)).toBe(0);
  });

  test('an intercepted event runs @HandleOut in turn, after the message being handled', async () => {
    const slow = deferred();
    const calls: unknown[][] = [];
    const channel = start({
      handleIn: { slow: async () => (await slow.promise, 'slow') },
      handleOut: {
        secret: (socket, payload, ref, event) => {
          calls.push([payload, ref, event]);
          socket.push('secret', { redacted: true });
        },
      },
    });
    await settle();
    channel.handleIn(message('slow'));
    pubsub.broadcast(TOPIC, 'secret', { password: 'x' });
    await settle();
    expect(calls).toEqual([]);
    slow.resolve();
    await settle();
    expect(calls).toEqual([[{ password: 'x' }, null, 'secret']]);
    expect(host.wire.slice(1)).toEqual([reply('1', '2', 'ok', 'slow'), ['1', null, TOPIC, 'secret', { redacted: true }]]);
  });

  test('a crash in @HandleOut ends the channel with phx_error and @Terminate("crash"), and is logged', async () => {
    const channel = start({
      handleOut: {
        secret: () => {
          throw new Error('filter broke');
        },
      },
    });
    await settle();
    pubsub.broadcast(TOPIC, 'secret', {});
    await settle();
    expect(host.wire.slice(1)).toEqual([notice('phx_error')]);
    expect(terminations).toEqual([['crash', TOPIC]]);
    expect(channel.closed).toBe(true);
    expect(fanout.memberCount(TOPIC)).toBe(0);
    expect(loggedErrors).toEqual([expect.stringContaining('crashed in handle_out "secret" on "room:1": Error: filter broke')]);
  });

  test('socket.broadcast reaches every channel of the topic; broadcastFrom all but the sender', async () => {
    const otherHost = new FakeHost();
    const sender = start();
    start({}, { on: otherHost });
    await settle();
    sender.socket.broadcast('all', { n: 1 });
    sender.socket.broadcastFrom('others', { n: 2 });
    expect(host.wire.slice(1)).toEqual([[null, null, TOPIC, 'all', { n: 1 }]]);
    expect(otherHost.wire.slice(1)).toEqual([
      [null, null, TOPIC, 'all', { n: 1 }],
      [null, null, TOPIC, 'others', { n: 2 }],
    ]);
    expect(adapter.published.map((published) => [published.event, published.from])).toEqual([
      ['all', undefined],
      ['others', sender.subscriberId],
    ]);
  });
});
