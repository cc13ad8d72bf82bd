import WebSocket from 'ws';
import { eventually, type Vsn } from './phoenix-client.js';

/** A frame in the 2.0.0 layout `[join_ref, ref, topic, event, payload]`, whatever the wire version. */
export type WireFrame = [string | null, string | null, string, string, unknown];

export interface RawSocketOptions {
  /** Serializer version to ask for; `null` sends no `vsn` parameter at all. Default `2.0.0`. */
  vsn?: Vsn | string | null;
  params?: Record<string, string>;
  /** Sent as the `Origin` header; none by default, as non-browser clients do. */
  origin?: string;
  protocols?: string[];
}

/** `{socketUrl}/websocket?{params}&vsn=...`, as the phoenix client builds it. */
export function websocketUrl(socketUrl: string, options: RawSocketOptions = {}): string {
  const query = new URLSearchParams(options.params ?? {});
  const vsn = options.vsn === undefined ? '2.0.0' : options.vsn;
  if (vsn !== null) query.set('vsn', vsn);
  return `${socketUrl}/websocket?${query}`;
}

/** The 1.0.0 object form of a frame, or the 2.0.0 array itself. */
function encode(vsn: string, frame: WireFrame): string {
  if (!vsn.startsWith('1.')) return JSON.stringify(frame);
  const [join_ref, ref, topic, event, payload] = frame;
  return JSON.stringify({ join_ref, ref, topic, event, payload });
}

function decode(vsn: string, text: string): WireFrame {
  const parsed = JSON.parse(text);
  if (!vsn.startsWith('1.')) return parsed as WireFrame;
  const { join_ref, ref, topic, event, payload, ...rest } = parsed as Record<string, any>;
  if (Object.keys(rest).length > 0) throw new Error(`unexpected 1.0.0 frame fields: ${text}`);
  return [join_ref ?? null, ref ?? null, topic, event, payload];
}

/**
 * A bare WebSocket client that speaks the wire protocol frame by frame, for the cases the
 * phoenix client hides (stale join refs, pushes to topics never joined, silent sockets).
 */
export class RawSocket {
  /** Every text frame received, decoded into the 2.0.0 layout. */
  readonly frames: WireFrame[] = [];
  /** Every binary frame received, as sent. */
  readonly binaryFrames: Buffer[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(
    private readonly ws: WebSocket,
    private readonly vsn: string,
  ) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.binaryFrames.push(data);
      else this.frames.push(decode(this.vsn, data.toString('utf8')));
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
  }

  /** Opens a socket; rejects with the HTTP status if the upgrade is refused. */
  static open(socketUrl: string, options: RawSocketOptions = {}): Promise<RawSocket> {
    // No vsn parameter at all means 1.0.0 to the server.
    const vsn = options.vsn === undefined ? '2.0.0' : (options.vsn ?? '1.0.0');
    const ws = new WebSocket(websocketUrl(socketUrl, options), options.protocols ?? [], {
      ...(options.origin ? { origin: options.origin } : {}),
    });
    const socket = new RawSocket(ws, vsn);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_request, response) => {
        reject(new Error(`upgrade refused with HTTP ${response.statusCode}`));
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: WireFrame): void {
    this.ws.send(encode(this.vsn, frame));
  }

  /** Sends `text` as it is, for frames no encoder would write. */
  sendText(text: string): void {
    this.ws.send(text);
  }

  /** The first frame received so far or later that `match` accepts. */
  async waitFor(match: (frame: WireFrame) => boolean, description: string, timeoutMs = 3000): Promise<WireFrame> {
    let found: WireFrame | undefined;
    await eventually(() => (found = this.frames.find(match)) !== undefined, description, timeoutMs);
    return found!;
  }

  /** The `phx_reply` to the message `ref`. */
  reply(ref: string, timeoutMs?: number): Promise<WireFrame> {
    return this.waitFor((frame) => frame[3] === 'phx_reply' && frame[1] === ref, `a reply to ref ${ref}`, timeoutMs);
  }

  /** Index of a received frame, to assert the order frames arrived in. */
  indexOf(frame: WireFrame): number {
    return this.frames.indexOf(frame);
  }

  close(): void {
    this.ws.close();
  }
}

export interface UpgradeOutcome {
  /** 101 when the upgrade succeeded, the HTTP status of a refusal, 0 if the connection was dropped. */
  status: number;
  /** The `Sec-WebSocket-Protocol` the server chose, if any. */
  protocol: string | undefined;
}

/** Attempts an upgrade and reports how the server answered, closing the socket if it opened. */
export function probeUpgrade(socketUrl: string, options: RawSocketOptions = {}): Promise<UpgradeOutcome> {
  const ws = new WebSocket(websocketUrl(socketUrl, options), options.protocols ?? [], {
    ...(options.origin ? { origin: options.origin } : {}),
  });
  return new Promise((resolve) => {
    ws.once('upgrade', (response) => {
      const protocol = response.headers['sec-websocket-protocol'];
      resolve({ status: response.statusCode ?? 0, protocol: Array.isArray(protocol) ? protocol[0] : protocol });
    });
    ws.once('open', () => ws.close());
    ws.once('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode ?? 0, protocol: undefined });
      ws.terminate();
    });
    ws.once('error', () => resolve({ status: 0, protocol: undefined }));
  });
}

/** Raw sockets on the block's app, closed after every test. */
export function useRawSockets(socketUrl: () => string, vsn: string): { open(options?: RawSocketOptions): Promise<RawSocket> } {
  const sockets: RawSocket[] = [];
  afterEach(async () => {
    const open = sockets.splice(0);
    for (const socket of open) socket.close();
    await Promise.all(open.map((socket) => socket.closed));
  });
  return {
    async open(options: RawSocketOptions = {}): Promise<RawSocket> {
      const socket = await RawSocket.open(socketUrl(), { vsn, ...options });
      sockets.push(socket);
      return socket;
    },
  };
}
