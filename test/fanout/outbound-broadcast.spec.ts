import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { OutboundBroadcast } from '../../lib/fanout/outbound-broadcast.js';
import { SharedFrame } from '../../lib/fanout/shared-frame.js';
import type { BroadcastMessage } from '../../lib/pubsub/broadcast-message.js';
import { V1JsonSerializer } from '../../lib/serializers/v1-json.serializer.js';
import { V2JsonSerializer } from '../../lib/serializers/v2-json.serializer.js';
import { clientDecode } from '../support/phoenix-serializer.js';

const toMany = (message: BroadcastMessage, origin: 'local' | 'remote' = 'local') => new OutboundBroadcast(message, origin, true);

let warnings: string[];
beforeEach(() => {
  warnings = [];
  jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
    warnings.push(String(message));
  });
});
afterEach(() => jest.restoreAllMocks());

describe('OutboundBroadcast', () => {
  test('for several subscribers: a shared frame (null refs) whose bytes the client decodes', () => {
    const frame = toMany({ topic: 'room:1', event: 'shout', payload: { body: 'hé' } }).frameFor(new V2JsonSerializer())!;
    expect(frame).toBeInstanceOf(SharedFrame);
    expect(frame.binary).toBe(false);
    expect(frame.fromOtherNode).toBe(false);
    expect(Buffer.isBuffer(frame.data)).toBe(true);
    expect(clientDecode((frame.data as Buffer).toString('utf8'))).toEqual({
      join_ref: null,
      ref: null,
      topic: 'room:1',
      event: 'shout',
      payload: { body: 'hé' },
    });
  });

  test('for a single subscriber: the serializer frame as it is, no shared copy', () => {
    const frame = new OutboundBroadcast({ topic: 't', event: 'e', payload: {} }, 'local', false).frameFor(new V2JsonSerializer())!;
    expect(frame).toEqual({ data: '[null,null,"t","e",{}]', binary: false });
  });

  test('marks the frames of a broadcast from another node, shared or not', () => {
    const message = { topic: 't', event: 'e', payload: {} };
    expect(toMany(message, 'remote').frameFor(new V2JsonSerializer())!.fromOtherNode).toBe(true);
    const single = new OutboundBroadcast(message, 'remote', false).frameFor(new V2JsonSerializer())!;
    expect(single).toEqual({ data: '[null,null,"t","e",{}]', binary: false, fromOtherNode: true });
  });

  test('keeps binary frames as they are', () => {
    const frame = toMany({ topic: 't', event: 'e', payload: Buffer.from([1, 2]) }).frameFor(new V2JsonSerializer())!;
    expect(frame.binary).toBe(true);
    expect([...(frame.data as Buffer)]).toEqual([2, 1, 1, ...Buffer.from('te'), 1, 2]);
  });

  test('encodes once per serializer', () => {
    const [v1, v2] = [new V1JsonSerializer(), new V2JsonSerializer()];
    const [encodeV1, encodeV2] = [jest.spyOn(v1, 'encodeMessage'), jest.spyOn(v2, 'encodeMessage')];
    const broadcast = toMany({ topic: 't', event: 'e', payload: {} });
    const first = broadcast.frameFor(v2);
    expect(broadcast.frameFor(v2)).toBe(first);
    expect(broadcast.frameFor(v1)).not.toBe(first);
    expect(broadcast.frameFor(v1)).toBe(broadcast.frameFor(v1));
    expect([encodeV1.mock.calls.length, encodeV2.mock.calls.length]).toEqual([1, 1]);
  });

  test('gives null for a serializer that cannot carry the payload, encoded and logged once per broadcast', () => {
    const v1 = new V1JsonSerializer();
    const encode = jest.spyOn(v1, 'encodeMessage');
    const broadcast = toMany({ topic: 't', event: 'e', payload: new Uint8Array([1]) });
    expect(broadcast.frameFor(v1)).toBeNull();
    expect(broadcast.frameFor(v1)).toBeNull();
    expect(encode).toHaveBeenCalledTimes(1);
    expect(warnings).toEqual([expect.stringContaining('Broadcast "e" on "t" cannot be encoded for serializer 1.0.0')]);
    expect(broadcast.frameFor(new V2JsonSerializer())).not.toBeNull();
  });

  test('gives null for a frame too large for the binary header', () => {
    const broadcast = toMany({ topic: 't'.repeat(256), event: 'e', payload: Buffer.from([1]) });
    expect(broadcast.frameFor(new V2JsonSerializer())).toBeNull();
  });
});

describe('SharedFrame', () => {
  test('builds what each transport prepares once, and keeps transports apart', () => {
    const frame = new SharedFrame(Buffer.from('x'), false, false);
    const [a, b] = [Symbol('a'), Symbol('b')];
    const buildA = jest.fn((shared: SharedFrame) => `a:${shared.data.toString()}`);
    const buildB = jest.fn(() => ({ b: true }));
    expect(frame.prepared(a, buildA)).toBe('a:x');
    expect(frame.prepared(a, buildA)).toBe('a:x');
    const preparedB = frame.prepared(b, buildB);
    expect(frame.prepared(b, buildB)).toBe(preparedB);
    expect(buildA).toHaveBeenCalledTimes(1);
    expect(buildB).toHaveBeenCalledTimes(1);
  });
});
