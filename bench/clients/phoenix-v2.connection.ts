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
  private deflate = false;

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

  /**
   * `deflate`: offers permessage-deflate and compresses all it sends, as browsers do; once its
   * first join is answered it stops inflating what it receives (see `countWithoutInflating`).
   */
  static open(baseUrl: string, localAddress: string, counter: DeliveryCounter, deflate = false): Promise<PhoenixV2Connection> {
    const options = deflate ? { perMessageDeflate: { threshold: 0 }, skipUTF8Validation: true } : { perMessageDeflate: false };
    const ws = new WebSocket(`${baseUrl}/socket/websocket?vsn=2.0.0`, { ...options, localAddress });
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        const connection = new PhoenixV2Connection(ws, counter);
        connection.deflate = deflate;
        resolve(connection);
      });
      ws.once('error', reject);
    });
  }

  get bytesRead(): number {
    return (this.ws as unknown as { _socket: { bytesRead: number } })._socket.bytesRead;
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
    if (this.deflate) {
      this.deflate = false;
      countWithoutInflating(this.ws);
    }
    if (payload.status !== 'ok') return waiter.reject(new Error(`join of ${topic} refused: ${JSON.stringify(payload.response)}`));
    const recovery = (payload.response as { recovery?: JoinRecovery } | null)?.recovery ?? {};
    // Replayed broadcasts come after the reply: the position they carry then replaces this one.
    if (recovery.position !== undefined) this.position = recovery.position;
    waiter.resolve(recovery);
  }
}

/** What a compressed message reads as: a broadcast without a send time (no latency is measured). */
const COMPRESSED_BROADCAST = Buffer.from('[null,null,"compressed","msg",{}]');

/**
 * Hands ws a stand-in broadcast for every compressed message instead of inflating it, from the
 * first join's reply on: in the compression run a socket receives nothing but broadcasts after
 * its join (no heartbeats), and 5,000 sockets inflating on the one client core would measure the
 * clients: each browser inflates its own. Their bytes on the wire are still counted; the tests
 * check what compressed frames decode to.
 */
function countWithoutInflating(ws: WebSocket): void {
  const extension = (ws as unknown as { _extensions: Record<string, { decompress: unknown } | undefined> })._extensions['permessage-deflate'];
  if (!extension) return;
  // Later, as a real inflate answers: ws's receiver does not expect its callback within the call.
  extension.decompress = (_data: Buffer, _fin: boolean, callback: (error: Error | null, result: Buffer) => void) =>
    process.nextTick(callback, null, COMPRESSED_BROADCAST);
}
