import WebSocket from 'ws';
import { sendTimeIn } from '../harness/payload.js';
import type { BenchConnection, JoinRecovery } from './bench-connection.interface.js';
import type { DeliveryCounter } from './delivery-counter.js';
import { isStompBroadcast, stompHeader } from './stomp-frames.js';

/**
 * A bare `ws` client speaking STOMP 1.2: CONNECT, SUBSCRIBE with a receipt per topic (ids
 * `sub-0`, `sub-1`, ... as `@stomp/stompjs` numbers them), then count `event:msg` MESSAGEs.
 * `@stomp/stompjs` itself allocates a parser, timers and callbacks per socket, too heavy for 19k
 * sockets on one core.
 */
export class StompConnection implements BenchConnection {
  private nextId = 0;
  private readonly waiting = new Map<string, { resolve(recovery: JoinRecovery): void; reject(error: Error): void }>();
  private heartbeat: NodeJS.Timeout | undefined;
  broadcasts = 0;
  readonly position = null;

  private constructor(
    private readonly ws: WebSocket,
    counter: DeliveryCounter,
  ) {
    ws.on('message', (data: Buffer) => {
      if (isStompBroadcast(data)) {
        this.broadcasts++;
        counter.arrived(() => sendTimeIn(data));
      } else if (data.subarray(0, 8).toString('latin1') === 'RECEIPT\n') {
        const id = stompHeader(data, 'receipt-id');
        const waiter = id === undefined ? undefined : this.waiting.get(id);
        this.waiting.delete(id!);
        waiter?.resolve({});
      } else if (data.subarray(0, 6).toString('latin1') === 'ERROR\n') {
        const error = new Error(`STOMP ERROR: ${stompHeader(data, 'message')}`);
        for (const waiter of this.waiting.values()) waiter.reject(error);
        this.waiting.clear();
      }
    });
  }

  static open(baseUrl: string, localAddress: string, counter: DeliveryCounter): Promise<StompConnection> {
    const ws = new WebSocket(`${baseUrl}/socket/stomp`, ['v12.stomp'], { perMessageDeflate: false, localAddress });
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => {
        ws.send('CONNECT\naccept-version:1.2\nhost:bench\nheart-beat:0,0\n\n\0');
        ws.once('message', (data: Buffer) => {
          if (data.subarray(0, 10).toString('latin1') === 'CONNECTED\n') resolve(new StompConnection(ws, counter));
          else reject(new Error(`CONNECT answered ${data.toString('latin1', 0, 80)}`));
        });
      });
    });
  }

  join(topic: string): Promise<JoinRecovery> {
    const id = `sub-${this.nextId++}`;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.ws.send(`SUBSCRIBE\nid:${id}\ndestination:/topic/${topic}\nreceipt:${id}\n\n\0`);
    });
  }

  /** A heart-beat EOL every `intervalMs`, the first after a random part of it. */
  startHeartbeat(intervalMs: number): void {
    const beat = () => {
      if (this.ws.readyState !== WebSocket.OPEN) return;
      this.ws.send('\n');
      this.heartbeat = setTimeout(beat, intervalMs);
    };
    this.heartbeat = setTimeout(beat, Math.random() * intervalMs);
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  close(): void {
    clearTimeout(this.heartbeat);
    this.ws.terminate();
  }
}
