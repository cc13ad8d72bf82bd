import * as ws from 'ws';
import type { Frame } from '../../protocol/messages.js';

interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}

// ws exports its Sender (ws/wrapper.mjs) but @types/ws does not declare it.
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

const built = new WeakMap<Frame, Buffer>();

/**
 * The complete WebSocket frame (header and payload) for a frame many sockets receive, framed by
 * `ws` once and kept with the frame: a broadcast to N subscribers is framed once, not N times.
 */
export function prebuiltWebSocketFrame(frame: Frame): Buffer {
  let bytes = built.get(frame);
  if (!bytes) {
    const data = typeof frame.data === 'string' ? Buffer.from(frame.data, 'utf8') : frame.data;
    bytes = Buffer.concat(
      Sender.frame(data, { fin: true, rsv1: false, opcode: frame.binary ? 2 : 1, mask: false, readOnly: true }),
    );
    built.set(frame, bytes);
  }
  return bytes;
}
