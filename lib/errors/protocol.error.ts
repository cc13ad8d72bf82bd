import { CloseCode } from '../protocol/close-codes.js';
import { ChannelsError } from './channels.error.js';

/**
 * What could be read of a malformed frame. With its `topic` (and `ref`), the error reply goes
 * to that channel's push, whose callback then fires instead of timing out. @publicApi
 */
export interface MalformedFrameFields {
  ref?: string | null;
  joinRef?: string | null;
  topic?: string | null;
}

/**
 * A frame that breaks the wire protocol. Within the socket's `malformedFrameAllowance` it is
 * answered with an error reply; past it, the socket that sent it is closed with `closeCode`
 * (1007, `CloseCode.malformed`). Nobody else is affected. A {@link Serializer} throws it.
 * @publicApi
 */
export class ProtocolError extends ChannelsError {
  declare readonly code: 'CHANNELS_ERR_MALFORMED_FRAME';
  declare readonly closeCode: typeof CloseCode.malformed;
  /** The frame's `ref` when it could be read, so that the error reply can carry it. */
  readonly ref: string | null;
  /** The frame's `join_ref` when it could be read. */
  readonly joinRef: string | null;
  /** The frame's topic when it could be read: the error reply goes there instead of `phoenix`. */
  readonly topic: string | null;

  /** @param readable what could be read of the frame: its `ref` (a string), or its fields. */
  constructor(message: string, readable: string | null | MalformedFrameFields = null) {
    super('CHANNELS_ERR_MALFORMED_FRAME', message, { closeCode: CloseCode.malformed });
    this.name = 'ProtocolError';
    const fields = typeof readable === 'string' || readable === null ? { ref: readable } : readable;
    this.ref = fields.ref ?? null;
    this.joinRef = fields.joinRef ?? null;
    this.topic = fields.topic || null;
  }
}

/**
 * A {@link ProtocolError} without a stack trace. It reports a client's bad frame, not a fault in
 * this code, so a stack says nothing, and capturing one (with the SyntaxError behind it) would
 * double the cost of rejecting a malformed frame, which a flood repeats thousands of times.
 */
export function protocolError(message: string, readable: string | null | MalformedFrameFields = null): ProtocolError {
  // Synchronous, so nothing else runs until the limit is restored.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new ProtocolError(message, readable);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
