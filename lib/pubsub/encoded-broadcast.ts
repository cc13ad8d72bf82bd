import type { Frame } from '../protocol/messages.js';
import type { Serializer } from '../serializers/serializer.interface.js';
import type { BroadcastMessage } from './broadcast-message.js';

/**
 * One broadcast on its way to local subscribers, encoded at most once per serializer version
 * (Phoenix's fastlane): N subscribers cost one encode, not N. A frame for several subscribers is
 * marked `shared` and its text turned into a Buffer once, so transports prepare it once for all;
 * a frame for a single subscriber (a point-to-point topic) skips that work.
 */
export class EncodedBroadcast {
  // Nearly every broadcast meets one serializer version only: keep it in fields, not a Map.
  private firstSerializer: Serializer | undefined;
  private firstFrame: Frame | null = null;
  private otherFrames: Map<Serializer, Frame | null> | undefined;

  constructor(
    readonly message: BroadcastMessage,
    /** True when the frame goes to more than one local subscriber. */
    private readonly fanout = true,
  ) {}

  /** The frame for `serializer`, or null when that version cannot carry the payload. */
  frameFor(serializer: Serializer): Frame | null {
    if (serializer === this.firstSerializer) return this.firstFrame;
    if (this.firstSerializer === undefined) {
      this.firstSerializer = serializer;
      this.firstFrame = this.encode(serializer);
      return this.firstFrame;
    }
    this.otherFrames ??= new Map();
    let frame = this.otherFrames.get(serializer);
    if (frame === undefined) {
      frame = this.encode(serializer);
      this.otherFrames.set(serializer, frame);
    }
    return frame;
  }

  /** How many encodes this broadcast cost so far. */
  get encodeCount(): number {
    return (this.firstSerializer ? 1 : 0) + (this.otherFrames?.size ?? 0);
  }

  private encode(serializer: Serializer): Frame | null {
    const { topic, event, payload } = this.message;
    try {
      const frame = serializer.encodeMessage({ joinRef: null, ref: null, topic, event, payload });
      if (!this.fanout) return frame;
      const data = typeof frame.data === 'string' ? Buffer.from(frame.data, 'utf8') : frame.data;
      return { data, binary: frame.binary, shared: true };
    } catch {
      return null;
    }
  }
}
