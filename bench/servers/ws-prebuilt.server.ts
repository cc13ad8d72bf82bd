import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { BROADCAST_EVENT, encodeV2Broadcast } from '../harness/payload.js';
import type { BenchServer } from './bench-server.interface.js';
import { WsTopicServer } from './ws-topic-server.js';

/** An unmasked, final WebSocket text frame holding `text` (RFC 6455 section 5.2). */
export function textFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const headerBytes = payload.length < 126 ? 2 : payload.length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + payload.length);
  frame[0] = 0x81;
  if (headerBytes === 2) {
    frame[1] = payload.length;
  } else if (headerBytes === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(payload.length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  payload.copy(frame, headerBytes);
  return frame;
}

function rawSocketOf(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket;
}

/**
 * (b) The practical limit of this stack: the frame is built once per broadcast, then one
 * `socket.write` of the same Buffer per subscriber, bypassing ws's per-send framing.
 */
export async function startWsPrebuilt(): Promise<BenchServer> {
  const server = new WsTopicServer();
  const port = await server.listen();
  return {
    port,
    broadcast(topic, payload) {
      const frame = textFrame(encodeV2Broadcast(topic, BROADCAST_EVENT, payload));
      for (const ws of server.subscribers(topic)) rawSocketOf(ws).write(frame);
    },
    messageBytes: (topic, payload) => Buffer.byteLength(encodeV2Broadcast(topic, BROADCAST_EVENT, payload)),
  };
}
