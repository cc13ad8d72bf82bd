import type { CloseCode } from '../protocol/close-codes.js';
import type { ChannelsErrorCode } from './error-codes.js';

/** A WebSocket close code of {@link CloseCode}. */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * An error of nestjs-channels, with a stable {@link ChannelsErrorCode} and, when the error ends a
 * socket, the WebSocket close code to use. Errors about a wrong value given to the library
 * (options, arguments) are {@link ChannelsTypeError}s instead, so that they stay `TypeError`s;
 * `isChannelsError()` recognises both.
 * @publicApi
 */
export class ChannelsError extends Error {
  readonly code: ChannelsErrorCode;
  /** The close code of the socket this error ends; absent when it ends none. */
  declare readonly closeCode?: CloseCodeValue;

  constructor(code: ChannelsErrorCode, message: string, options?: ErrorOptions & { closeCode?: CloseCodeValue }) {
    super(message, options);
    this.name = 'ChannelsError';
    this.code = code;
    // Set only when there is one, so that logged errors show no `closeCode: undefined`.
    if (options?.closeCode !== undefined) this.closeCode = options.closeCode;
  }
}
