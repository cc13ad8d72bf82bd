import { Injectable } from '@nestjs/common';
import type { ConnectInfo, ConnectingSocket, SocketHandler } from 'nestjs-channels';
import { TokenService } from '../session/token.service.js';

/** The socket id of every connection of `user`: `ChannelsServer.disconnect()` closes them all. */
export function userSocketId(user: string): string {
  return `users_socket:${user}`;
}

/**
 * Lets in only clients holding a valid session token, given as the `token` param or as the
 * phoenix 1.8 client's `authToken` option. Everyone else gets HTTP 403.
 */
@Injectable()
export class UserSocketHandler implements SocketHandler {
  constructor(private readonly tokens: TokenService) {}

  async connect(params: Record<string, string>, socket: ConnectingSocket, info: ConnectInfo): Promise<boolean> {
    const token = params.token || info.authToken;
    if (!token) return false;
    const user = await this.tokens.verify(token);
    if (!user) return false;
    socket.assign('user', user);
    return true;
  }

  id(socket: ConnectingSocket): string {
    return userSocketId(socket.assigns.user as string);
  }
}
