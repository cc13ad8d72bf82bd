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

  /**
   * What `build` makes of this frame for the transport that `key` names, built at its first
   * request. `build` may itself prepare another key of this frame (a compressed frame falling
   * back on the uncompressed one): the result is stored after it returns.
   */
  prepared<T>(key: symbol, build: (frame: SharedFrame) => T): T {
    if (key === this.firstKey) return this.firstPrepared as T;
    if (this.otherPrepared?.has(key)) return this.otherPrepared.get(key) as T;
    const built = build(this);
    if (this.firstKey === undefined) {
      this.firstKey = key;
      this.firstPrepared = built;
    } else {
      (this.otherPrepared ??= new Map()).set(key, built);
    }
    return built;
  }
}
