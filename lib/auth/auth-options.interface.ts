import type { ConnectingSocket } from '../interfaces/socket-handler.interface.js';

/** A signing secret: a string (UTF-8) or raw bytes, at least 32 bytes long. @publicApi */
export type TokenSecret = string | Uint8Array;

/**
 * How the ready-made {@link TokenSocketHandler} reads, checks and stores the connect token.
 * @publicApi
 */
export interface TokenSocketOptions {
  /** Salt the connect tokens were signed with. Default `'user socket'`. */
  salt?: string;
  /** Connect param that carries the token (`?token=`). Default `'token'`. */
  param?: string;
  /** Assign the verified token data is stored under. Default `'user'`. */
  assign?: string;
  /** Oldest accepted token, in seconds; overrides the module's `maxAge` for connect tokens. */
  maxAge?: number;
  /**
   * The socket id from the verified token data (`null`: anonymous, cannot be disconnected by
   * id). Default: `users_socket:<id>`, `<id>` being the data's `id` or `sub` property, or the data
   * itself when it is a string or a number.
   */
  id?: (data: unknown, socket: ConnectingSocket) => string | null;
}

/** Options of `ChannelsAuthModule.forRoot()` and of `ChannelsTokenService`. @publicApi */
export interface ChannelsAuthOptions {
  /**
   * Signing secrets, newest first: tokens are signed with the first and verified against each
   * in turn, so a secret can be rotated by putting the new one in front and dropping the old
   * one once its tokens have expired.
   */
  secrets: TokenSecret | TokenSecret[];
  /** Oldest token `verify()` accepts, in seconds (Phoenix's default: one day). Default 86 400. */
  maxAge?: number;
  /**
   * How far in the future a token's issue time may lie, in seconds: the clocks of the nodes that
   * sign and verify may differ a little; a token from further ahead is refused (`invalid`), as a
   * forged or mis-signed one would be. Default 60.
   */
  clockToleranceSeconds?: number;
  /** The current time in milliseconds since the epoch; replace it in tests. Default `Date.now`. */
  clock?: () => number;
  /** Settings of the ready-made connect handler, {@link TokenSocketHandler}. */
  socket?: TokenSocketOptions;
}
