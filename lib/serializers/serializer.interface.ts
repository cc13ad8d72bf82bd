import type { ProtocolError } from '../errors/protocol.error.js';
import type { Frame, InboundMessage, OutboundMessage, ReplyMessage } from '../protocol/messages.js';

/** The built-in serializers' versions: a string in `ChannelsModuleOptions.serializers` picks one. @publicApi */
export type SerializerVersion = '1.0.0' | '2.0.0';

/**
 * A wire format: turns a client's frames into messages and messages into frames. Register one in
 * `ChannelsModuleOptions.serializers`, beside or in place of the built-in `'1.0.0'` and
 * `'2.0.0'`; clients select it with the `vsn` connect parameter. One instance serves every socket
 * of its version, so it must keep no per-socket state. A broadcast is encoded once per serializer
 * for all of its subscribers, by `encodeMessage`.
 * @publicApi
 */
export interface Serializer {
  /**
   * `major.minor.patch`. A client's `vsn` selects the serializer of the same major and minor
   * version (`2.0.3` selects `2.0.0`), as Phoenix's `~> 2.0.0` does.
   */
  readonly vsn: string;
  /**
   * Decodes one frame from a client. Throws a {@link ProtocolError} for a malformed one, with its
   * `ref`, `joinRef` and `topic` when they could be read: the client gets its error reply on
   * them. Binary payloads are `Buffer`s.
   */
  decode(data: Buffer, isBinary: boolean): InboundMessage;
  /** Encodes the reply to a client's message (`phx_reply`). */
  encodeReply(reply: ReplyMessage): Frame;
  /** Encodes a push (`ref` null, or a history position) or a broadcast (`joinRef` null). */
  encodeMessage(message: OutboundMessage): Frame;
}
