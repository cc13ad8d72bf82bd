import { io, type Socket as IoSocket } from 'socket.io-client';
import WebSocket from 'ws';
import { INBOUND_BODY, INBOUND_EVENT, INBOUND_TOPIC } from './chat-message.js';
import type { InboundProtocol } from './inbound-kinds.js';

/** Told of every reply: whether it was the success reply the request asked for. */
export type ReplySink = (requester: Requester, ok: boolean) => void;

/** One client connection that sends the chat message and recognises its reply. */
export interface Requester {
  send(): void;
  close(): void;
}

const OK_STATUS = Buffer.from('"status":"ok"');
const NEST_REPLY = Buffer.from(`{"event":"${INBOUND_EVENT}"`);

function openWebSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * A Phoenix v2 client: joins the topic, then pushes the message with a fresh ref each time, as
 * phoenix.js does; a reply is recognised by its status without parsing the JSON (the client's
 * core must not be the bottleneck).
 */
class PhoenixRequester implements Requester {
  private ref = 1;

  constructor(private readonly socket: WebSocket) {}

  static async open(url: string, sink: ReplySink): Promise<PhoenixRequester> {
    const socket = await openWebSocket(url);
    const requester = new PhoenixRequester(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('message', (data: Buffer) => (data.includes(OK_STATUS) ? resolve() : reject(new Error(`join refused: ${data.toString()}`))));
      socket.send(JSON.stringify(['1', '1', INBOUND_TOPIC, 'phx_join', {}]));
    });
    socket.on('message', (data: Buffer) => sink(requester, data.includes(OK_STATUS)));
    return requester;
  }

  send(): void {
    this.socket.send(`["1","${++this.ref}","${INBOUND_TOPIC}","${INBOUND_EVENT}",{"body":"${INBOUND_BODY}"}]`);
  }

  close(): void {
    this.socket.terminate();
  }
}

/** Nest's platform-ws message format: `{event, data}` out, the handler's `{event, data}` back. */
class NestWsRequester implements Requester {
  private static readonly message = JSON.stringify({ event: INBOUND_EVENT, data: { body: INBOUND_BODY } });

  constructor(private readonly socket: WebSocket) {}

  static async open(url: string, sink: ReplySink): Promise<NestWsRequester> {
    const socket = await openWebSocket(url);
    const requester = new NestWsRequester(socket);
    socket.on('message', (data: Buffer) => sink(requester, data.indexOf(NEST_REPLY) === 0));
    return requester;
  }

  send(): void {
    this.socket.send(NestWsRequester.message);
  }

  close(): void {
    this.socket.terminate();
  }
}

/** socket.io-client over WebSocket only: an emit with an ack, answered by the handler's return value. */
class SocketIoRequester implements Requester {
  private readonly message = { body: INBOUND_BODY };
  private readonly onAck: (receipt: { len?: unknown } | undefined) => void;

  constructor(private readonly socket: IoSocket, sink: ReplySink) {
    this.onAck = (receipt) => sink(this, typeof receipt?.len === 'number');
    // A refused message gets Nest's `exception` event and no ack: counted as a failed reply.
    socket.on('exception', () => sink(this, false));
  }

  static open(url: string, sink: ReplySink): Promise<SocketIoRequester> {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new SocketIoRequester(socket, sink)));
      socket.once('connect_error', reject);
    });
  }

  send(): void {
    this.socket.emit(INBOUND_EVENT, this.message, this.onAck);
  }

  close(): void {
    this.socket.disconnect();
  }
}

export function openRequester(protocol: InboundProtocol, url: string, sink: ReplySink): Promise<Requester> {
  if (protocol === 'phoenix') return PhoenixRequester.open(url, sink);
  if (protocol === 'nest-ws') return NestWsRequester.open(url, sink);
  return SocketIoRequester.open(url, sink);
}
