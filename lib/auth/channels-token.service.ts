import type { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import { ChannelsTypeError } from '../errors/channels-type.error.js';
import { describeValue } from '../options/describe-value.js';
import { aFunction, OptionValidator } from '../options/option-validator.js';
import type { ChannelsAuthOptions } from './auth-options.interface.js';
import { CHANNELS_AUTH_OPTIONS } from './channels-auth.module-definition.js';
import { maxAgeSeconds } from './token-max-age.js';
import { createSigningKeys } from './token-secrets.js';
import type { TokenVerification } from './token-verification.js';

/** Phoenix.Token's default: a token older than a day is expired. */
const DEFAULT_MAX_AGE_SECONDS = 86_400;
/** Clock drift between the nodes that sign and verify that a token's issue time may show. */
const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;
const ALGORITHM = 'HS256';

const MISSING = { ok: false, reason: 'missing' } as const;
const INVALID = { ok: false, reason: 'invalid' } as const;
const EXPIRED = { ok: false, reason: 'expired' } as const;

/** Options of one `verify()` call. @publicApi */
export interface VerifyTokenOptions {
  /** Oldest accepted token in seconds, instead of the module's `maxAge`; `Infinity`: no limit. */
  maxAge?: number;
}

const verifyOptions = new OptionValidator('ChannelsTokenService.verify()');

function checkSalt(method: string, salt: unknown): asserts salt is string {
  if (typeof salt !== 'string' || salt.length === 0) {
    throw new ChannelsTypeError(
      'CHANNELS_ERR_INVALID_ARGUMENT',
      `ChannelsTokenService.${method}(): the salt must be a non-empty string, got ${describeValue(salt)}. It names the token's purpose, e.g. "user socket".`,
    );
  }
}

/**
 * Signed, timestamped tokens in the spirit of `Phoenix.Token`, as HS256 JWTs (signed, not
 * encrypted: never put secrets in the data). The salt names the token's purpose, so a token
 * issued for one purpose (`'user socket'`) never verifies for another (`'password reset'`).
 *
 * ```ts
 * const token = await tokens.sign('user socket', { id: user.id });
 * const result = await tokens.verify('user socket', token, { maxAge: 3600 });
 * if (result.ok) use(result.data); else refuse(result.reason); // 'missing' | 'invalid' | 'expired'
 * ```
 * @publicApi
 */
@Injectable()
export class ChannelsTokenService {
  private readonly keys: KeyObject[];
  private readonly maxAge: number;
  private readonly clock: () => number;
  private readonly clockTolerance: number;

  constructor(@Inject(CHANNELS_AUTH_OPTIONS) options: ChannelsAuthOptions) {
    options ??= {} as ChannelsAuthOptions;
    const check = new OptionValidator('ChannelsAuthModule');
    this.keys = createSigningKeys(options.secrets, check);
    this.maxAge = check.check('maxAge', options.maxAge ?? DEFAULT_MAX_AGE_SECONDS, maxAgeSeconds, 'Leave it out for one day (86400).');
    this.clock = check.check('clock', options.clock ?? Date.now, aFunction<() => number>('a function () => ms since the epoch'));
    const tolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
    this.clockTolerance = check.check('clockToleranceSeconds', tolerance, maxAgeSeconds, 'Leave it out for 60.');
  }

  /** Signs `data` (any JSON value) for the purpose `salt`, with the newest secret. */
  async sign(salt: string, data: unknown): Promise<string> {
    checkSalt('sign', salt);
    if (data === undefined) {
      throw new ChannelsTypeError(
        'CHANNELS_ERR_INVALID_ARGUMENT',
        'ChannelsTokenService.sign(): the data must be a JSON value, got undefined. Pass null for no data.',
      );
    }
    return new SignJWT({ data })
      .setProtectedHeader({ alg: ALGORITHM })
      .setAudience(salt)
      .setIssuedAt(this.nowSeconds())
      .sign(this.keys[0]);
  }

  /**
   * Verifies `token` for the purpose `salt` against every configured secret and returns its
   * data, or why it was refused. Never throws for bad input: tokens come from clients.
   */
  async verify<T = unknown>(
    salt: string,
    token: string | null | undefined,
    options: VerifyTokenOptions = {},
  ): Promise<TokenVerification<T>> {
    checkSalt('verify', salt);
    const maxAge = verifyOptions.optional('maxAge', options.maxAge, maxAgeSeconds, "Leave it out for the module's maxAge.") ?? this.maxAge;
    if (token === undefined || token === null || token === '') return MISSING;
    if (typeof token !== 'string') return INVALID;
    const currentDate = new Date(this.clock());
    for (const key of this.keys) {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          audience: salt,
          requiredClaims: ['iat'],
          currentDate,
        }));
      } catch (error) {
        // Only a wrong key is worth trying the next secret; anything else is final.
        if (error instanceof errors.JWSSignatureVerificationFailed) continue;
        return INVALID;
      }
      if (!Object.hasOwn(payload, 'data')) return INVALID;
      // Checked here rather than with jose's maxTokenAge, which refuses any token issued "in the
      // future": nodes' clocks drift a little, so only what lies beyond the tolerance is refused.
      const age = Math.floor(currentDate.getTime() / 1000) - (payload.iat as number);
      if (age < -this.clockTolerance) return INVALID;
      if (age > maxAge) return EXPIRED;
      return { ok: true, data: payload.data as T };
    }
    return INVALID;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }
}
