import { ChannelsError } from './channels.error.js';
import { ChannelsTypeError } from './channels-type.error.js';
import type { ChannelsErrorCode } from './error-codes.js';

/**
 * Whether `error` is an error of nestjs-channels (a {@link ChannelsError} or a
 * {@link ChannelsTypeError}), with the code `code` when it is given.
 * @publicApi
 */
export function isChannelsError(error: unknown, code?: ChannelsErrorCode): error is ChannelsError | ChannelsTypeError {
  return (error instanceof ChannelsError || error instanceof ChannelsTypeError) && (code === undefined || error.code === code);
}
