import { protocolError } from '../errors/protocol.error.js';
import { PhxEvent } from '../protocol/events.js';
import {
  isBinaryPayload,
  toBuffer,
  type Frame,
  type InboundMessage,
  type OutboundMessage,
  type ReplyMessage,
} from '../protocol/messages.js';
import { readableFields, toInboundMessage } from '../protocol/validate-message.js';
import { NOT_JSON, parseFrame } from './parse-frame.js';
import type { Serializer } from './serializer.interface.js';
import { BinaryKind, decodeBinaryPush, encodeBinaryFrame } from './v2-binary-frame.js';

/**
 * Serializer 2.0.0 (the phoenix client's default): JSON arrays
 * `[join_ref, ref, topic, event, payload]`, and binary frames for byte payloads. Extend it to
 * serve a dialect of 2.0.0 (see docs/serializers.md): override `decode` for extra binary kinds
 * and `encodeMessage` for frames of your own, calling `super` for the rest.
 * @publicApi
 */
export class V2JsonSerializer implements Serializer {
  readonly vsn = '2.0.0' as const;

  decode(data: Buffer, isBinary: boolean): InboundMessage {
    if (isBinary) return decodeBinaryPush(data);
    const parsed = parseFrame(data);
    if (parsed === NOT_JSON) throw protocolError('frame is not valid JSON');
    if (!Array.isArray(parsed) || parsed.length !== 5) {
      const fields = Array.isArray(parsed) ? readableFields(parsed[0], parsed[1], parsed[2]) : undefined;
      throw protocolError('a 2.0.0 frame must be a JSON array [join_ref, ref, topic, event, payload]', fields);
    }
    return toInboundMessage(parsed[0], parsed[1], parsed[2], parsed[3], parsed[4]);
  }

  encodeReply(reply: ReplyMessage): Frame {
    const { joinRef, ref, topic, status, response } = reply;
    if (isBinaryPayload(response)) {
      const fields: Array<[string, string | null]> = [['join_ref', joinRef], ['ref', ref], ['topic', topic], ['status', status]];
      return { data: encodeBinaryFrame(BinaryKind.reply, fields, toBuffer(response)), binary: true };
    }
    return { data: JSON.stringify([joinRef, ref, topic, PhxEvent.reply, { status, response }]), binary: false };
  }

  encodeMessage(message: OutboundMessage): Frame {
    const { joinRef, ref, topic, event, payload } = message;
    if (isBinaryPayload(payload)) {
      const bytes = toBuffer(payload);
      const frame =
        joinRef === null
          ? encodeBinaryFrame(BinaryKind.broadcast, [['topic', topic], ['event', event]], bytes)
          : encodeBinaryFrame(BinaryKind.push, [['join_ref', joinRef], ['topic', topic], ['event', event]], bytes);
      return { data: frame, binary: true };
    }
    return { data: JSON.stringify([joinRef, ref, topic, event, payload]), binary: false };
  }
}
