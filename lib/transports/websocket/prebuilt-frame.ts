import * as ws from 'ws';
import type { SharedFrame } from '../../fanout/shared-frame.js';

interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}

// ws exports its Sender (ws/wrapper.mjs) but @types/ws does not declare it.
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

/** Names the WebSocket preparation among a shared frame's (`SharedFrame.prepared`). */
const WEBSOCKET = Symbol('websocket frame');

/**
 * A complete, unmasked server frame (header and payload), framed by `ws`. `compressed` sets RSV1:
 * the payload is then a permessage-deflate message (see OutboundCompression).
 */
export function webSocketFrame(payload: Buffer, binary: boolean, compressed: boolean): Buffer {
  const options = { fin: true, rsv1: compressed, opcode: binary ? 2 : 1, mask: false, readOnly: true };
  return Buffer.concat(Sender.frame(payload, options));
}

function build(frame: SharedFrame): Buffer {
  return webSocketFrame(frame.data, frame.binary, false);
}

/**
 * The complete WebSocket frame (header and payload) of a frame many sockets receive, framed by
 * `ws` once per broadcast: a broadcast to N subscribers is framed once, not N times.
 */
export function prebuiltWebSocketFrame(frame: SharedFrame): Buffer {
  return frame.prepared(WEBSOCKET, build);
}

/** Past this, a binary payload is framed by `ws` (header and payload written apart, no copy of the payload). */
const COPY_LIMIT_BYTES = 16 * 1024;

/**
 * A complete, unmasked, uncompressed frame of `data` for one socket, in one buffer with one copy
 * of the payload, or undefined for a binary payload above 16 KiB. ws's `Sender.frame` keeps the
 * header apart from the payload, so each reply would need a corked socket and a `writev`; built
 * whole, a lone reply leaves in one `write`. RFC 6455 5.2: FIN and the opcode, then the length
 * in 7 bits, or 126 and 16 bits, or 127 and 64 bits.
 */
export function ownWebSocketFrame(data: string | Buffer, binary: boolean): Buffer | undefined {
  if (typeof data !== 'string' && data.length > COPY_LIMIT_BYTES) return undefined;
  const length = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x80 | (binary ? 2 : 1);
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  if (typeof data === 'string') frame.write(data, header, 'utf8');
  else data.copy(frame, header);
  return frame;
}
