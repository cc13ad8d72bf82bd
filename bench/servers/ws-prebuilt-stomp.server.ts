import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BROADCAST_EVENT, type BenchPayload } from '../harness/payload.js';
import type { BenchServer } from './bench-server.interface.js';
import { textFrame } from './ws-prebuilt.server.js';

const STOMP_PATH = '/socket/stomp';
/** The subscription id every bench client's first SUBSCRIBE uses (as `@stomp/stompjs` does). */
const FIRST_SUBSCRIPTION = 'sub-0';

/** The MESSAGE frame every subscriber of `topic` receives, headers as nestjs-channels writes them. */
export function stompMessage(topic: string, payload: BenchPayload, seq: number): string {
  const body = JSON.stringify(payload);
  return (
    `MESSAGE\ndestination:/topic/${topic.replace(/:/g, '\\c')}\nmessage-id:raw-${seq}\nevent:${BROADCAST_EVENT}\n` +
    `content-type:application/json\ncontent-length:${Buffer.byteLength(body)}\nsubscription:${FIRST_SUBSCRIPTION}\n\n${body}\0`
  );
}

function header(frame: string, name: string): string | undefined {
  const line = frame.split('\n').find((entry) => entry.startsWith(`${name}:`));
  return line?.slice(name.length + 1).replace(/\\c/g, ':');
}

/**
 * The STOMP baseline: a bare `ws` server that understands just enough STOMP (CONNECT, SUBSCRIBE
 * with a receipt) and writes one pre-built MESSAGE frame, framed for WebSocket once, per
 * subscriber. It assumes every client's subscription id is `sub-0` (true of the bench clients'
 * fan-out topic); the many-topics scenario's own topics (`sub-1`) get the same frame.
 */
export async function startWsPrebuiltStomp(): Promise<BenchServer> {
  const topics = new Map<string, Set<WebSocket>>();
  const http = createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('v12.stomp') ? 'v12.stomp' : false),
  });
  http.on('upgrade', (request, socket, head) => {
    if (!request.url?.startsWith(STOMP_PATH)) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => {
      const joined: string[] = [];
      ws.on('message', (data: Buffer) => {
        const frame = data.toString('utf8');
        if (frame.startsWith('CONNECT')) {
          ws.send('CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0');
        } else if (frame.startsWith('SUBSCRIBE')) {
          const topic = header(frame, 'destination')!.slice('/topic/'.length);
          let sockets = topics.get(topic);
          if (!sockets) topics.set(topic, (sockets = new Set()));
          sockets.add(ws);
          joined.push(topic);
          ws.send(`RECEIPT\nreceipt-id:${header(frame, 'receipt')}\n\n\0`);
        }
      });
      ws.on('error', () => ws.terminate());
      ws.on('close', () => {
        for (const topic of joined) topics.get(topic)?.delete(ws);
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  let seq = 0;
  return {
    port: (http.address() as { port: number }).port,
    broadcast(topic, payload) {
      const frame = textFrame(stompMessage(topic, payload, seq++));
      for (const ws of topics.get(topic) ?? []) (ws as unknown as { _socket: Socket })._socket.write(frame);
    },
    messageBytes: (topic, payload) => Buffer.byteLength(stompMessage(topic, payload, 1)),
  };
}
