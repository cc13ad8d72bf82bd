/** The two Redis keys of one topic's history. */
export interface HistoryKeys {
  /** A hash: `epoch` and `offset`, the last offset handed out. */
  readonly meta: string;
  /** A stream: one entry per history broadcast, id `<offset>-0`, fields `e` (envelope) and `t` (ms). */
  readonly stream: string;
}

/** `}`: a topic starting with it would leave the hash tag empty. */
const CLOSING_BRACE = 0x7d;

/**
 * `<prefix>{<topic>}:h` and `<prefix>{<topic>}:s`. The braces are a Redis Cluster hash tag: both
 * keys hash to the same slot, so that one script can write both on a Cluster. A topic starting with
 * `}` would leave the tag empty (the whole key is then hashed), so it gets the tag `~` and a key
 * ending in `!`, which no other topic's key ends with. The prefix should have no braces.
 */
export function historyKeys(prefix: string, topic: string): HistoryKeys {
  const base = topic.charCodeAt(0) === CLOSING_BRACE ? `${prefix}{~}${topic}!` : `${prefix}{${topic}}`;
  return { meta: `${base}:h`, stream: `${base}:s` };
}

/**
 * How long a topic's epoch and offset outlive its last broadcast: a day (or the policy's ttl when
 * longer), so that an idle topic keeps its position (a client's `since` still matches, and is told
 * that nothing was missed) long after the stream itself expired.
 */
export function metaTtlMs(ttlMs: number): number {
  return Math.max(ttlMs, 86_400_000);
}
