import { Inject, Injectable } from '@nestjs/common';
import { CHANNELS_AUTH_OPTIONS, ChannelsTokenService, TokenSocketHandler, type ChannelsAuthOptions } from 'nestjs-channels';
import { SessionService } from '../session/session.service.js';

/**
 * The socket id of every connection of `user`, as `TokenSocketHandler` sets it from the token
 * data's `id`: `ChannelsServer.disconnect()` closes them all.
 */
export function userSocketId(user: string): string {
  return `users_socket:${user}`;
}

/**
 * The library's `TokenSocketHandler` (a signed token as the phoenix 1.8 client's `authToken` or
 * the `token` param; anything else gets HTTP 403; the token data lands in `socket.assigns.user`),
 * plus one check of the sample's own: the session was not ended by a logout.
 */
@Injectable()
export class UserSocketHandler extends TokenSocketHandler {
  constructor(
    tokens: ChannelsTokenService,
    @Inject(CHANNELS_AUTH_OPTIONS) options: ChannelsAuthOptions,
    private readonly sessions: SessionService,
  ) {
    super(tokens, options);
  }

  protected override authorize(data: unknown): boolean {
    return this.sessions.isActive(data);
  }
}
