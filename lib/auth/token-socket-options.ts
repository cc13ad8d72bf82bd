import { aFunction, nonEmptyString, OptionValidator } from '../options/option-validator.js';
import type { TokenSocketOptions } from './auth-options.interface.js';
import { maxAgeSeconds } from './token-max-age.js';

/** The `socket` options of `ChannelsAuthOptions` with their defaults applied, as `TokenSocketHandler` subclasses read them. @publicApi */
export type ResolvedTokenSocketOptions = Required<Omit<TokenSocketOptions, 'maxAge'>> &
  Pick<TokenSocketOptions, 'maxAge'>;

/** `users_socket:<id>` from `{id}`, `{sub}` or a bare string/number; otherwise anonymous. */
function defaultSocketId(data: unknown): string | null {
  const id =
    data !== null && typeof data === 'object' ? ((data as { id?: unknown }).id ?? (data as { sub?: unknown }).sub) : data;
  return typeof id === 'string' || typeof id === 'number' ? `users_socket:${id}` : null;
}

const socketId = aFunction<ResolvedTokenSocketOptions['id']>('a function (data, socket) => string | null');

/**
 * Applies the defaults of `TokenSocketHandler` and rejects impossible settings at boot; `check`
 * names them (`ChannelsAuthModule option "socket.salt"`).
 */
export function resolveTokenSocketOptions(
  options: TokenSocketOptions = {},
  check = new OptionValidator('ChannelsAuthModule').at('socket'),
): ResolvedTokenSocketOptions {
  return {
    salt: check.check('salt', options.salt ?? 'user socket', nonEmptyString, 'Leave it out for the default, "user socket".'),
    param: check.check('param', options.param ?? 'token', nonEmptyString, 'Leave it out for the default, "token".'),
    assign: check.check('assign', options.assign ?? 'user', nonEmptyString, 'Leave it out for the default, "user".'),
    maxAge: check.optional('maxAge', options.maxAge, maxAgeSeconds, "Leave it out for the module's maxAge."),
    id: check.check('id', options.id ?? defaultSocketId, socketId, 'Leave it out for users_socket:<id of the token data>.'),
  };
}
