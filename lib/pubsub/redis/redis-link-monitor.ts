import type { Logger } from '@nestjs/common';
import { eventChannels } from '../../observability/event-channels.js';
import type { PubSubLinkState } from '../../observability/events.js';
import type { PubSubLinkStatus } from '../pubsub-adapter.interface.js';
import type { RedisClient } from './redis-client.js';


/**
 * Follows the adapter's Redis connections as one link and logs its transitions only: an outage
 * is logged once when it starts and once when it ends, never per failed broadcast or retry.
 */
export class RedisLinkMonitor {
  private state: PubSubLinkState = 'connecting';
  private readonly ready = new Set<string>();
  private downSince = 0;
  private lastError: string | undefined;
  private settle!: () => void;
  /** Resolves at the first outcome of the first connection attempt, success or failure. */
  readonly firstAttempt = new Promise<void>((resolve) => (this.settle = resolve));

  constructor(
    private readonly logger: Logger,
    private readonly target: string,
    private readonly connections: readonly string[],
  ) {}

  get isUp(): boolean {
    return this.state === 'up';
  }

  /** The link as the health indicator reports it: since when it is down, and the last error, while it is. */
  get status(): PubSubLinkStatus {
    const { state, target, lastError } = this;
    if (state === 'up') return { state, target };
    const since = state === 'connecting' ? {} : { downSince: this.downSince };
    return { state, target, ...since, ...(lastError ? { lastError } : {}) };
  }

  /** Follows `client` as connection `name`; `onReady` runs at each (re)connection. Silent once `closed()`. */
  watch(client: RedisClient, name: string, closed: () => boolean, onReady: () => void): void {
    client.on('ready', () => {
      if (closed()) return;
      onReady();
      this.connectionReady(name);
    });
    // Listening to 'error' also keeps ioredis from printing every failed retry.
    client.on('error', (error: Error) => {
      if (closed()) return;
      this.connectionError(error);
      if (client.status !== 'ready') this.connectionLost(name);
    });
    client.on('close', () => {
      if (!closed()) this.connectionLost(name);
    });
    client.on('end', () => {
      if (!closed()) this.connectionEnded(name);
    });
  }

  connectionReady(name: string): void {
    this.ready.add(name);
    if (this.ready.size < this.connections.length || this.state === 'up') return;
    if (this.state === 'down') {
      const seconds = ((Date.now() - this.downSince) / 1000).toFixed(1);
      this.logger.log(`Redis at ${this.target} is back after ${seconds} s; cross-node delivery resumes`);
    } else {
      this.logger.log(`Connected to Redis at ${this.target}`);
    }
    this.state = 'up';
    this.publish();
    this.settle();
  }

  connectionError(error: Error): void {
    this.lastError = error.message;
  }

  connectionLost(name: string): void {
    this.ready.delete(name);
    if (this.state === 'down' || this.state === 'ended') return;
    const reason = this.lastError ?? 'connection closed';
    this.logger.warn(
      `Redis at ${this.target} is unreachable (${reason}); broadcasts reach this node's subscribers only until it is back`,
    );
    this.state = 'down';
    this.downSince = Date.now();
    this.publish(reason);
    this.settle();
  }

  /** ioredis stopped retrying (its retryStrategy gave up): this node stays local from now on. */
  connectionEnded(name: string): void {
    this.ready.delete(name);
    if (this.state === 'ended') return;
    if (this.state === 'up') this.downSince = Date.now();
    this.state = 'ended';
    this.logger.error(`Redis at ${this.target}: reconnection abandoned; this node now delivers locally only`);
    this.publish(this.lastError);
    this.settle();
  }

  private publish(reason?: string): void {
    if (!eventChannels.pubsubLink.hasSubscribers) return;
    eventChannels.pubsubLink.publish(reason === undefined ? { state: this.state, target: this.target } : { state: this.state, target: this.target, reason });
  }
}
