import { createSecretKey, type KeyObject } from 'node:crypto';
import type { TokenSecret } from './auth-options.interface.js';

// HS256 keys shorter than the hash output weaken the MAC (RFC 7518, section 3.2).
const MIN_SECRET_BYTES = 32;

function fail(message: string): never {
  throw new TypeError(`ChannelsAuthModule option "secrets" ${message}`);
}

/** Turns the configured secrets into HMAC keys, newest first; rejects weak or missing ones at boot. */
export function createSigningKeys(secrets: TokenSecret | TokenSecret[] | undefined): KeyObject[] {
  const list = Array.isArray(secrets) ? secrets : secrets === undefined ? [] : [secrets];
  if (list.length === 0) fail('must hold at least one secret');
  return list.map((secret, index) => {
    const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret instanceof Uint8Array ? secret : null;
    if (!bytes) fail(`entry ${index} must be a string or a Uint8Array`);
    if (bytes.byteLength < MIN_SECRET_BYTES) {
      fail(`entry ${index} is ${bytes.byteLength} bytes; use at least ${MIN_SECRET_BYTES} random bytes`);
    }
    return createSecretKey(bytes);
  });
}
