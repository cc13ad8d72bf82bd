/**
 * Telling the bench's broadcasts from other STOMP frames without parsing: a `MESSAGE` whose
 * headers say `event:msg` (the join reply is `event:phx_reply`). The clients share one core.
 */
const MESSAGE_PREFIX = Buffer.from('MESSAGE\n');
const BROADCAST_HEADER = Buffer.from('\nevent:msg\n');
const END_OF_HEADERS = Buffer.from('\n\n');

export function isStompBroadcast(frame: Buffer): boolean {
  if (frame.length <= MESSAGE_PREFIX.length || frame.compare(MESSAGE_PREFIX, 0, MESSAGE_PREFIX.length, 0, MESSAGE_PREFIX.length) !== 0) {
    return false;
  }
  const at = frame.indexOf(BROADCAST_HEADER);
  return at >= 0 && at < frame.indexOf(END_OF_HEADERS);
}

/** The value of header `name` in a frame's head, or undefined. */
export function stompHeader(frame: Buffer, name: string): string | undefined {
  const text = frame.toString('latin1', 0, Math.max(0, frame.indexOf(END_OF_HEADERS)));
  const line = text.split('\n').find((header) => header.startsWith(`${name}:`));
  return line?.slice(name.length + 1);
}
