import type { Frame, OutboundMessage } from '../protocol/messages.js';
import type { Serializer } from './serializer.interface.js';
import { V1JsonSerializer } from './v1-json.serializer.js';
import { V2JsonSerializer } from './v2-json.serializer.js';

/**
 * A JSON payload pushed to several clients, each in its own frame (its own `join_ref`), such as a
 * `presence_state` shared by a window's joiners: the payload is turned into JSON once, and the
 * built-in serializers splice that text into each frame. Any other serializer (an app's, STOMP)
 * encodes `value` as usual.
 */
export class PreEncodedPayload {
  private json: string | undefined;

  constructor(readonly value: unknown) {}

  /** The frame `serializer` would make of `message` (whose payload is this). */
  encode(serializer: Serializer, message: OutboundMessage): Frame {
    const { joinRef, ref, topic, event } = message;
    // Exactly the built-in classes: a subclass may encode messages its own way.
    if (serializer.constructor === V2JsonSerializer) {
      return { data: `[${JSON.stringify(joinRef)},${JSON.stringify(ref)},${JSON.stringify(topic)},${JSON.stringify(event)},${this.text()}]`, binary: false };
    }
    if (serializer.constructor === V1JsonSerializer) {
      const data = `{"topic":${JSON.stringify(topic)},"event":${JSON.stringify(event)},"payload":${this.text()},"ref":${JSON.stringify(ref)},"join_ref":${JSON.stringify(joinRef)}}`;
      return { data, binary: false };
    }
    return serializer.encodeMessage({ ...message, payload: this.value });
  }

  private text(): string {
    return (this.json ??= JSON.stringify(this.value));
  }
}

/** `serializer.encodeMessage(message)`, with a {@link PreEncodedPayload} spliced in once encoded. */
export function encodeOutbound(serializer: Serializer, message: OutboundMessage): Frame {
  return message.payload instanceof PreEncodedPayload ? message.payload.encode(serializer, message) : serializer.encodeMessage(message);
}
