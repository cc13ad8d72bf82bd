import type { DeliveryCounter } from './delivery-counter.js';

/** The protocols the bench clients speak. */
export type ClientProtocol = 'phoenix-v2' | 'socketio';

/** One client socket: joins topics and reports each broadcast to the process's counter. */
export interface BenchConnection {
  /** Resolves when the server acknowledged the join. */
  join(topic: string): Promise<void>;
  /** Sends a heartbeat every `intervalMs` (Phoenix clients: 30 s), the first after a random part of it. */
  startHeartbeat(intervalMs: number): void;
  /** Broadcasts this socket has received since it opened (armed or not). */
  readonly broadcasts: number;
  /** False once the server closed the socket. */
  readonly isOpen: boolean;
  close(): void;
}

export type OpenConnection = (baseUrl: string, localAddress: string, counter: DeliveryCounter) => Promise<BenchConnection>;
