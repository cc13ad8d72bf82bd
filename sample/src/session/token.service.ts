import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { PubSub, type BroadcastMessage } from 'nestjs-channels';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

interface SessionClaims {
  /** The user name. */
  sub: string;
  /** Token id, the key of the revocation list. */
  jti: string;
  /** Issued at, in seconds. */
  iat: number;
}

interface Revocation {
  jti: string;
  /** When (ms) the token would be refused anyway, so the entry can go. */
  expiresAt: number;
}

/** Internal topic of revocations; no channel serves it, so clients cannot join it. */
const REVOCATIONS_TOPIC = 'session:revocations';

/**
 * Issues, verifies and revokes the sample's session tokens (signed JWTs). Deliberately small:
 * swap it for your own authentication; the socket handler only needs `verify()`. Revocations
 * travel through PubSub, so on a cluster every node refuses a revoked token.
 */
@Injectable()
export class TokenService implements OnModuleInit, OnModuleDestroy {
  /** Revoked token ids, with the time (ms) after which the token would be refused anyway. */
  private readonly revoked = new Map<string, number>();
  private readonly record = ({ payload }: BroadcastMessage) => {
    const { jti, expiresAt } = payload as Revocation;
    this.forgetExpired();
    this.revoked.set(jti, expiresAt);
  };

  constructor(
    private readonly jwt: JwtService,
    private readonly pubsub: PubSub,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.pubsub.subscribe(REVOCATIONS_TOPIC, this.record);
  }

  onModuleDestroy(): void {
    this.pubsub.unsubscribe(REVOCATIONS_TOPIC, this.record);
  }

  issue(user: string): Promise<string> {
    return this.jwt.signAsync({ sub: user, jti: randomUUID() }, { expiresIn: this.config.tokenMaxAgeS });
  }

  /** The user a token belongs to, or null when it is forged, expired or revoked. */
  async verify(token: string): Promise<string | null> {
    const claims = await this.claims(token);
    return claims && !this.revoked.has(claims.jti) ? claims.sub : null;
  }

  /** Revokes a valid token and answers its user; null when it was not valid. */
  async revoke(token: string): Promise<string | null> {
    const claims = await this.claims(token);
    if (!claims || this.revoked.has(claims.jti)) return null;
    // Delivered on this node before broadcast() returns, and to the other nodes soon after.
    const revocation: Revocation = { jti: claims.jti, expiresAt: (claims.iat + this.config.tokenMaxAgeS) * 1000 };
    this.pubsub.broadcast(REVOCATIONS_TOPIC, 'revoked', revocation);
    return claims.sub;
  }

  private async claims(token: string): Promise<SessionClaims | null> {
    try {
      // maxAge (from iat) as well as exp: a shorter TOKEN_MAX_AGE_S also applies to older tokens.
      const claims = await this.jwt.verifyAsync<SessionClaims>(token, { maxAge: this.config.tokenMaxAgeS });
      return typeof claims.sub === 'string' && typeof claims.jti === 'string' ? claims : null;
    } catch {
      return null;
    }
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [id, expiresAt] of this.revoked) if (expiresAt <= now) this.revoked.delete(id);
  }
}
