import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { ChannelException } from '../../lib/errors/channel.exception.js';
import { ChannelFanout } from '../../lib/fanout/channel-fanout.js';
import { historyPolicy } from '../../lib/history/history-options.js';
import type { Recovery } from '../../lib/history/recovery.js';
import type { SharedHistory } from '../../lib/history/shared-history.interface.js';
import type { Frame } from '../../lib/protocol/messages.js';
import type { BroadcastMessage } from '../../lib/pubsub/broadcast-message.js';
import { PubSub } from '../../lib/pubsub/pubsub.js';
import { V2JsonSerializer } from '../../lib/serializers/v2-json.serializer.js';
import type { ChannelHost } from '../../lib/socket/channel-host.interface.js';
import { ChannelProcess } from '../../lib/socket/channel-process.js';
import { RecordingAdapter } from '../pubsub/fake-pubsub-adapter.js';
import { defineChannel, deferred, settle, wire } from './fake-channels.js';

// A join on a history topic reads the history asynchronously (Redis): what the channel does meanwhile.

const TOPIC = 'chat:1';
const POLICY = historyPolicy(true);
const at = (offset: number, n = offset): BroadcastMessage => ({ topic: TOPIC, event: 'said', payload: { n }, position: { epoch: 'e', offset } });

/** A shared history whose reads the test answers. */
class ControlledHistory implements SharedHistory {
  readonly reads: Array<{ since: unknown; answer: ReturnType<typeof deferred<Recovery>> }> = [];
  publish(): void {}
  recover(_topic: string, since: unknown): Promise<Recovery> {
    const answer = deferred<Recovery>();
    this.reads.push({ since, answer });
    return answer.promise;
  }
}

class HistoryAdapter extends RecordingAdapter {
  readonly history = new ControlledHistory();
}

class FakeHost implements ChannelHost {
  readonly serializer = new V2JsonSerializer();
  readonly socketId = null;
  readonly assigns = {};
  readonly transportName = 'websocket' as const;
  readonly frames: Frame[] = [];
  send(frame: Frame): void {
    this.frames.push(frame);
  }
  channelEnded(): void {}
  get wire(): unknown[][] {
    return this.frames.map(wire);
  }
}

let adapter: HistoryAdapter;
let pubsub: PubSub;
let fanout: ChannelFanout;
let host: FakeHost;
let warnings: string[];
let terminations: string[];

beforeEach(async () => {
  adapter = new HistoryAdapter();
  pubsub = new PubSub(adapter);
  await pubsub.onModuleInit();
  fanout = new ChannelFanout(pubsub);
  host = new FakeHost();
  warnings = [];
  terminations = [];
  jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
});
afterEach(() => jest.restoreAllMocks());

function start(payload: unknown = {}): ChannelProcess {
  const definition = defineChannel({ history: POLICY, join: () => ({ hi: 1 }), terminate: (reason) => void terminations.push(reason) });
  const channel = new ChannelProcess(host, definition, TOPIC, '1', { pubsub, fanout });
  channel.join({ joinRef: '1', ref: '1', topic: TOPIC, event: 'phx_join', payload });
  return channel;
}

test('live broadcasts during the read wait; then reply, replay, and the held ones past the position, each once', async () => {
  start({ since: 'e:1' });
  await settle();
  expect(fanout.memberCount(TOPIC)).toBe(1); // subscribed before the read
  expect(adapter.history.reads.map((read) => read.since)).toEqual([{ epoch: 'e', offset: 1 }]);
  adapter.deliverFromOtherNode(at(3)); // already in the history being read
  adapter.deliverFromOtherNode({ topic: TOPIC, event: 'typing', payload: {} }); // ephemeral
  adapter.deliverFromOtherNode(at(4)); // past it
  expect(host.frames).toEqual([]);
  adapter.history.reads[0]!.answer.resolve({ position: { epoch: 'e', offset: 3 }, recovered: true, messages: [at(2), at(3)] });
  await settle();
  expect(host.wire).toEqual([
    ['1', '1', TOPIC, 'phx_reply', { status: 'ok', response: { hi: 1, recovery: { position: 'e:3', recovered: true } } }],
    [null, 'e:2', TOPIC, 'said', { n: 2 }],
    [null, 'e:3', TOPIC, 'said', { n: 3 }],
    [null, null, TOPIC, 'typing', {}],
    [null, 'e:4', TOPIC, 'said', { n: 4 }],
  ]);
  adapter.deliverFromOtherNode(at(5)); // live from now on
  expect(host.wire.at(-1)).toEqual([null, 'e:5', TOPIC, 'said', { n: 5 }]);
});

test('a history that cannot be read: the join still succeeds, says it did not recover, and warns', async () => {
  start({ since: 'e:1' });
  await settle();
  adapter.history.reads[0]!.answer.reject(new Error('redis is away'));
  await settle();
  expect(host.wire).toEqual([['1', '1', TOPIC, 'phx_reply', { status: 'ok', response: { hi: 1, recovery: { recovered: false } } }]]);
  expect(warnings).toEqual([expect.stringContaining('The history of "chat:1" could not be read; the join goes on without recovery: Error: redis is away')]);
});

test('the connection goes away during the read: no reply, out of the fan-out, @Terminate runs once', async () => {
  const channel = start();
  await settle();
  void channel.shutdown('closed', false);
  adapter.history.reads[0]!.answer.resolve({ position: { epoch: 'e', offset: 0 }, messages: [] });
  await channel.terminated;
  expect(host.frames).toEqual([]);
  expect(fanout.memberCount(TOPIC)).toBe(0);
  expect(terminations).toEqual(['closed']);
});

test('a @HandleOut that forwards an intercepted history broadcast forwards its position too', async () => {
  const definition = defineChannel({
    history: POLICY,
    handleOut: {
      said: (socket, payload) => {
        socket.push('said', { ...(payload as object), seen: true });
        socket.push('note', {}); // another event: no position
      },
    },
  });
  const channel = new ChannelProcess(host, definition, TOPIC, '1', { pubsub, fanout });
  channel.join({ joinRef: '1', ref: '1', topic: TOPIC, event: 'phx_join', payload: {} });
  await settle();
  adapter.history.reads[0]!.answer.resolve({ position: { epoch: 'e', offset: 0 }, messages: [] });
  await settle();
  adapter.deliverFromOtherNode(at(1));
  await settle();
  expect(host.wire.slice(1)).toEqual([
    ['1', 'e:1', TOPIC, 'said', { n: 1, seen: true }],
    ['1', null, TOPIC, 'note', {}],
  ]);
});

test('the history is read before the join handler runs; what is broadcast while it runs follows the reply', async () => {
  const handler = deferred<object>();
  const definition = defineChannel({ history: POLICY, join: () => handler.promise });
  const channel = new ChannelProcess(host, definition, TOPIC, '1', { pubsub, fanout });
  channel.join({ joinRef: '1', ref: '1', topic: TOPIC, event: 'phx_join', payload: {} });
  await settle();
  expect(adapter.history.reads).toHaveLength(1); // asked before the handler was let go
  adapter.history.reads[0]!.answer.resolve({ position: { epoch: 'e', offset: 7 }, messages: [] });
  await settle();
  adapter.deliverFromOtherNode(at(8)); // while the handler reads the app's state
  handler.resolve({ messages: [] });
  await settle();
  expect(host.wire).toEqual([
    ['1', '1', TOPIC, 'phx_reply', { status: 'ok', response: { messages: [], recovery: { position: 'e:7' } } }],
    [null, 'e:8', TOPIC, 'said', { n: 8 }],
  ]);
});

test('a refused join leaves the fan-out and sends nothing it held', async () => {
  const definition = defineChannel({
    history: POLICY,
    join: () => {
      throw new ChannelException('nope');
    },
  });
  const channel = new ChannelProcess(host, definition, TOPIC, '1', { pubsub, fanout });
  channel.join({ joinRef: '1', ref: '1', topic: TOPIC, event: 'phx_join', payload: { since: 'e:1' } });
  await settle();
  adapter.deliverFromOtherNode(at(2));
  adapter.history.reads[0]!.answer.resolve({ position: { epoch: 'e', offset: 2 }, recovered: true, messages: [at(2)] });
  await settle();
  expect(host.wire).toEqual([['1', '1', TOPIC, 'phx_reply', { status: 'error', response: { reason: 'nope' } }]]);
  expect(fanout.memberCount(TOPIC)).toBe(0);
  expect(channel.closed).toBe(true);
});
