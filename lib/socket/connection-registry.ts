import type { SocketConnection } from './socket-connection.js';

/**
 * The live connections of this node, with one shared idle sweep instead of a timer per
 * connection: a socket silent for longer than the idle timeout is closed.
 */
export class ConnectionRegistry {
  private readonly connections = new Set<SocketConnection>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly idleTimeoutMs: number,
    private readonly closeIdle: (connection: SocketConnection) => void,
  ) {}

  add(connection: SocketConnection): void {
    this.connections.add(connection);
    if (!this.sweepTimer) {
      const period = Math.max(50, Math.min(5_000, Math.floor(this.idleTimeoutMs / 4)));
      this.sweepTimer = setInterval(() => this.sweep(Date.now()), period);
      this.sweepTimer.unref();
    }
  }

  remove(connection: SocketConnection): void {
    this.connections.delete(connection);
    if (this.connections.size === 0) this.stopSweep();
  }

  get size(): number {
    return this.connections.size;
  }

  values(): IterableIterator<SocketConnection> {
    return this.connections.values();
  }

  sweep(now: number): void {
    for (const connection of this.connections) {
      if (now - connection.lastSeenAt > this.idleTimeoutMs) this.closeIdle(connection);
    }
  }

  stopSweep(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }
}
