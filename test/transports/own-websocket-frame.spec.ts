import * as ws from 'ws';
import { ownWebSocketFrame, webSocketFrame } from '../../lib/transports/websocket/prebuilt-frame.js';

// ws's own framing, the reference (ws exports its Sender; @types/ws does not declare it).
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };
const wsFrame = (data: Buffer, binary: boolean, rsv1 = false) => Buffer.concat(Sender.frame(data, { fin: true, rsv1, opcode: binary ? 2 : 1, mask: false, readOnly: true }));

describe('webSocketFrame and ownWebSocketFrame', () => {
  // Each length encoding and its edges: 7 bits, 16 bits, 64 bits.
  const lengths = [0, 1, 125, 126, 127, 65_535, 65_536, 70_000];

  test.each(lengths)('a text frame of %i bytes is byte for byte the frame ws builds', (length) => {
    // Two-byte characters where they fit, so bytes and characters differ.
    const text = 'é'.repeat(length >> 1) + 'a'.repeat(length & 1);
    expect(ownWebSocketFrame(text, false)).toEqual(wsFrame(Buffer.from(text), false));
  });

  test.each(lengths.filter((length) => length <= 16 * 1024))('a binary frame of %i bytes is byte for byte the frame ws builds', (length) => {
    const bytes = Buffer.alloc(length, 7);
    expect(ownWebSocketFrame(bytes, true)).toEqual(wsFrame(bytes, true));
  });

  test.each(lengths)('a compressed frame of %i bytes (RSV1 set) is byte for byte the frame ws builds, whatever its size', (length) => {
    const bytes = Buffer.alloc(length, 9);
    expect(webSocketFrame(bytes, true, true)).toEqual(wsFrame(bytes, true, true));
    expect(webSocketFrame(bytes, false, true)).toEqual(wsFrame(bytes, false, true));
  });

  test('a binary payload over 16 KiB is left to ws, which writes it without a copy', () => {
    expect(ownWebSocketFrame(Buffer.alloc(16 * 1024 + 1), true)).toBeUndefined();
    expect(ownWebSocketFrame(Buffer.alloc(16 * 1024), true)).toBeDefined();
  });
});
