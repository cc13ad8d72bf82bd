import type { Frame } from '../protocol/messages.js';
import type { Serializer } from '../serializers/serializer.interface.js';
import type { BroadcastMessage } from './broadcast-message.js';

/**
 * One broadcast on its way to local subscribers, encoded at most once per serializer version
 * (Phoenix's fastlane): N subscribers cost one encode, not N. Text frames are turned into a
 * Buffer once too, so the transports do not convert the string per socket.
 */
export class EncodedBroadcast {
  private readonly frames = new Map<Serializer, Frame | null>();

  constructor(readonly message: BroadcastMessage) {}

  /** The shared frame for `serializer`, or null when that version cannot carry the payload. */
  frameFor(serializer: Serializer): Frame | null {
    let frame = this.frames.get(serializer);
    if (frame === undefined) {
      frame = this.encode(serializer);
      this.frames.set(serializer, frame);
    }
    return frame;
  }

  /** How many encodes this broadcast cost so far. */
  get encodeCount(): number {
    return this.frames.size;
  }

  private encode(serializer: Serializer): Frame | null {
    const { topic, event, payload } = this.message;
    try {
      const frame = serializer.encodeMessage({ joinRef: null, ref: null, topic, event, payload });
      const data = typeof frame.data === 'string' ? Buffer.from(frame.data, 'utf8') : frame.data;
      return { data, binary: frame.binary, shared: true };
    } catch {
      return null;
    }
  }
}
