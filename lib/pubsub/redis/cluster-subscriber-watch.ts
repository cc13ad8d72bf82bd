import type { RedisClient } from './redis-client.js';

/** The connection ioredis's ClusterSubscriber receives messages on (a plain ioredis `Redis`). */
interface SubscriberConnection {
  readonly status: string;
  on(event: string, listener: (...args: any[]) => void): unknown;
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
}

/**
 * Notices when a Redis Cluster client can no longer receive, and makes its outage visible.
 *
 * ioredis receives a Cluster's messages on a private connection (`ClusterSubscriber`) that never
 * reports its loss: the Cluster client stays "ready" while it reconnects at once, to a node picked
 * at random, without backoff, in a loop (thousands of attempts a second while no node answers).
 * No ioredis option paces that loop. This watch follows that connection (ioredis replaces it at
 * each attempt) and, when none has been usable for `stallMs`, reconnects the whole Cluster client
 * (`disconnect(true)`): the client then reports the outage through its own events ('close',
 * 'error', then 'ready' or 'end'), retries under its `clusterRetryStrategy`, and the loop stops.
 * `stallMs` lets a healthy switch to another node (a master died) pass unnoticed.
 */
export class ClusterSubscriberWatch {
  private followed: SubscriberConnection | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private lastError: Error | undefined;
  private stopped = false;

  /**
   * @param cluster an ioredis `Cluster` client.
   * @param onStalled told why, just before the client is reconnected.
   */
  constructor(
    private readonly cluster: RedisClient,
    private readonly stallMs: number,
    private readonly onStalled: (error: Error) => void,
  ) {
    // Each (re)connection of the Cluster client starts a new subscriber connection.
    cluster.on('ready', () => this.follow());
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.stallTimer);
    this.unfollow();
  }

  private follow(): void {
    const current = this.current();
    if (this.stopped || !current || current === this.followed) return;
    this.unfollow();
    this.followed = current;
    current.on('ready', this.connectionReady);
    current.on('error', this.connectionError);
    current.on('close', this.connectionClosed);
    current.on('end', this.connectionEnded);
  }

  private unfollow(): void {
    const previous = this.followed;
    this.followed = undefined;
    previous?.removeListener('ready', this.connectionReady);
    previous?.removeListener('error', this.connectionError);
    previous?.removeListener('close', this.connectionClosed);
    previous?.removeListener('end', this.connectionEnded);
  }

  private readonly connectionReady = () => {
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  };

  private readonly connectionError = (error: Error) => (this.lastError = error);

  private readonly connectionClosed = () => {
    // A Cluster client that is not ready reports its state itself.
    if (this.stopped || this.stallTimer || this.cluster.status !== 'ready') return;
    this.stallTimer = setTimeout(() => this.checkStalled(), this.stallMs).unref();
  };

  /** ioredis has already picked the next connection (its own 'end' listener runs first). */
  private readonly connectionEnded = () => this.follow();

  private checkStalled(): void {
    this.stallTimer = undefined;
    const current = this.current();
    if (this.stopped || this.cluster.status !== 'ready' || !current) return;
    // 'wait': ioredis had no channel to subscribe again, so it does not connect; nothing is missed.
    if (current.status === 'ready' || current.status === 'wait') return;
    this.onStalled(this.lastError ?? new Error('the Cluster subscriber connection closed'));
    this.cluster.disconnect(true);
  }

  /** ioredis's current subscriber connection; `Cluster#subscriber` is private, hence the checks. */
  private current(): SubscriberConnection | undefined {
    const subscriber = (this.cluster as { subscriber?: { getInstance?: () => SubscriberConnection | null } }).subscriber;
    return typeof subscriber?.getInstance === 'function' ? (subscriber.getInstance() ?? undefined) : undefined;
  }
}
