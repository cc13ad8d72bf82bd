import type { Frame, OutboundMessage } from '../protocol/messages.js';
import type { Serializer } from './serializer.interface.js';
import { V1JsonSerializer } from './v1-json.serializer.js';
import { V2JsonSerializer } from './v2-json.serializer.js';

/**
 * A JSON payload pushed to several clients, each in its own frame (its own `join_ref`), such as a
 * `presence_state` shared by a window's joiners: the payload is turned into UTF-8 JSON once, and
 * the built-in serializers copy those bytes into each frame, a Buffer. A string frame would be
 * joined, measured and encoded again for every joiner: three passes over a list that, at a mass
 * join, is hundreds of KB per joiner. Any other serializer (an app's, STOMP) encodes `value` as usual.
 */
export class PreEncodedPayload {
  private json: Buffer | undefined;

  constructor(readonly value: unknown) {}

  /** The frame `serializer` would make of `message` (whose payload is this). */
  encode(serializer: Serializer, message: OutboundMessage): Frame {
    const { joinRef, ref, topic, event } = message;
    // Exactly the built-in classes: a subclass may encode messages its own way.
    if (serializer.constructor === V2JsonSerializer) {
      return { data: this.around(`[${JSON.stringify(joinRef)},${JSON.stringify(ref)},${JSON.stringify(topic)},${JSON.stringify(event)},`, ']'), binary: false };
    }
    if (serializer.constructor === V1JsonSerializer) {
      const before = `{"topic":${JSON.stringify(topic)},"event":${JSON.stringify(event)},"payload":`;
      return { data: this.around(before, `,"ref":${JSON.stringify(ref)},"join_ref":${JSON.stringify(joinRef)}}`), binary: false };
    }
    return serializer.encodeMessage({ ...message, payload: this.value });
  }

  /** `before`, the payload's JSON and `after`, as UTF-8 in one buffer. */
  private around(before: string, after: string): Buffer {
    const json = (this.json ??= Buffer.from(JSON.stringify(this.value)));
    const data = Buffer.allocUnsafe(Buffer.byteLength(before) + json.length + Buffer.byteLength(after));
    const at = data.write(before);
    data.write(after, at + json.copy(data, at));
    return data;
  }
}

/** `serializer.encodeMessage(message)`, with a {@link PreEncodedPayload} spliced in once encoded. */
export function encodeOutbound(serializer: Serializer, message: OutboundMessage): Frame {
  return message.payload instanceof PreEncodedPayload ? message.payload.encode(serializer, message) : serializer.encodeMessage(message);
}
