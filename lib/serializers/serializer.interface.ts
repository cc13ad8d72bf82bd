import type { Frame, InboundMessage, OutboundMessage, ReplyMessage } from '../protocol/messages.js';

/** Serializer versions a client selects with the `vsn` connect parameter. */
export type SerializerVersion = '1.0.0' | '2.0.0';

/**
 * Turns frames into messages and back for one protocol version.
 * `decode` throws a `ProtocolError` for anything malformed.
 */
export interface Serializer {
  readonly vsn: SerializerVersion;
  decode(data: Buffer, isBinary: boolean): InboundMessage;
  encodeReply(reply: ReplyMessage): Frame;
  /** A push (`ref` null) or a broadcast (`joinRef` and `ref` null). */
  encodeMessage(message: OutboundMessage): Frame;
}
