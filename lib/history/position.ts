/**
 * Where a broadcast stands in its topic's history: the history's `epoch` (a random string, new
 * whenever the stored history is lost) and its `offset` (1, 2, 3, ... per history broadcast).
 * On the wire it is the string `"<epoch>:<offset>"`, never a plain number, so that a position
 * from a lost history can never be mistaken for one of the new history.
 * @publicApi
 */
export interface Position {
  readonly epoch: string;
  readonly offset: number;
}

// Epochs are the library's own (URL-safe base64 and '.'), so a colon always ends one.
const EPOCH = /^[A-Za-z0-9_.-]{1,64}$/;
const OFFSET = /^(0|[1-9][0-9]{0,15})$/;

export function formatPosition(position: Position): string {
  return `${position.epoch}:${position.offset}`;
}

/** The position a client sent (`since`), or null when it is not one: anything from a client is untrusted. */
export function parsePosition(value: unknown): Position | null {
  if (typeof value !== 'string' || value.length > 82) return null;
  const colon = value.lastIndexOf(':');
  if (colon <= 0) return null;
  const epoch = value.slice(0, colon);
  const offset = value.slice(colon + 1);
  if (!EPOCH.test(epoch) || !OFFSET.test(offset)) return null;
  const number = Number(offset);
  return Number.isSafeInteger(number) ? { epoch, offset: number } : null;
}
