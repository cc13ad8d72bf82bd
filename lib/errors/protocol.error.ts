/** Close code for a socket that sent more malformed frames than its allowance (RFC 6455: inconsistent data). */
export const CLOSE_MALFORMED = 1007;

/**
 * A frame that breaks the wire protocol. Within the socket's `malformedFrameAllowance` it is
 * answered with an error reply; past it, the socket that sent it is closed with
 * {@link CLOSE_MALFORMED}. Nobody else is affected.
 */
export class ProtocolError extends Error {
  readonly code = 'CHANNELS_ERR_MALFORMED_FRAME';

  /** @param ref the frame's `ref` when it could be read, so that the error reply can carry it. */
  constructor(message: string, readonly ref: string | null = null) {
    super(message);
    this.name = 'ProtocolError';
  }
}
