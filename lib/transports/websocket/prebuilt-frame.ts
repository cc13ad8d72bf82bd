import type { SharedFrame } from '../../fanout/shared-frame.js';

/** Names the WebSocket preparation among a shared frame's (`SharedFrame.prepared`). */
const WEBSOCKET = Symbol('websocket frame');

/**
 * A complete, unmasked server frame (header and payload) in one buffer, with one copy of the
 * payload (encoded straight into it when a string). `compressed` sets RSV1: the payload is then a
 * permessage-deflate message (see OutboundCompression). Built here rather than by ws's
 * `Sender.frame`, which keeps the header apart from the payload: joining them would copy a
 * string payload twice. RFC 6455 5.2: FIN, RSV1 and the opcode, then the length in 7 bits, or
 * 126 and 16 bits, or 127 and 64 bits.
 */
export function webSocketFrame(payload: Buffer | string, binary: boolean, compressed: boolean): Buffer {
  const length = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x80 | (compressed ? 0x40 : 0) | (binary ? 2 : 1);
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  if (typeof payload === 'string') frame.write(payload, header, 'utf8');
  else payload.copy(frame, header);
  return frame;
}

function build(frame: SharedFrame): Buffer {
  return webSocketFrame(frame.data, frame.binary, false);
}

/**
 * The complete WebSocket frame (header and payload) of a frame many sockets receive, framed once
 * per broadcast: a broadcast to N subscribers is framed once, not N times.
 */
export function prebuiltWebSocketFrame(frame: SharedFrame): Buffer {
  return frame.prepared(WEBSOCKET, build);
}

/** Past this, a payload in a Buffer for one socket is left to `ws` (header and payload written apart, no copy of the payload). */
const COPY_LIMIT_BYTES = 16 * 1024;

/**
 * A reply or push for one socket framed whole, so that a lone one leaves in one `write` rather
 * than a corked socket and a `writev`; undefined for a Buffer payload (binary, or text already
 * encoded) above 16 KiB.
 */
export function ownWebSocketFrame(data: string | Buffer, binary: boolean): Buffer | undefined {
  if (typeof data !== 'string' && data.length > COPY_LIMIT_BYTES) return undefined;
  return webSocketFrame(data, binary, false);
}
