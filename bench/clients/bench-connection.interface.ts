import type { DeliveryCounter } from './delivery-counter.js';

/** The protocols the bench clients speak. */
export type ClientProtocol = 'phoenix-v2' | 'phoenix-v2-deflate' | 'socketio' | 'stomp';

/** What a join's reply said about history (Phoenix clients on a history topic; empty otherwise). */
export interface JoinRecovery {
  /** The topic's position given in the reply. */
  position?: string;
  /** Only when the join sent `since`: whether everything after it is replayed. */
  recovered?: boolean;
}

/** One client socket: joins topics and reports each broadcast to the process's counter. */
export interface BenchConnection {
  /** Resolves when the server acknowledged the join; `params` is the join's payload (`{ since }`). */
  join(topic: string, params?: Record<string, unknown>): Promise<JoinRecovery>;
  /** Sends a heartbeat every `intervalMs` (Phoenix clients: 30 s), the first after a random part of it. */
  startHeartbeat(intervalMs: number): void;
  /** Broadcasts this socket has received since it opened (armed or not). */
  readonly broadcasts: number;
  /**
   * The last history position this socket learned: from its join reply, and from every history
   * broadcast while the counter keeps positions (`DeliveryCounter.keepPositions`), whatever the
   * topic: the recovery storm joins one topic per socket. Null if none.
   */
  readonly position: string | null;
  /** Bytes its TCP socket has read (Phoenix clients; the compression run's bytes on the wire). */
  readonly bytesRead?: number;
  /** False once the server closed the socket. */
  readonly isOpen: boolean;
  close(): void;
}

export type OpenConnection = (baseUrl: string, localAddress: string, counter: DeliveryCounter) => Promise<BenchConnection>;
