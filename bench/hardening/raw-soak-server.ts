import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { TokenBucket } from '../../lib/socket/token-bucket.js';
import { serveCommands } from '../harness/ipc.js';
import { GcPauseTally } from './gc-pauses.js';
import { memorySnapshot } from './memory-snapshot.js';

/**
 * The malformed-frame soak's baseline: a bare `ws` server answering just enough of the Phoenix V2
 * protocol for the soak (join, echo, heartbeat; an error reply for an unknown topic or event; for a
 * frame it cannot decode, an error reply within nestjs-channels' default allowance and close 1007
 * past it), with no framework around it. What the same flood costs its healthy clients tells what
 * this box allows.
 */
type Ref = string | null;

/** nestjs-channels' default `malformedFrameAllowance`. */
const MALFORMED_ALLOWANCE = { messagesPerSecond: 10, burst: 100 };

/** One served socket: its joined topics and, once it sent garbage, its allowance. */
interface Peer {
  ws: WebSocket;
  joined: Set<string>;
  allowance?: TokenBucket;
}

function reply(ws: WebSocket, joinRef: Ref, ref: Ref, topic: string, status: 'ok' | 'error', response: unknown): void {
  ws.send(JSON.stringify([joinRef, ref, topic, 'phx_reply', { status, response }]));
}

function malformed(peer: Peer, ref: unknown): void {
  peer.allowance ??= new TokenBucket(MALFORMED_ALLOWANCE);
  if (!peer.allowance.takeToken()) return peer.ws.close(1007);
  reply(peer.ws, null, typeof ref === 'string' ? ref : null, 'phoenix', 'error', { reason: 'malformed frame' });
}

function handle(peer: Peer, data: Buffer, isBinary: boolean): void {
  const { ws, joined } = peer;
  if (isBinary) return malformed(peer, null);
  let frame: unknown;
  try {
    frame = JSON.parse(data.toString('utf8'));
  } catch {
    return malformed(peer, null);
  }
  if (!Array.isArray(frame) || frame.length !== 5) return malformed(peer, null);
  const [joinRef, ref, topic, event, payload] = frame as [unknown, unknown, unknown, unknown, unknown];
  const isRef = (value: unknown) => value === null || typeof value === 'string';
  if (typeof topic !== 'string' || !topic || typeof event !== 'string' || !event || !isRef(joinRef) || !isRef(ref)) return malformed(peer, ref);
  const refs = [joinRef as Ref, ref as Ref] as const;
  if (topic === 'phoenix' && event === 'heartbeat') return reply(ws, ...refs, topic, 'ok', {});
  if (event === 'phx_join') {
    if (!topic.startsWith('soak:') || Buffer.byteLength(topic) > 255) return reply(ws, ...refs, topic, 'error', { reason: 'unmatched topic' });
    joined.add(topic);
    return reply(ws, ...refs, topic, 'ok', {});
  }
  if (!joined.has(topic)) return reply(ws, ...refs, topic, 'error', { reason: 'unmatched topic' });
  if (event === 'echo') return reply(ws, ...refs, topic, 'ok', payload);
  reply(ws, ...refs, topic, 'error', { reason: 'unhandled event' });
}

const gcPauses = new GcPauseTally();
const server = createServer((_request, response) => response.writeHead(404).end());
const wss = new WebSocketServer({ server, path: '/socket/websocket', perMessageDeflate: false, maxPayload: 1024 * 1024 });
wss.on('connection', (ws) => {
  const peer: Peer = { ws, joined: new Set() };
  ws.on('message', (data: Buffer, isBinary: boolean) => handle(peer, data, isBinary));
});
server.listen(0, '127.0.0.1', () => {
  serveCommands(
    {
      snapshot: async () => ({ ...(await memorySnapshot()), connections: wss.clients.size, topics: 0, presences: 0, resources: {} }),
      gcPauses: () => gcPauses.take(),
    },
    { port: (server.address() as { port: number }).port },
  );
});
