import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConnectInfo, ConnectingSocket, SocketHandler } from '../interfaces/socket-handler.interface.js';
import type { ChannelsAuthOptions } from './auth-options.interface.js';
import { CHANNELS_AUTH_OPTIONS } from './channels-auth.module-definition.js';
import { ChannelsTokenService } from './channels-token.service.js';
import { resolveTokenSocketOptions, type ResolvedTokenSocketOptions } from './token-socket-options.js';

/**
 * A ready socket handler that admits only clients with a valid token: from the phoenix 1.8
 * client's `authToken` option if given (it stays out of URLs and access logs), else from the
 * connect param `token`. The verified data lands in the assigns (`user`), so every channel and
 * guard can read it, and gives the socket id (`users_socket:<id>`) for
 * `ChannelsServer.disconnect()`. A missing, tampered or expired token refuses the connection:
 * HTTP 403, and the client never opens.
 *
 * Use it as is (`ChannelsModule.forRoot({ socketHandler: TokenSocketHandler })` next to
 * `ChannelsAuthModule.forRoot({...})`), or extend it and override {@link authorize} to check
 * more (the user still exists, is not banned, ...).
 * @publicApi
 */
@Injectable()
export class TokenSocketHandler implements SocketHandler {
  protected readonly logger = new Logger('TokenSocketHandler');
  protected readonly settings: ResolvedTokenSocketOptions;

  constructor(
    protected readonly tokens: ChannelsTokenService,
    @Inject(CHANNELS_AUTH_OPTIONS) options: ChannelsAuthOptions,
  ) {
    this.settings = resolveTokenSocketOptions(options?.socket);
  }

  /** Accepts only a valid token, whose data then goes into the assigns; see the class notes. */
  async connect(params: Record<string, string>, socket: ConnectingSocket, info: ConnectInfo): Promise<boolean> {
    const token = this.tokenFrom(params, info);
    const result = await this.tokens.verify(this.settings.salt, token, { maxAge: this.settings.maxAge });
    if (!result.ok) {
      this.logger.debug(`refused a ${info.transport} connection from ${info.address}: token ${result.reason}`);
      return false;
    }
    if ((await this.authorize(result.data, socket, params, info)) !== true) return false;
    socket.assign(this.settings.assign, result.data);
    return true;
  }

  /** The socket id from the `socket.id` option, given the verified token data. */
  id(socket: ConnectingSocket): string | null {
    return this.settings.id(socket.assigns[this.settings.assign], socket);
  }

  /**
   * Runs after the token verified, before the data is assigned: return `true` to accept. Extra
   * assigns made here reach every channel. Default: accept.
   */
  protected authorize(
    _data: unknown,
    _socket: ConnectingSocket,
    _params: Record<string, string>,
    _info: ConnectInfo,
  ): boolean | Promise<boolean> {
    return true;
  }

  /** Where the token comes from: the `authToken` (subprotocol or long-poll header), else the param. */
  protected tokenFrom(params: Record<string, string>, info: ConnectInfo): string | undefined {
    return info.authToken || params[this.settings.param] || undefined;
  }
}
