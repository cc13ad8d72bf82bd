/** Close code for a frame the serializer cannot decode (RFC 6455: inconsistent data). */
export const CLOSE_MALFORMED = 1007;

/**
 * A frame that breaks the wire protocol. The connection that sent it is closed with
 * {@link CLOSE_MALFORMED}; nobody else is affected.
 */
export class ProtocolError extends Error {
  readonly code = 'CHANNELS_ERR_MALFORMED_FRAME';
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}
