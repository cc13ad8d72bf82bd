import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PubSub, type BroadcastMessage } from 'nestjs-channels';

interface Revocation {
  session: string;
  /** When (ms) its token would be refused anyway, so the entry can go. */
  expiresAt: number;
}

/** Internal topic of revocations; no channel serves it, so clients cannot join it. */
const REVOCATIONS_TOPIC = 'session:revocations';

/**
 * Sessions ended by a logout. Revocations travel through PubSub, so on a cluster every node
 * refuses a revoked token; on this node the subscriber runs at once, before `add()` returns.
 */
@Injectable()
export class RevokedSessions implements OnModuleInit, OnModuleDestroy {
  private readonly revoked = new Map<string, number>();
  private readonly record = ({ payload }: BroadcastMessage) => {
    const { session, expiresAt } = payload as Revocation;
    this.forgetExpired();
    this.revoked.set(session, expiresAt);
  };

  constructor(private readonly pubsub: PubSub) {}

  onModuleInit(): void {
    this.pubsub.subscribe(REVOCATIONS_TOPIC, this.record);
  }

  onModuleDestroy(): void {
    this.pubsub.unsubscribe(REVOCATIONS_TOPIC, this.record);
  }

  /** Revokes `session` on every node until `expiresAt` (ms), when its token expires anyway. */
  add(session: string, expiresAt: number): void {
    this.pubsub.broadcast(REVOCATIONS_TOPIC, 'revoked', { session, expiresAt } satisfies Revocation);
  }

  has(session: string): boolean {
    return this.revoked.has(session);
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [session, expiresAt] of this.revoked) if (expiresAt <= now) this.revoked.delete(session);
  }
}
