import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { BroadcastMessage, BroadcastOrigin } from '../../lib/pubsub/broadcast-message.js';
import type { BroadcastSubscriber } from '../../lib/pubsub/broadcast-subscriber.interface.js';
import { PubSub } from '../../lib/pubsub/pubsub.js';
import { RecordingAdapter } from './fake-pubsub-adapter.js';

/** A subscriber that records what it receives, and where it came from. */
class FakeChannel implements BroadcastSubscriber {
  readonly received: BroadcastMessage[] = [];
  readonly origins: BroadcastOrigin[] = [];

  constructor(readonly subscriberId: string) {}

  deliver(message: BroadcastMessage, origin: BroadcastOrigin): void {
    this.received.push(message);
    this.origins.push(origin);
  }
}

let adapter: RecordingAdapter;
let pubsub: PubSub;
let loggedErrors: unknown[][];

beforeEach(async () => {
  adapter = new RecordingAdapter();
  pubsub = new PubSub(adapter);
  await pubsub.onModuleInit();
  loggedErrors = [];
  jest.spyOn(Logger.prototype, 'error').mockImplementation((...args: unknown[]) => {
    loggedErrors.push(args);
  });
});

afterEach(() => jest.restoreAllMocks());

describe('PubSub: local delivery', () => {
  test('broadcast reaches every subscriber of the topic once, and no one else', () => {
    const [a, b, other] = [new FakeChannel('a'), new FakeChannel('b'), new FakeChannel('other')];
    pubsub.subscribe('room:1', a);
    pubsub.subscribe('room:1', b);
    pubsub.subscribe('room:2', other);
    pubsub.broadcast('room:1', 'shout', { body: 'hi' });
    expect(a.received).toEqual([{ topic: 'room:1', event: 'shout', payload: { body: 'hi' } }]);
    expect(b.received).toEqual(a.received);
    expect(other.received).toEqual([]);
  });

  test('delivers in broadcast order', () => {
    const channel = new FakeChannel('a');
    pubsub.subscribe('t', channel);
    for (let n = 0; n < 5; n++) pubsub.broadcast('t', 'n', n);
    expect(channel.received.map((message) => message.payload)).toEqual([0, 1, 2, 3, 4]);
  });

  test('a subscriber added twice receives each broadcast once', () => {
    const channel = new FakeChannel('a');
    pubsub.subscribe('t', channel);
    pubsub.subscribe('t', channel);
    pubsub.broadcast('t', 'e', {});
    expect(channel.received).toHaveLength(1);
    expect(pubsub.subscriberCount('t')).toBe(1);
  });

  test('a plain function handler receives the message and can unsubscribe', () => {
    const seen: BroadcastMessage[] = [];
    const handler = (message: BroadcastMessage) => seen.push(message);
    pubsub.subscribe('t', handler);
    pubsub.broadcast('t', 'e', { n: 1 });
    pubsub.unsubscribe('t', handler);
    pubsub.broadcast('t', 'e', { n: 2 });
    expect(seen).toEqual([{ topic: 't', event: 'e', payload: { n: 1 } }]);
  });

  test('broadcastFrom skips the sender, given as a subscriber or as its id', () => {
    const [sender, other] = [new FakeChannel('sender'), new FakeChannel('other')];
    pubsub.subscribe('t', sender);
    pubsub.subscribe('t', other);
    pubsub.broadcastFrom(sender, 't', 'e', 1);
    pubsub.broadcastFrom('sender', 't', 'e', 2);
    expect(sender.received).toEqual([]);
    expect(other.received.map((message) => message.payload)).toEqual([1, 2]);
  });

  test('a subscriber that leaves during delivery does not stop the others', () => {
    const later = new FakeChannel('later');
    const leaver: BroadcastSubscriber = { subscriberId: 'leaver', deliver: () => pubsub.unsubscribe('t', leaver) };
    pubsub.subscribe('t', leaver);
    pubsub.subscribe('t', later);
    pubsub.broadcast('t', 'e', {});
    expect(later.received).toHaveLength(1);
    expect(pubsub.subscriberCount('t')).toBe(1);
  });

  test('a throwing subscriber does not stop delivery to the others, and is logged', () => {
    const [before, after] = [new FakeChannel('before'), new FakeChannel('after')];
    pubsub.subscribe('t', before);
    pubsub.subscribe('t', {
      subscriberId: 'broken',
      deliver: () => {
        throw new Error('boom');
      },
    });
    pubsub.subscribe('t', after);
    expect(() => pubsub.broadcast('t', 'e', {})).not.toThrow();
    expect(before.received).toHaveLength(1);
    expect(after.received).toHaveLength(1);
    expect(String(loggedErrors[0]?.[0])).toContain('boom');
  });

  test('a broadcast on a topic nobody follows is a no-op locally', () => {
    expect(() => pubsub.broadcast('nobody', 'e', {})).not.toThrow();
    expect(adapter.published).toHaveLength(1);
  });
});

describe('PubSub: the adapter', () => {
  test('broadcast publishes exactly once to other nodes', () => {
    pubsub.subscribe('t', new FakeChannel('a'));
    pubsub.subscribe('t', new FakeChannel('b'));
    pubsub.broadcast('t', 'e', { n: 1 });
    expect(adapter.published).toEqual([{ topic: 't', event: 'e', payload: { n: 1 } }]);
  });

  test('broadcastFrom publishes the sender id so other nodes skip it too', () => {
    pubsub.broadcastFrom({ subscriberId: 'me' }, 't', 'e', {});
    expect(adapter.published).toEqual([{ topic: 't', event: 'e', payload: {}, from: 'me' }]);
  });

  test('localBroadcast does not publish', () => {
    const channel = new FakeChannel('a');
    pubsub.subscribe('t', channel);
    pubsub.localBroadcast('t', 'e', {});
    expect(channel.received).toHaveLength(1);
    expect(adapter.published).toEqual([]);
  });

  test('an adapter whose publish throws does not throw into the caller, and local delivery still happens', () => {
    const channel = new FakeChannel('a');
    pubsub.subscribe('t', channel);
    adapter.failPublish = new Error('redis down');
    expect(() => pubsub.broadcast('t', 'e', {})).not.toThrow();
    expect(() => pubsub.broadcastFrom('x', 't', 'e', {})).not.toThrow();
    expect(channel.received).toHaveLength(2);
    expect(loggedErrors.map((args) => String(args[0])).join('\n')).toContain('redis down');
  });

  test('subscribes the adapter on the first local subscriber and unsubscribes on the last', () => {
    const [a, b] = [new FakeChannel('a'), new FakeChannel('b')];
    pubsub.subscribe('t', a);
    pubsub.subscribe('t', b);
    pubsub.subscribe('t', a);
    expect(adapter.subscribed).toEqual(['t']);
    pubsub.unsubscribe('t', a);
    expect(adapter.unsubscribed).toEqual([]);
    pubsub.unsubscribe('t', a);
    pubsub.unsubscribe('t', new FakeChannel('stranger'));
    expect(adapter.unsubscribed).toEqual([]);
    pubsub.unsubscribe('t', b);
    expect(adapter.unsubscribed).toEqual(['t']);
    expect(pubsub.subscriberCount('t')).toBe(0);
    expect(pubsub.topicCount).toBe(0);
    pubsub.subscribe('t', a);
    expect(adapter.subscribed).toEqual(['t', 't']);
  });

  test('unsubscribing from a topic never followed does not reach the adapter', () => {
    pubsub.unsubscribe('never', new FakeChannel('a'));
    expect(adapter.unsubscribed).toEqual([]);
  });

  test('counts topics and subscribers', () => {
    pubsub.subscribe('a', new FakeChannel('1'));
    pubsub.subscribe('a', new FakeChannel('2'));
    pubsub.subscribe('b', new FakeChannel('3'));
    expect(pubsub.topicCount).toBe(2);
    expect(pubsub.subscriberCount('a')).toBe(2);
    expect(pubsub.subscriberCount('none')).toBe(0);
  });

  test('messages from other nodes reach local subscribers and are not published again', () => {
    const [sender, other] = [new FakeChannel('sender'), new FakeChannel('other')];
    pubsub.subscribe('t', sender);
    pubsub.subscribe('t', other);
    adapter.deliverFromOtherNode({ topic: 't', event: 'e', payload: 1, from: 'sender' });
    adapter.deliverFromOtherNode({ topic: 't', event: 'e', payload: 2 });
    expect(other.received.map((message) => message.payload)).toEqual([1, 2]);
    expect(sender.received.map((message) => message.payload)).toEqual([2]);
    expect(adapter.published).toEqual([]);
  });

  test('tells subscribers whether a broadcast came from this node or another', () => {
    const channel = new FakeChannel('a');
    pubsub.subscribe('t', channel);
    pubsub.broadcast('t', 'e', 1);
    pubsub.localBroadcast('t', 'e', 2);
    adapter.deliverFromOtherNode({ topic: 't', event: 'e', payload: 3 });
    expect(channel.origins).toEqual(['local', 'local', 'remote']);
  });

  test('closes the adapter on shutdown', async () => {
    await pubsub.onApplicationShutdown();
    expect(adapter.closed).toBe(1);
  });
});
