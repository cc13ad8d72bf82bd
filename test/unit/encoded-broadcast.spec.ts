import { jest } from '@jest/globals';
import { EncodedBroadcast } from '../../lib/pubsub/encoded-broadcast.js';
import { V1JsonSerializer } from '../../lib/serializers/v1-json.serializer.js';
import { V2JsonSerializer } from '../../lib/serializers/v2-json.serializer.js';
import { clientDecode } from './support/phoenix-serializer.js';

describe('EncodedBroadcast', () => {
  test('encodes a broadcast frame (null refs) as a Buffer the client decodes', () => {
    const broadcast = new EncodedBroadcast({ topic: 'room:1', event: 'shout', payload: { body: 'hé' } });
    const frame = broadcast.frameFor(new V2JsonSerializer())!;
    expect(frame.binary).toBe(false);
    expect(Buffer.isBuffer(frame.data)).toBe(true);
    expect(clientDecode((frame.data as Buffer).toString('utf8'))).toEqual({
      join_ref: null,
      ref: null,
      topic: 'room:1',
      event: 'shout',
      payload: { body: 'hé' },
    });
  });

  test('keeps binary frames as they are', () => {
    const broadcast = new EncodedBroadcast({ topic: 't', event: 'e', payload: Buffer.from([1, 2]) });
    const frame = broadcast.frameFor(new V2JsonSerializer())!;
    expect(frame.binary).toBe(true);
    expect([...(frame.data as Buffer)]).toEqual([2, 1, 1, ...Buffer.from('te'), 1, 2]);
  });

  test('encodes once per serializer and counts the encodes', () => {
    const [v1, v2] = [new V1JsonSerializer(), new V2JsonSerializer()];
    const encode = jest.spyOn(v2, 'encodeMessage');
    const broadcast = new EncodedBroadcast({ topic: 't', event: 'e', payload: {} });
    expect(broadcast.encodeCount).toBe(0);
    const first = broadcast.frameFor(v2);
    expect(broadcast.frameFor(v2)).toBe(first);
    expect(encode).toHaveBeenCalledTimes(1);
    broadcast.frameFor(v1);
    expect(broadcast.encodeCount).toBe(2);
  });

  test('gives null, once, for a serializer that cannot carry the payload', () => {
    const v1 = new V1JsonSerializer();
    const encode = jest.spyOn(v1, 'encodeMessage');
    const broadcast = new EncodedBroadcast({ topic: 't', event: 'e', payload: new Uint8Array([1]) });
    expect(broadcast.frameFor(v1)).toBeNull();
    expect(broadcast.frameFor(v1)).toBeNull();
    expect(encode).toHaveBeenCalledTimes(1);
    expect(broadcast.frameFor(new V2JsonSerializer())).not.toBeNull();
  });

  test('gives null for a frame too large for the binary header', () => {
    const broadcast = new EncodedBroadcast({ topic: 't'.repeat(256), event: 'e', payload: Buffer.from([1]) });
    expect(broadcast.frameFor(new V2JsonSerializer())).toBeNull();
  });
});
