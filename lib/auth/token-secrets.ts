import { createSecretKey, type KeyObject } from 'node:crypto';
import { describeKind, describeSecret } from '../options/describe-value.js';
import type { OptionValidator } from '../options/option-validator.js';
import type { TokenSecret } from './auth-options.interface.js';

// HS256 keys shorter than the hash output weaken the MAC (RFC 7518, section 3.2).
const MIN_SECRET_BYTES = 32;
const FIX = `Use at least ${MIN_SECRET_BYTES} random bytes, e.g. randomBytes(${MIN_SECRET_BYTES}).toString('base64url'), from an environment variable.`;

/**
 * Turns the configured secrets into HMAC keys, newest first; rejects weak or missing ones at boot.
 * Messages show a secret's kind and size, never its content.
 */
export function createSigningKeys(secrets: TokenSecret | TokenSecret[] | undefined, check: OptionValidator): KeyObject[] {
  const list = Array.isArray(secrets) ? secrets : secrets === undefined ? [] : [secrets];
  if (list.length === 0) check.fail('secrets', 'must hold at least one secret', secrets, FIX, describeKind);
  return list.map((secret, index) => {
    const path = Array.isArray(secrets) ? `secrets[${index}]` : 'secrets';
    const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret instanceof Uint8Array ? secret : null;
    if (!bytes) check.fail(path, 'must be a string or a Uint8Array', secret, FIX, describeSecret);
    if (bytes.byteLength < MIN_SECRET_BYTES) check.fail(path, `must be at least ${MIN_SECRET_BYTES} bytes long`, secret, FIX, describeSecret);
    return createSecretKey(bytes);
  });
}
