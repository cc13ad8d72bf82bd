import { V2JsonSerializer } from '../../lib/serializers/v2-json.serializer.js';
import { decodeServerFrame, encodeClientFrame } from '../../lib/testing/wire-codec.js';

// The codec is the test client's half of serializer 2.0.0: check it against the server's half.
const serializer = new V2JsonSerializer();

describe('decodeServerFrame', () => {
  it('decodes text replies, pushes and broadcasts', () => {
    const reply = serializer.encodeReply({ joinRef: '1', ref: '3', topic: 'room:a', status: 'error', response: { reason: 'x' } });
    expect(decodeServerFrame(reply)).toEqual({
      kind: 'reply',
      reply: { joinRef: '1', ref: '3', topic: 'room:a', status: 'error', response: { reason: 'x' } },
    });
    const push = serializer.encodeMessage({ joinRef: '1', ref: null, topic: 'room:a', event: 'hi', payload: { n: 1 } });
    expect(decodeServerFrame(push)).toEqual({
      kind: 'message',
      message: { joinRef: '1', ref: null, topic: 'room:a', event: 'hi', payload: { n: 1 } },
    });
  });

  it('decodes text frames handed over as Buffers (shared broadcast frames)', () => {
    const frame = serializer.encodeMessage({ joinRef: null, ref: null, topic: 't', event: 'e', payload: [1] });
    const decoded = decodeServerFrame({ data: Buffer.from(frame.data as string), binary: false });
    expect(decoded).toEqual({ kind: 'message', message: { joinRef: null, ref: null, topic: 't', event: 'e', payload: [1] } });
  });

  it('decodes the three binary kinds', () => {
    const bytes = Buffer.from([0, 255, 7]);
    const reply = serializer.encodeReply({ joinRef: '12', ref: '345', topic: 'room:é', status: 'ok', response: bytes });
    expect(decodeServerFrame(reply)).toEqual({
      kind: 'reply',
      reply: { joinRef: '12', ref: '345', topic: 'room:é', status: 'ok', response: bytes },
    });
    const push = serializer.encodeMessage({ joinRef: '12', ref: null, topic: 'room:é', event: 'bin', payload: bytes });
    expect(decodeServerFrame(push)).toEqual({
      kind: 'message',
      message: { joinRef: '12', ref: null, topic: 'room:é', event: 'bin', payload: bytes },
    });
    const broadcast = serializer.encodeMessage({ joinRef: null, ref: null, topic: 'room:é', event: 'bin', payload: bytes });
    expect(decodeServerFrame(broadcast)).toEqual({
      kind: 'message',
      message: { joinRef: null, ref: null, topic: 'room:é', event: 'bin', payload: bytes },
    });
  });
});

describe('encodeClientFrame', () => {
  it('encodes text and binary pushes the server decodes back', () => {
    const text = encodeClientFrame({ joinRef: '1', ref: '2', topic: 'room:a', event: 'echo', payload: { a: [1] } });
    expect(text.binary).toBe(false);
    expect(serializer.decode(text.data, text.binary)).toEqual({ joinRef: '1', ref: '2', topic: 'room:a', event: 'echo', payload: { a: [1] } });
    const binary = encodeClientFrame({ joinRef: '1', ref: '2', topic: 'room:a', event: 'bytes', payload: new Uint8Array([9, 8]) });
    expect(binary.binary).toBe(true);
    expect(serializer.decode(binary.data, binary.binary)).toEqual({
      joinRef: '1',
      ref: '2',
      topic: 'room:a',
      event: 'bytes',
      payload: Buffer.from([9, 8]),
    });
  });
});
