/**
 * Why a token was refused: `missing` (none given), `invalid` (malformed, tampered, signed with
 * an unknown secret or for another salt) or `expired` (older than `maxAge`).
 * @publicApi
 */
export type TokenFailure = 'missing' | 'invalid' | 'expired';

/** The outcome of `ChannelsTokenService.verify()`. @publicApi */
export type TokenVerification<T = unknown> = { ok: true; data: T } | { ok: false; reason: TokenFailure };
