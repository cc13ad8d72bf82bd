import type { ChannelsErrorCode } from './error-codes.js';

/**
 * A value given to the library has the wrong type or range: a `TypeError` (as Node's own
 * `ERR_INVALID_ARG_TYPE`) with a stable {@link ChannelsErrorCode}. Thrown by the call that got it.
 * @publicApi
 */
export class ChannelsTypeError extends TypeError {
  readonly code: ChannelsErrorCode;

  constructor(code: ChannelsErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ChannelsTypeError';
    this.code = code;
  }
}
