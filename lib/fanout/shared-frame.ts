import type { Frame } from '../protocol/messages.js';

/**
 * A broadcast frame that several local sockets receive. A transport turns it into what it writes
 * (a complete WebSocket frame, a long-poll message) once, with `prepared`, and every subscriber
 * on that transport gets the same bytes.
 */
export class SharedFrame implements Frame {
  readonly shared = true;
  // Nearly every broadcast meets one transport only: keep it in fields, not a Map.
  private firstKey: symbol | undefined;
  private firstPrepared: unknown;
  private otherPrepared: Map<symbol, unknown> | undefined;

  constructor(
    readonly data: Buffer,
    readonly binary: boolean,
    /** The broadcast came from another node (see `Frame.fromOtherNode`). */
    readonly fromOtherNode: boolean,
  ) {}

  /** What `build` makes of this frame for the transport that `key` names, built at its first request. */
  prepared<T>(key: symbol, build: (frame: SharedFrame) => T): T {
    if (key === this.firstKey) return this.firstPrepared as T;
    if (this.firstKey === undefined) {
      this.firstPrepared = build(this);
      this.firstKey = key;
      return this.firstPrepared as T;
    }
    this.otherPrepared ??= new Map();
    if (!this.otherPrepared.has(key)) this.otherPrepared.set(key, build(this));
    return this.otherPrepared.get(key) as T;
  }
}
