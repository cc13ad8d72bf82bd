import type { TokenSocketOptions } from './auth-options.interface.js';
import { checkMaxAge } from './token-max-age.js';

/** The `socket` options of `ChannelsAuthOptions` with their defaults applied, as `TokenSocketHandler` subclasses read them. @publicApi */
export type ResolvedTokenSocketOptions = Required<Omit<TokenSocketOptions, 'maxAge'>> &
  Pick<TokenSocketOptions, 'maxAge'>;

/** `users_socket:<id>` from `{id}`, `{sub}` or a bare string/number; otherwise anonymous. */
function defaultSocketId(data: unknown): string | null {
  const id =
    data !== null && typeof data === 'object' ? ((data as { id?: unknown }).id ?? (data as { sub?: unknown }).sub) : data;
  return typeof id === 'string' || typeof id === 'number' ? `users_socket:${id}` : null;
}

function nonEmptyString(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`ChannelsAuthModule option "socket.${option}" must be a non-empty string`);
  }
  return value;
}

/** Applies the defaults of `TokenSocketHandler` and rejects impossible settings at boot. */
export function resolveTokenSocketOptions(options: TokenSocketOptions = {}): ResolvedTokenSocketOptions {
  const id = options.id ?? defaultSocketId;
  if (typeof id !== 'function') throw new TypeError('ChannelsAuthModule option "socket.id" must be a function');
  return {
    salt: nonEmptyString('salt', options.salt ?? 'user socket'),
    param: nonEmptyString('param', options.param ?? 'token'),
    assign: nonEmptyString('assign', options.assign ?? 'user'),
    maxAge: options.maxAge === undefined ? undefined : checkMaxAge('ChannelsAuthModule option "socket.maxAge"', options.maxAge),
    id,
  };
}
