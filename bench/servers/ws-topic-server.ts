import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

/** Path the Phoenix clients connect to, as on the nestjs-channels server. */
const SOCKET_PATH = '/socket/websocket';

/**
 * A bare `ws` server that understands just enough Phoenix V2 (`phx_join`, heartbeat) for the
 * bench clients to join topics: the baseline the channel layer is compared with.
 */
export class WsTopicServer {
  readonly topics = new Map<string, Set<WebSocket>>();
  private readonly joined = new Map<WebSocket, string[]>();
  private readonly http = createServer((_request, response) => response.writeHead(404).end());
  private readonly wss: WebSocketServer;

  /** `perMessageDeflate`: ws's own, per socket, with its defaults (the `ws-deflate` server). */
  constructor(options: { perMessageDeflate?: boolean } = {}) {
    this.wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: options.perMessageDeflate ?? false });
  }

  async listen(): Promise<number> {
    this.http.on('upgrade', (request, socket, head) => {
      if (!request.url?.startsWith(SOCKET_PATH)) return socket.destroy();
      this.wss.handleUpgrade(request, socket, head, (ws) => this.serve(ws));
    });
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    return (this.http.address() as { port: number }).port;
  }

  subscribers(topic: string): Iterable<WebSocket> {
    return this.topics.get(topic) ?? [];
  }

  private serve(ws: WebSocket): void {
    this.joined.set(ws, []);
    ws.on('message', (data: Buffer) => this.handle(ws, data));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      for (const topic of this.joined.get(ws) ?? []) this.topics.get(topic)?.delete(ws);
      this.joined.delete(ws);
    });
  }

  private handle(ws: WebSocket, data: Buffer): void {
    const [joinRef, ref, topic, event] = JSON.parse(data.toString('utf8')) as [string | null, string, string, string];
    if (event === 'phx_join') {
      let sockets = this.topics.get(topic);
      if (!sockets) this.topics.set(topic, (sockets = new Set()));
      sockets.add(ws);
      this.joined.get(ws)?.push(topic);
    }
    ws.send(JSON.stringify([joinRef, ref, topic, 'phx_reply', { status: 'ok', response: {} }]));
  }
}
