import { SharedFrame } from '../../fanout/shared-frame.js';
import type { Frame } from '../../protocol/messages.js';
import { escapeHeader, unescapeHeader, type HeaderEscaping } from './stomp-escaping.js';

const DESTINATION_LINE_START = 'MESSAGE\ndestination:/topic/'.length;
const LF = 0x0a;
/** Names the STOMP preparation among a shared frame's (`SharedFrame.prepared`). */
const STOMP_TEMPLATE = Symbol('stomp message template');

/**
 * A `MESSAGE` frame from the StompSerializer, all but its `subscription` header, split where that
 * header goes. For a broadcast it is read once for every STOMP subscriber on this node, and the
 * frame for each subscription id is built once too: clients that number their subscriptions the
 * same way (`sub-0` for every `@stomp/stompjs` client's first) share the very same bytes, framed
 * for WebSocket once.
 */
export class StompMessageTemplate {
  // Nearly every subscriber of a broadcast has the same id (`sub-0`): it is kept in fields, not a Map.
  private firstId: string | undefined;
  private firstFrame: Frame | undefined;
  private otherIds: Map<string, Frame> | undefined;

  private constructor(
    readonly topic: string,
    private readonly head: Buffer,
    private readonly tail: Buffer,
    private readonly binary: boolean,
    private readonly shared: boolean,
    private readonly fromOtherNode: boolean,
    private readonly escaping: HeaderEscaping,
  ) {}

  /** The template of `frame` (a StompSerializer MESSAGE), read once per shared frame. */
  static of(frame: Frame, escaping: HeaderEscaping): StompMessageTemplate {
    if (frame instanceof SharedFrame) return frame.prepared(STOMP_TEMPLATE, (shared) => StompMessageTemplate.read(shared, escaping, true));
    return StompMessageTemplate.read(frame, escaping, false);
  }

  private static read(frame: Frame, escaping: HeaderEscaping, shared: boolean): StompMessageTemplate {
    const data = typeof frame.data === 'string' ? Buffer.from(frame.data, 'utf8') : frame.data;
    const destinationEnd = data.indexOf(LF, DESTINATION_LINE_START);
    const topic = unescapeHeader(data.toString('utf8', DESTINATION_LINE_START, destinationEnd), escaping) ?? '';
    // Header values are escaped, so the first blank line is the end of the headers.
    const split = data.indexOf('\n\n', destinationEnd) + 1;
    return new StompMessageTemplate(
      topic,
      data.subarray(0, split),
      data.subarray(split),
      frame.binary,
      shared,
      frame.fromOtherNode === true,
      escaping,
    );
  }

  /** The whole frame for subscription `id`. */
  forSubscription(id: string): Frame {
    if (id === this.firstId) return this.firstFrame!;
    let frame = this.otherIds?.get(id);
    if (frame !== undefined) return frame;
    const data = Buffer.concat([this.head, Buffer.from(`subscription:${escapeHeader(id, this.escaping)}\n`, 'utf8'), this.tail]);
    if (!this.shared) return { data, binary: this.binary, fromOtherNode: this.fromOtherNode };
    // Shared, so that the WebSocket framing is done once for every socket with this id too.
    frame = new SharedFrame(data, this.binary, this.fromOtherNode);
    if (this.firstId === undefined) {
      this.firstId = id;
      this.firstFrame = frame;
    } else {
      (this.otherIds ??= new Map()).set(id, frame);
    }
    return frame;
  }
}
