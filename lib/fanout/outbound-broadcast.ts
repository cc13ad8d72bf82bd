import { Logger } from '@nestjs/common';
import { formatPosition } from '../history/position.js';
import type { Frame } from '../protocol/messages.js';
import type { BroadcastMessage, BroadcastOrigin } from '../pubsub/broadcast-message.js';
import type { Serializer } from '../serializers/serializer.interface.js';
import { SharedFrame } from './shared-frame.js';

const logger = new Logger('Channel');

/**
 * One broadcast on its way to this node's joined channels, encoded at most once per wire format
 * (Phoenix's fastlane): N subscribers cost one encode, not N. A frame for several subscribers is
 * a {@link SharedFrame} whose text is turned into bytes once, so transports prepare it once for
 * all; a frame for a single subscriber (a point-to-point topic) skips that work.
 */
export class OutboundBroadcast {
  private firstSerializer: Serializer | undefined;
  private firstFrame: Frame | null = null;
  private otherFrames: Map<Serializer, Frame | null> | undefined;

  constructor(
    readonly message: BroadcastMessage,
    readonly origin: BroadcastOrigin,
    /** True when the frame goes to more than one local subscriber. */
    private readonly fanout: boolean,
  ) {}

  /** The frame for `serializer`, or null when that wire format cannot carry the payload (logged once). */
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

  private encode(serializer: Serializer): Frame | null {
    const { topic, event, payload, position } = this.message;
    let frame: Frame;
    try {
      // A history broadcast carries its position in `ref`: phoenix.js hands it to `channel.on` callbacks.
      const ref = position === undefined ? null : formatPosition(position);
      frame = serializer.encodeMessage({ joinRef: null, ref, topic, event, payload });
    } catch (error) {
      logger.warn(`Broadcast "${event}" on "${topic}" cannot be encoded for serializer ${serializer.vsn}: ${String(error)}`);
      return null;
    }
    const fromOtherNode = this.origin === 'remote';
    if (this.fanout) {
      const data = typeof frame.data === 'string' ? Buffer.from(frame.data, 'utf8') : frame.data;
      return new SharedFrame(data, frame.binary, fromOtherNode);
    }
    return fromOtherNode ? { data: frame.data, binary: frame.binary, fromOtherNode } : frame;
  }
}
