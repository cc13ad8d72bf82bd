import { CloseCode } from '../protocol/close-codes.js';
import { ChannelsError } from './channels.error.js';

/**
 * A frame that breaks the wire protocol. Within the socket's `malformedFrameAllowance` it is
 * answered with an error reply; past it, the socket that sent it is closed with `closeCode`
 * (1007, `CloseCode.malformed`). Nobody else is affected.
 * @publicApi
 */
export class ProtocolError extends ChannelsError {
  declare readonly code: 'CHANNELS_ERR_MALFORMED_FRAME';
  declare readonly closeCode: typeof CloseCode.malformed;

  /** @param ref the frame's `ref` when it could be read, so that the error reply can carry it. */
  constructor(
    message: string,
    readonly ref: string | null = null,
  ) {
    super('CHANNELS_ERR_MALFORMED_FRAME', message, { closeCode: CloseCode.malformed });
    this.name = 'ProtocolError';
  }
}

/**
 * A {@link ProtocolError} without a stack trace. It reports a client's bad frame, not a fault in
 * this code, so a stack says nothing, and capturing one (with the SyntaxError behind it) would
 * double the cost of rejecting a malformed frame, which a flood repeats thousands of times.
 */
export function protocolError(message: string, ref: string | null = null): ProtocolError {
  // Synchronous, so nothing else runs until the limit is restored.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new ProtocolError(message, ref);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
