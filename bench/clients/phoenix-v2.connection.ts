import WebSocket from 'ws';
import { sendTimeIn } from '../harness/payload.js';
import type { BenchConnection, JoinRecovery } from './bench-connection.interface.js';
import type { DeliveryCounter } from './delivery-counter.js';
import { broadcastRefEnd, positionOf } from './phoenix-frames.js';

type Reply = [string | null, string | null, string, string, { status: string; response: unknown }];

/**
 * A bare `ws` client speaking Phoenix V2 frames: join, then count broadcasts. The official
 * client allocates timers and channel objects per socket, too heavy for 19k sockets on one core.
 */
export class PhoenixV2Connection implements BenchConnection {
  private nextRef = 1;
  private readonly waiting = new Map<string, { resolve(recovery: JoinRecovery): void; reject(error: Error): void }>();
  private heartbeat: NodeJS.Timeout | undefined;
  broadcasts = 0;
  position: string | null = null;

  private constructor(
    private readonly ws: WebSocket,
    counter: DeliveryCounter,
  ) {
    ws.on('message', (data: Buffer) => {
      const refEnd = broadcastRefEnd(data);
      if (refEnd >= 0) {
        this.broadcasts++;
        if (refEnd > 0 && counter.keepPositions) this.position = positionOf(data, refEnd);
        counter.arrived(() => sendTimeIn(data));
      } else {
        this.handleReply(JSON.parse(data.toString('utf8')) as Reply);
      }
    });
  }

  static open(baseUrl: string, localAddress: string, counter: DeliveryCounter): Promise<PhoenixV2Connection> {
    const ws = new WebSocket(`${baseUrl}/socket/websocket?vsn=2.0.0`, { perMessageDeflate: false, localAddress });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new PhoenixV2Connection(ws, counter)));
      ws.once('error', reject);
    });
  }

  join(topic: string, params: Record<string, unknown> = {}): Promise<JoinRecovery> {
    const ref = String(this.nextRef++);
    return new Promise((resolve, reject) => {
      this.waiting.set(ref, { resolve, reject });
      this.ws.send(JSON.stringify([ref, ref, topic, 'phx_join', params]));
    });
  }

  startHeartbeat(intervalMs: number): void {
    const beat = () => {
      if (this.ws.readyState !== WebSocket.OPEN) return;
      this.ws.send(JSON.stringify([null, String(this.nextRef++), 'phoenix', 'heartbeat', {}]));
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

  private handleReply([, ref, topic, event, payload]: Reply): void {
    const waiter = ref === null ? undefined : this.waiting.get(ref);
    if (!waiter || event !== 'phx_reply') return;
    this.waiting.delete(ref!);
    if (payload.status !== 'ok') return waiter.reject(new Error(`join of ${topic} refused: ${JSON.stringify(payload.response)}`));
    const recovery = (payload.response as { recovery?: JoinRecovery } | null)?.recovery ?? {};
    // Replayed broadcasts come after the reply: the position they carry then replaces this one.
    if (recovery.position !== undefined) this.position = recovery.position;
    waiter.resolve(recovery);
  }
}
