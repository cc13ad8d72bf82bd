import { createServer } from 'node:http';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { receiptFor } from './chat-message.js';
import type { InboundServer } from './inbound-server.interface.js';

type Frame = [string | null, string | null, string, string, unknown];

function reply(socket: WebSocket, [joinRef, ref, topic]: Frame, response: unknown): void {
  socket.send(JSON.stringify([joinRef, ref, topic, 'phx_reply', { status: 'ok', response }]));
}

/**
 * The floor: `ws` reading the same Phoenix v2 frames, a `JSON.parse`, a `typeof` check on the
 * body and one `send` per reply; no routing, no validation library, no write coalescing.
 */
function onMessage(socket: WebSocket, data: RawData): void {
  const frame = JSON.parse(data.toString()) as Frame;
  if (frame[3] === 'phx_join') return reply(socket, frame, {});
  const body = (frame[4] as { body?: unknown } | null)?.body;
  if (typeof body !== 'string') {
    socket.send(JSON.stringify([frame[0], frame[1], frame[2], 'phx_reply', { status: 'error', response: { reason: 'body must be a string' } }]));
    return;
  }
  reply(socket, frame, receiptFor(body));
}

export async function startRawWsInbound(): Promise<InboundServer> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, path: '/socket/websocket', perMessageDeflate: false });
  wss.on('connection', (socket) => socket.on('message', (data) => onMessage(socket, data)));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: (http.address() as { port: number }).port,
    close: () => new Promise((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close(() => http.close(() => resolve()));
    }),
  };
}
