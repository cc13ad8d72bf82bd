import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PubSub, type BroadcastMessage } from 'nestjs-channels';

interface Revocation {
  session: string;
  /** When (ms) its token would be refused anyway, so the entry can go. */
  expiresAt: number;
}

/** Internal topic of revocations; no channel serves it, so clients cannot join it. */
const REVOCATIONS_TOPIC = 'session:revocations';
/** How often revocations whose tokens have expired are forgotten. */
const SWEEP_MS = 60_000;

/**
 * Sessions ended by a logout, each kept only until its token expires anyway. Revocations travel
 * through PubSub, so on a cluster every node refuses a revoked token; on this node the subscriber
 * runs at once, before `add()` returns. Checks are one lookup; expired ones are swept by a timer.
 */
@Injectable()
export class RevokedSessions implements OnModuleInit, OnModuleDestroy {
  private readonly revoked = new Map<string, number>();
  private readonly record = ({ payload }: BroadcastMessage) => {
    const { session, expiresAt } = payload as Revocation;
    this.revoked.set(session, expiresAt);
  };
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly pubsub: PubSub) {}

  onModuleInit(): void {
    this.pubsub.subscribe(REVOCATIONS_TOPIC, this.record);
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    this.pubsub.unsubscribe(REVOCATIONS_TOPIC, this.record);
    clearInterval(this.sweepTimer);
  }

  /** Revokes `session` on every node until `expiresAt` (ms), when its token expires anyway. */
  add(session: string, expiresAt: number): void {
    this.pubsub.broadcast(REVOCATIONS_TOPIC, 'revoked', { session, expiresAt } satisfies Revocation);
  }

  has(session: string): boolean {
    const expiresAt = this.revoked.get(session);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  /** How many revocations are kept: their tokens have not expired yet (or the sweep has not run). */
  get size(): number {
    return this.revoked.size;
  }

  /** Forgets the revocations whose tokens have expired; the timer runs it every minute. */
  sweep(now = Date.now()): void {
    for (const [session, expiresAt] of this.revoked) if (expiresAt <= now) this.revoked.delete(session);
  }
}
