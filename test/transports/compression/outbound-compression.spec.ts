import { randomBytes } from 'node:crypto';
import { constants, inflateRawSync } from 'node:zlib';
import { SharedFrame } from '../../../lib/fanout/shared-frame.js';
import { MessageDeflater } from '../../../lib/transports/websocket/message-deflater.js';
import { OutboundCompression } from '../../../lib/transports/websocket/outbound-compression.js';
import { prebuiltWebSocketFrame } from '../../../lib/transports/websocket/prebuilt-frame.js';

const OPTIONS = { thresholdBytes: 1024, level: 6 };
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** What a permessage-deflate receiver does (RFC 7692 7.2.2), with a `windowBits` window and a tiny output buffer. */
function inflate(payload: Buffer, windowBits = 15): Buffer {
  // A 64-byte output buffer makes zlib take every back-reference from its window, so a
  // reference farther back than the window fails ("invalid distance too far back").
  return inflateRawSync(Buffer.concat([payload, TAIL]), { windowBits, chunkSize: 64, finishFlush: constants.Z_SYNC_FLUSH });
}

/** The header and payload of an unmasked frame with a 16-bit length (126 to 65535 bytes) or a short one. */
function parseFrame(frame: Buffer): { fin: boolean; rsv1: boolean; opcode: number; payload: Buffer } {
  const length = frame[1]! & 0x7f;
  const offset = length === 126 ? 4 : 2;
  return { fin: (frame[0]! & 0x80) !== 0, rsv1: (frame[0]! & 0x40) !== 0, opcode: frame[0]! & 0x0f, payload: frame.subarray(offset) };
}

const chat = Buffer.from(JSON.stringify([null, null, 'room:lobby', 'new_msg', { body: 'hello room, the quick fox '.repeat(80) }]));

describe('MessageDeflater', () => {
  test('writes an independent raw deflate payload without the sync-flush tail', () => {
    const payload = new MessageDeflater(6, 15).deflate(chat);
    expect(payload.subarray(-4)).not.toEqual(TAIL);
    expect(inflate(payload)).toEqual(chat);
  });

  test('keeps back-references within the window it was given', () => {
    const block = randomBytes(1500).toString('base64url');
    const data = Buffer.from(block + block);
    expect(inflate(new MessageDeflater(6, 10).deflate(data), 10)).toEqual(data);
    // The same data compressed with a 32 KB window refers 2,000 bytes back: a 1 KB window cannot follow.
    expect(() => inflate(new MessageDeflater(6, 15).deflate(data), 10)).toThrow(/distance too far back/);
  });
});

describe('OutboundCompression', () => {
  test('compresses a shared frame once, whatever the number of sockets, and sets RSV1', () => {
    const compression = new OutboundCompression(OPTIONS, 15);
    const frame = new SharedFrame(chat, false, false);
    const first = compression.sharedFrame(frame);
    expect(compression.sharedFrame(frame)).toBe(first);
    const parsed = parseFrame(first);
    expect(parsed).toMatchObject({ fin: true, rsv1: true, opcode: 1 });
    expect(inflate(parsed.payload)).toEqual(chat);
    expect(first.length).toBeLessThan(chat.length / 4);
  });

  test('sockets with another window get their own compression of the same broadcast', () => {
    const frame = new SharedFrame(chat, false, false);
    const wide = new OutboundCompression(OPTIONS, 15).sharedFrame(frame);
    const narrow = new OutboundCompression(OPTIONS, 10).sharedFrame(frame);
    expect(narrow).not.toBe(wide);
    expect(inflate(parseFrame(narrow).payload, 10)).toEqual(chat);
  });

  test('under the threshold, a shared frame is the uncompressed one every socket gets', () => {
    const small = new SharedFrame(Buffer.from('[null,null,"room:a","ping",{}]'), false, false);
    const frame = new OutboundCompression(OPTIONS, 15).sharedFrame(small);
    expect(frame).toBe(prebuiltWebSocketFrame(small));
    expect(parseFrame(frame).rsv1).toBe(false);
  });

  test('data that does not shrink leaves uncompressed', () => {
    const noise = new SharedFrame(randomBytes(4096), true, false);
    const compression = new OutboundCompression(OPTIONS, 15);
    expect(compression.sharedFrame(noise)).toBe(prebuiltWebSocketFrame(noise));
    expect(compression.ownFrame(randomBytes(4096), true)).toBeUndefined();
  });

  test('a message for one socket: compressed from the threshold on (counted in UTF-8 bytes), binary kept binary', () => {
    const compression = new OutboundCompression({ thresholdBytes: 1000, level: 1 }, 15);
    expect(compression.ownFrame('x'.repeat(999), false)).toBeUndefined();
    // 500 two-byte characters: 1,000 bytes.
    const text = 'é'.repeat(500);
    const frame = parseFrame(compression.ownFrame(text, false)!);
    expect(frame).toMatchObject({ rsv1: true, opcode: 1 });
    expect(inflate(frame.payload).toString('utf8')).toBe(text);
    const binary = parseFrame(compression.ownFrame(Buffer.alloc(2000, 7), true)!);
    expect(binary).toMatchObject({ rsv1: true, opcode: 2 });
    expect(inflate(binary.payload)).toEqual(Buffer.alloc(2000, 7));
  });
});
