import { ProtocolError } from '../../lib/errors/protocol.error.js';
import { BinaryKind, decodeBinaryPush, encodeBinaryFrame } from '../../lib/serializers/v2-binary-frame.js';
import { bytes, clientDecode, clientEncode, toBuffer } from '../support/phoenix-serializer.js';

describe('encodeBinaryFrame', () => {
  test('writes the kind, one length byte per field, the fields, then the payload', () => {
    const frame = encodeBinaryFrame(BinaryKind.broadcast, [['topic', 'room'], ['event', 'é']], Buffer.from([1, 2, 3]));
    expect([...frame]).toEqual([2, 4, 2, ...Buffer.from('roomé'), 1, 2, 3]);
  });

  test('writes a null field as zero bytes', () => {
    const frame = encodeBinaryFrame(BinaryKind.reply, [['join_ref', null], ['ref', '1'], ['topic', 't'], ['status', 'ok']], Buffer.alloc(0));
    expect([...frame]).toEqual([1, 0, 1, 1, 2, ...Buffer.from('1tok')]);
    expect(clientDecode(frame)).toMatchObject({ ref: '1', topic: 't', event: 'phx_reply', payload: { status: 'ok' } });
  });

  test('names the field that does not fit in 255 bytes', () => {
    expect(() => encodeBinaryFrame(BinaryKind.push, [['join_ref', '1'], ['topic', 'x'.repeat(256)]], Buffer.alloc(0))).toThrow(
      /topic is 256 bytes/,
    );
  });
});

describe('decodeBinaryPush', () => {
  test('reads the frame the phoenix client builds', () => {
    const frame = toBuffer(clientEncode({ join_ref: '10', ref: '11', topic: 'room:1', event: 'blob', payload: bytes(42) }));
    expect(decodeBinaryPush(frame)).toEqual({ joinRef: '10', ref: '11', topic: 'room:1', event: 'blob', payload: Buffer.from([42]) });
  });

  test('reads a frame that is a view into a larger buffer', () => {
    const frame = toBuffer(clientEncode({ join_ref: '1', ref: '2', topic: 't', event: 'e', payload: bytes(8, 9) }));
    const pool = Buffer.concat([Buffer.from([99, 99]), frame, Buffer.from([99])]);
    const view = pool.subarray(2, 2 + frame.length);
    expect(decodeBinaryPush(view)).toEqual({ joinRef: '1', ref: '2', topic: 't', event: 'e', payload: Buffer.from([8, 9]) });
  });

  test('refuses a frame whose header is cut short or whose lengths overrun it', () => {
    expect(() => decodeBinaryPush(Buffer.from([0, 1, 1]))).toThrow(ProtocolError);
    expect(() => decodeBinaryPush(Buffer.from([0, 1, 1, 1, 2, ...Buffer.from('12te')]))).toThrow(ProtocolError);
  });

  test('refuses kinds other than push', () => {
    expect(() => decodeBinaryPush(Buffer.from([BinaryKind.reply, 1, 1, 1, 1, ...Buffer.from('12to')]))).toThrow(/kind 1/);
  });
});
