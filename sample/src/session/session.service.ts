import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { ChannelsTokenService } from 'nestjs-channels';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RevokedSessions } from './revoked-sessions.service.js';
import { isSessionUser, SESSION_TOKEN_SALT, type SessionUser } from './session-user.js';

/**
 * Demo sessions on the library's signed tokens: `start()` signs one per sign-in, the socket
 * handler admits only `isActive()` ones, and `end()` revokes one on every node. Swap `start()`
 * for your own authentication; the rest does not change.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly tokens: ChannelsTokenService,
    private readonly revoked: RevokedSessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A signed token for `user`, for the socket and for logout. */
  start(user: string): Promise<string> {
    const data: SessionUser = { id: user, session: randomUUID() };
    return this.tokens.sign(SESSION_TOKEN_SALT, data);
  }

  /** Whether verified token data is a session that has not ended. */
  isActive(data: unknown): data is SessionUser {
    return isSessionUser(data) && !this.revoked.has(data.session);
  }

  /** The user of a valid token whose session has not ended; null otherwise. */
  async user(token: string): Promise<SessionUser | null> {
    const result = await this.tokens.verify(SESSION_TOKEN_SALT, token);
    return result.ok && this.isActive(result.data) ? result.data : null;
  }

  /** Ends the session of a valid token and answers its user; null when the token was not valid. */
  async end(token: string): Promise<SessionUser | null> {
    const result = await this.tokens.verify(SESSION_TOKEN_SALT, token);
    if (!result.ok || !this.isActive(result.data)) return null;
    // Kept until the token would be refused anyway: verify() accepts it through the whole second
    // its age reaches the maximum, so until the start of the next one.
    const { iat } = decodeJwt(token);
    this.revoked.add(result.data.session, ((iat ?? 0) + this.config.tokenMaxAgeS + 1) * 1000);
    return result.data;
  }
}
