import { Client, Versions, type IFrame, type IMessage, type StompHeaders } from '@stomp/stompjs';
import WebSocket from 'ws';
import { eventually } from './phoenix-client.js';

export const STOMP_PROTOCOLS = ['v12.stomp', 'v11.stomp', 'v10.stomp'];

export interface StompProbeOptions {
  heartbeatIncoming?: number;
  heartbeatOutgoing?: number;
  /** WebSocket subprotocols offered; default all three STOMP ones. */
  protocols?: string[];
  /** STOMP versions offered in CONNECT; default the client's (1.2, 1.1, 1.0). */
  versions?: string[];
}

/** What one `@stomp/stompjs` client saw: frames and the close, for tests to wait on. */
export class StompProbe {
  readonly client: Client;
  readonly messages: IMessage[] = [];
  readonly errors: IFrame[] = [];
  readonly receipts: string[] = [];
  connected: IFrame | undefined;
  closeCode: number | undefined;
  /** The client's WebSocket, for tests that play the network. */
  socket: WebSocket | undefined;

  constructor(url: string, connectHeaders: StompHeaders = {}, options: StompProbeOptions = {}) {
    this.client = new Client({
      webSocketFactory: () => {
        this.socket = new WebSocket(url, options.protocols ?? STOMP_PROTOCOLS);
        return this.socket;
      },
      connectHeaders,
      ...(options.versions ? { stompVersions: new Versions(options.versions) } : {}),
      // Tests watch one connection: a reconnect would hide what the server did.
      reconnectDelay: 0,
      heartbeatIncoming: options.heartbeatIncoming ?? 0,
      heartbeatOutgoing: options.heartbeatOutgoing ?? 0,
      onConnect: (frame) => {
        this.connected = frame;
      },
      onStompError: (frame) => {
        this.errors.push(frame);
      },
      onWebSocketClose: (event) => {
        this.closeCode = event.code;
      },
    });
  }

  activate(): this {
    this.client.activate();
    return this;
  }

  async connect(): Promise<this> {
    this.activate();
    await eventually(() => this.connected !== undefined || this.closeCode !== undefined, 'CONNECTED or a close');
    if (!this.connected) throw new Error(`not connected: ${this.errors[0]?.headers.message ?? `closed ${this.closeCode}`}`);
    return this;
  }

  /** Subscribes, recording every MESSAGE (the join reply first); resolves once its receipt arrived. */
  async subscribe(topic: string, headers: StompHeaders = {}): Promise<{ id: string; messages: IMessage[]; unsubscribe: (headers?: StompHeaders) => void }> {
    const messages: IMessage[] = [];
    const receipt = `sub-receipt-${Math.random().toString(36).slice(2)}`;
    const receipted = this.receipt(receipt);
    const subscription = this.client.subscribe(`/topic/${topic}`, (message) => {
      messages.push(message);
      this.messages.push(message);
    }, { ...headers, receipt });
    await receipted;
    return { id: subscription.id, messages, unsubscribe: (more) => subscription.unsubscribe(more) };
  }

  /** Resolves when the RECEIPT for `id` arrives; rejects on ERROR or close first. */
  receipt(id: string, timeoutMs = 3000): Promise<void> {
    return new Promise((resolve, reject) => {
      let done = false;
      this.client.watchForReceipt(id, () => {
        done = true;
        resolve();
      });
      eventually(() => done || this.errors.length > 0 || this.closeCode !== undefined, `receipt ${id}`, timeoutMs)
        .then(() => (done ? undefined : reject(new Error(`no receipt ${id}: ${this.errors.at(-1)?.headers.message ?? `closed ${this.closeCode}`}`))))
        .catch(reject);
    });
  }

  send(topic: string, event: string, body: unknown, headers: StompHeaders = {}): void {
    this.client.publish({
      destination: `/topic/${topic}`,
      headers: { event, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  }

  async nextError(): Promise<IFrame> {
    await eventually(() => this.errors.length > 0, 'an ERROR frame');
    return this.errors[0]!;
  }

  async closed(timeoutMs = 5000): Promise<number> {
    await eventually(() => this.closeCode !== undefined, 'the connection to close', timeoutMs);
    return this.closeCode!;
  }

  async stop(): Promise<void> {
    await this.client.deactivate({ force: true });
  }
}

/** STOMP probes that are stopped after every test. */
export function useStompClients(url: () => string): { create: (headers?: StompHeaders, options?: StompProbeOptions) => StompProbe; connected: (headers?: StompHeaders, options?: StompProbeOptions) => Promise<StompProbe> } {
  const probes = new Set<StompProbe>();
  afterEach(async () => {
    const all = [...probes];
    probes.clear();
    await Promise.all(all.map((probe) => probe.stop()));
  });
  const create = (headers: StompHeaders = {}, options: StompProbeOptions = {}) => {
    const probe = new StompProbe(url(), headers, options);
    probes.add(probe);
    return probe;
  };
  return { create, connected: (headers, options) => create(headers, options).connect() };
}

/** The JSON body of a MESSAGE. */
export function json(message: IMessage | IFrame): any {
  return JSON.parse(message.body);
}
