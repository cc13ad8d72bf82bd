import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { ChannelFanout } from '../../lib/fanout/channel-fanout.js';
import type { FanoutMember } from '../../lib/fanout/fanout-member.interface.js';
import { SharedFrame } from '../../lib/fanout/shared-frame.js';
import { SliceBudget } from '../../lib/fanout/slice-budget.js';
import type { Frame } from '../../lib/protocol/messages.js';
import type { BroadcastMessage } from '../../lib/pubsub/broadcast-message.js';
import { PubSub } from '../../lib/pubsub/pubsub.js';
import type { Serializer } from '../../lib/serializers/serializer.interface.js';
import { V1JsonSerializer } from '../../lib/serializers/v1-json.serializer.js';
import { V2JsonSerializer } from '../../lib/serializers/v2-json.serializer.js';
import { RecordingAdapter } from '../pubsub/fake-pubsub-adapter.js';

/** A joined channel as the fan-out sees it: its connection's frames, and what it intercepted. */
class FakeMember implements FanoutMember {
  readonly frames: Frame[] = [];
  readonly intercepted: BroadcastMessage[] = [];
  readonly intercepts: ReadonlyMap<string, unknown>;
  readonly target: { serializer: Serializer; send: (frame: Frame) => void };

  constructor(
    readonly subscriberId: string,
    serializer: Serializer = new V2JsonSerializer(),
    intercepted: string[] = [],
  ) {
    this.intercepts = new Map(intercepted.map((event) => [event, true]));
    this.target = { serializer, send: (frame) => this.frames.push(frame) };
  }

  intercept(message: BroadcastMessage): void {
    this.intercepted.push(message);
  }
}

let adapter: RecordingAdapter;
let pubsub: PubSub;
let fanout: ChannelFanout;
let loggedErrors: string[];

beforeEach(async () => {
  adapter = new RecordingAdapter();
  pubsub = new PubSub(adapter);
  await pubsub.onModuleInit();
  fanout = new ChannelFanout(pubsub);
  loggedErrors = [];
  jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
    loggedErrors.push(String(message));
  });
});
afterEach(() => jest.restoreAllMocks());

const text = (frame: Frame | undefined) => (frame === undefined ? undefined : frame.data.toString());

describe('ChannelFanout', () => {
  test('is one PubSub subscriber per topic, whatever the number of joined channels', () => {
    const [a, b] = [new FakeMember('a'), new FakeMember('b')];
    fanout.add('t', a);
    fanout.add('t', b);
    expect(pubsub.subscriberCount('t')).toBe(1);
    expect(fanout.memberCount('t')).toBe(2);
    expect(adapter.subscribed).toEqual(['t']);
    fanout.remove('t', a);
    expect(adapter.unsubscribed).toEqual([]);
    fanout.remove('t', b);
    expect(adapter.unsubscribed).toEqual(['t']);
    expect(pubsub.subscriberCount('t')).toBe(0);
  });

  test('N channels on one serializer cost one encode and share one frame', () => {
    const serializer = new V2JsonSerializer();
    const encode = jest.spyOn(serializer, 'encodeMessage');
    const members = Array.from({ length: 5 }, (_, index) => new FakeMember(`c${index}`, serializer));
    for (const member of members) fanout.add('t', member);
    pubsub.broadcast('t', 'e', { n: 1 });
    expect(encode).toHaveBeenCalledTimes(1);
    const frame = members[0].frames[0];
    expect(frame).toBeInstanceOf(SharedFrame);
    expect(text(frame)).toBe('[null,null,"t","e",{"n":1}]');
    for (const member of members) expect(member.frames).toEqual([frame]);
  });

  test('two serializer versions cost two encodes', () => {
    const [v1, v2] = [new V1JsonSerializer(), new V2JsonSerializer()];
    const [encodeV1, encodeV2] = [jest.spyOn(v1, 'encodeMessage'), jest.spyOn(v2, 'encodeMessage')];
    for (let index = 0; index < 3; index++) {
      fanout.add('t', new FakeMember(`v1-${index}`, v1));
      fanout.add('t', new FakeMember(`v2-${index}`, v2));
    }
    pubsub.broadcast('t', 'e', {});
    expect(encodeV1).toHaveBeenCalledTimes(1);
    expect(encodeV2).toHaveBeenCalledTimes(1);
  });

  test('each broadcast is encoded afresh', () => {
    const serializer = new V2JsonSerializer();
    const encode = jest.spyOn(serializer, 'encodeMessage');
    fanout.add('t', new FakeMember('a', serializer));
    pubsub.broadcast('t', 'e', 1);
    pubsub.broadcast('t', 'e', 2);
    expect(encode).toHaveBeenCalledTimes(2);
  });

  test('a lone channel gets the serializer frame itself, not a shared copy', () => {
    const member = new FakeMember('a');
    fanout.add('t', member);
    pubsub.broadcast('t', 'e', {});
    expect(member.frames).toEqual([{ data: '[null,null,"t","e",{}]', binary: false }]);
  });

  test('broadcastFrom skips the sending channel only', () => {
    const [sender, other] = [new FakeMember('sender'), new FakeMember('other')];
    fanout.add('t', sender);
    fanout.add('t', other);
    pubsub.broadcastFrom('sender', 't', 'e', 1);
    expect(sender.frames).toEqual([]);
    expect(other.frames.map(text)).toEqual(['[null,null,"t","e",1]']);
  });

  test('intercepted events go to their channel, the others to the connection', () => {
    const [intercepting, plain] = [new FakeMember('i', new V2JsonSerializer(), ['secret']), new FakeMember('p')];
    fanout.add('t', intercepting);
    fanout.add('t', plain);
    pubsub.broadcast('t', 'secret', { x: 1 });
    pubsub.broadcast('t', 'open', {});
    expect(intercepting.intercepted).toEqual([{ topic: 't', event: 'secret', payload: { x: 1 } }]);
    expect(intercepting.frames.map(text)).toEqual(['[null,null,"t","open",{}]']);
    expect(plain.frames.map(text)).toEqual(['[null,null,"t","secret",{"x":1}]', '[null,null,"t","open",{}]']);
  });

  test('marks frames of broadcasts from another node', () => {
    const member = new FakeMember('a');
    fanout.add('t', member);
    adapter.deliverFromOtherNode({ topic: 't', event: 'e', payload: {} });
    pubsub.broadcast('t', 'e', {});
    expect(member.frames.map((frame) => frame.fromOtherNode === true)).toEqual([true, false]);
  });

  test('a channel whose connection throws does not stop delivery to the others, and is logged', () => {
    const broken: FanoutMember = {
      subscriberId: 'broken',
      intercepts: new Map(),
      target: {
        serializer: new V2JsonSerializer(),
        send: () => {
          throw new Error('boom');
        },
      },
      intercept: () => {},
    };
    const after = new FakeMember('after');
    fanout.add('t', broken);
    fanout.add('t', after);
    expect(() => pubsub.broadcast('t', 'e', {})).not.toThrow();
    expect(after.frames).toHaveLength(1);
    expect(loggedErrors.join('\n')).toContain('boom');
  });

  test('a channel that leaves during delivery does not stop the others', () => {
    const later = new FakeMember('later');
    const leaver: FanoutMember = {
      subscriberId: 'leaver',
      intercepts: new Map(),
      target: { serializer: new V2JsonSerializer(), send: () => fanout.remove('t', leaver) },
      intercept: () => {},
    };
    fanout.add('t', leaver);
    fanout.add('t', later);
    pubsub.broadcast('t', 'e', {});
    expect(later.frames).toHaveLength(1);
    expect(fanout.memberCount('t')).toBe(1);
  });

  describe('deliverInSlices', () => {
    /** A budget of 0 ms: a turn of the event loop before every channel. */
    const everyChannel = () => new SliceBudget(0);

    test('encodes once, skips whom it is told, and lets the event loop run between slices', async () => {
      const serializer = new V2JsonSerializer();
      const encode = jest.spyOn(serializer, 'encodeMessage');
      const members = Array.from({ length: 4 }, (_, index) => new FakeMember(`c${index}`, serializer));
      for (const member of members) fanout.add('t', member);
      // Another callback of the event loop (queued before the first pause's) runs while the
      // delivery is under way: before the last channel got its frame.
      let lastServedBeforeOtherWork: boolean | undefined;
      setImmediate(() => (lastServedBeforeOtherWork = members[3]!.frames.length > 0));
      await fanout.deliverInSlices({ topic: 't', event: 'presence_diff', payload: { n: 1 } }, (id) => id === 'c2', everyChannel());
      expect(encode).toHaveBeenCalledTimes(1);
      expect(members.map((member) => member.frames.map(text))).toEqual([['[null,null,"t","presence_diff",{"n":1}]'], ['[null,null,"t","presence_diff",{"n":1}]'], [], ['[null,null,"t","presence_diff",{"n":1}]']]);
      expect(lastServedBeforeOtherWork).toBe(false);
    });

    test('serves the channels joined when it was called: one that leaves meanwhile is skipped, one that joins gets the next message', async () => {
      const [stays, leaves, late] = [new FakeMember('stays'), new FakeMember('leaves'), new FakeMember('late')];
      fanout.add('t', stays);
      fanout.add('t', leaves);
      const delivered = fanout.deliverInSlices({ topic: 't', event: 'e', payload: 1 }, () => false, everyChannel());
      fanout.remove('t', leaves);
      fanout.add('t', late);
      await delivered;
      expect([stays, leaves, late].map((member) => member.frames.length)).toEqual([1, 0, 0]);
    });

    test('hands intercepted events to their channel', async () => {
      const intercepting = new FakeMember('i', new V2JsonSerializer(), ['presence_diff']);
      fanout.add('t', intercepting);
      await fanout.deliverInSlices({ topic: 't', event: 'presence_diff', payload: {} }, () => false, everyChannel());
      expect(intercepting.intercepted).toEqual([{ topic: 't', event: 'presence_diff', payload: {} }]);
      expect(intercepting.frames).toEqual([]);
    });
  });
});
