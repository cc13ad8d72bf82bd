import { protocolError } from '../errors/protocol.error.js';
import { PhxEvent } from '../protocol/events.js';
import { isBinaryPayload, type Frame, type InboundMessage, type OutboundMessage, type ReplyMessage } from '../protocol/messages.js';
import { toInboundMessage } from '../protocol/validate-message.js';
import { NOT_JSON, parseFrame } from './parse-frame.js';
import type { Serializer } from './serializer.interface.js';
import { ChannelsTypeError } from '../errors/channels-type.error.js';

/**
 * Serializer 1.0.0: every frame is a JSON object `{topic, event, payload, ref}`.
 * It has no binary form, so binary payloads cannot be sent to these clients.
 * @publicApi
 */
export class V1JsonSerializer implements Serializer {
  readonly vsn = '1.0.0' as const;

  decode(data: Buffer, isBinary: boolean): InboundMessage {
    if (isBinary) throw protocolError('serializer 1.0.0 has no binary frames');
    const parsed = parseFrame(data);
    if (parsed === NOT_JSON) throw protocolError('frame is not valid JSON');
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw protocolError('a 1.0.0 frame must be a JSON object');
    }
    const { join_ref, ref, topic, event, payload } = parsed as Record<string, unknown>;
    return toInboundMessage(join_ref, ref, topic, event, payload);
  }

  encodeReply(reply: ReplyMessage): Frame {
    // The response is wrapped in `{status, response}`, which encodeMessage's check cannot see into.
    if (isBinaryPayload(reply.response)) throw binaryPayloadError();
    return this.encodeMessage({
      joinRef: reply.joinRef,
      ref: reply.ref,
      topic: reply.topic,
      event: PhxEvent.reply,
      payload: { status: reply.status, response: reply.response },
    });
  }

  encodeMessage(message: OutboundMessage): Frame {
    if (isBinaryPayload(message.payload)) throw binaryPayloadError();
    const { topic, event, payload, ref, joinRef } = message;
    return { data: JSON.stringify({ topic, event, payload, ref, join_ref: joinRef }), binary: false };
  }
}

function binaryPayloadError(): ChannelsTypeError {
  return new ChannelsTypeError('CHANNELS_ERR_BINARY_NEEDS_V2', 'binary payloads need serializer 2.0.0; this client connected with 1.0.0');
}
