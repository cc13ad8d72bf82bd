import { protocolError } from '../../errors/protocol.error.js';
import { PhxEvent } from '../../protocol/events.js';
import { isBinaryPayload, toBuffer, type Frame, type InboundMessage, type OutboundMessage, type ReplyMessage } from '../../protocol/messages.js';
import type { Serializer } from '../../serializers/serializer.interface.js';
import { nextStompId } from './stomp-ids.js';
import type { HeaderEscaping } from './stomp-escaping.js';
import { encodeFrameWithBody } from './stomp-frame-encoder.js';

export const JSON_CONTENT_TYPE = 'application/json';
export const BINARY_CONTENT_TYPE = 'application/octet-stream';
/** Destinations name topics under this prefix: `/topic/room:lobby`. */
export const TOPIC_PREFIX = '/topic/';

/** A reply to a client's message: the STOMP connection turns it into a MESSAGE, RECEIPT or ERROR by what the message was. */
export class StompReply implements Frame {
  readonly data = '';
  readonly binary = false;
  constructor(readonly reply: ReplyMessage) {}
}

/** The server ended a channel (`phx_close`) or it crashed (`phx_error`): its subscriptions end. */
export class StompChannelEnd implements Frame {
  readonly data = '';
  readonly binary = false;
  constructor(readonly message: OutboundMessage) {}
}

/** A payload as a STOMP body and its content type. */
export function stompBody(payload: unknown): { body: Buffer; contentType: string } {
  if (isBinaryPayload(payload)) return { body: toBuffer(payload), contentType: BINARY_CONTENT_TYPE };
  return { body: Buffer.from(JSON.stringify(payload ?? null), 'utf8'), contentType: JSON_CONTENT_TYPE };
}

/**
 * STOMP as a wire format of the fan-out: a broadcast or push becomes a `MESSAGE` frame complete
 * but for its `subscription` header, which differs per subscriber and is inserted by the STOMP
 * connection (see StompMessageTemplate), so a broadcast is encoded once for every STOMP client.
 * One instance per header escaping (1.0, 1.1/1.2). Its `vsn` is 2.0.0 because, like 2.0.0, STOMP
 * carries binary payloads; `Socket.transport` is what says `'stomp'`.
 */
export class StompSerializer implements Serializer {
  readonly vsn = '2.0.0' as const;

  private constructor(readonly escaping: HeaderEscaping) {}

  static readonly unescaped = new StompSerializer('none');
  static readonly escaped = new StompSerializer('escaped');

  static for(escaping: HeaderEscaping): StompSerializer {
    return escaping === 'none' ? StompSerializer.unescaped : StompSerializer.escaped;
  }

  decode(): InboundMessage {
    throw protocolError('STOMP frames are decoded by the STOMP session');
  }

  encodeReply(reply: ReplyMessage): Frame {
    return new StompReply(reply);
  }

  encodeMessage(message: OutboundMessage): Frame {
    const { topic, event, payload, ref, joinRef } = message;
    if (event === PhxEvent.close || event === PhxEvent.error) return new StompChannelEnd(message);
    const { body, contentType } = stompBody(payload);
    const headers: Array<[string, string]> = [
      ['destination', TOPIC_PREFIX + topic],
      ['message-id', nextStompId()],
      ['event', event],
    ];
    // A history broadcast's position (phoenix clients get it as the ref): a later SUBSCRIBE passes it as `since`.
    if (ref !== null && (joinRef === null || ref !== joinRef)) headers.push(['position', ref]);
    return { data: encodeFrameWithBody('MESSAGE', headers, body, contentType, this.escaping), binary: contentType === BINARY_CONTENT_TYPE };
  }
}
