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
