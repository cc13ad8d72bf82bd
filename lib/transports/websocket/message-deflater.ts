import { constants, deflateRawSync } from 'node:zlib';

/** The empty stored block a sync flush ends with; RFC 7692 has the sender strip it. */
const SYNC_FLUSH_TAIL = 4;

/**
 * Compresses one message as an independent permessage-deflate payload (RFC 7692 7.2.1): raw
 * deflate ended by a sync flush, its `00 00 ff ff` tail removed. Independent because the server
 * always negotiates `server_no_context_takeover`: no deflate state outlives the call, so nothing
 * is held per connection and the same bytes suit every client that took the same window.
 *
 * Synchronous on purpose. A 2 KB JSON message takes 15-25 µs (once per broadcast, whatever the
 * subscriber count); an async zlib stream would add a thread-pool round trip per message and
 * make each socket's frame order depend on when compressions finish. Node offers no synchronous
 * call on a reusable zlib stream, so each call sets up its own (part of those microseconds).
 */
export class MessageDeflater {
  private readonly options: { level: number; windowBits: number; finishFlush: number };

  constructor(level: number, windowBits: number) {
    this.options = { level, windowBits, finishFlush: constants.Z_SYNC_FLUSH };
  }

  deflate(data: Buffer): Buffer {
    const output = deflateRawSync(data, this.options);
    return output.subarray(0, output.length - SYNC_FLUSH_TAIL);
  }
}
