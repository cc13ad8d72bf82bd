/**
 * Telling broadcasts from replies in Phoenix V2 frames without parsing the JSON: the clients share
 * one core and must not be the bottleneck.
 *
 * - `[null,null,"topic",...]`: a broadcast (no join ref, no ref).
 * - `[null,"<epoch>:<offset>","topic",...]`: a broadcast on a history topic, its position in `ref`.
 * - Anything else is a reply or a push; `[null,"12","phoenix","phx_reply",...]` (a heartbeat's
 *   reply) also has a null join ref, but its ref is a number: a position always holds a colon.
 */
const BROADCAST_PREFIX = Buffer.from('[null,null,');
const POSITIONED_PREFIX = Buffer.from('[null,"');
const QUOTE = 0x22;
const COLON = 0x3a;
/** The library's positions are at most 82 characters (`parsePosition`). */
const LONGEST_POSITION = 82;

function startsWith(frame: Buffer, prefix: Buffer): boolean {
  return frame.length > prefix.length && frame.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/** Where a broadcast's ref ends: -1 if `frame` is no broadcast, 0 for a broadcast without position, else the index of the closing quote of its position. */
export function broadcastRefEnd(frame: Buffer): number {
  if (startsWith(frame, BROADCAST_PREFIX)) return 0;
  if (!startsWith(frame, POSITIONED_PREFIX)) return -1;
  const limit = Math.min(frame.length, POSITIONED_PREFIX.length + LONGEST_POSITION + 1);
  let colon = false;
  for (let i = POSITIONED_PREFIX.length; i < limit; i++) {
    const byte = frame[i];
    if (byte === QUOTE) return colon ? i : -1;
    if (byte === COLON) colon = true;
  }
  return -1;
}

/** The position of a history broadcast whose ref ends at `end` (from `broadcastRefEnd`). */
export function positionOf(frame: Buffer, end: number): string {
  return frame.toString('latin1', POSITIONED_PREFIX.length, end);
}
