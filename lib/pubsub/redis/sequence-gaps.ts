/** What a receiver knows of one sender's numbering on one topic. */
interface SenderPosition {
  stream: number;
  /** The number this receiver started from (first seen in `stream`): earlier ones were never counted. */
  first: number;
  last: number;
  /** Numbers counted as missed that may still arrive late (Redis Cluster can reorder). */
  outstanding: number;
  /** When this sender was last heard on the topic, to drop the longest silent one when full. */
  heard: number;
}

/**
 * Finds the broadcasts of other nodes that Redis pub/sub lost on their way here (it is
 * fire-and-forget: whatever is published while this node's subscription is down is gone).
 * For each topic and sending node it keeps the last sequence number seen; a jump counts the
 * numbers skipped. A gap shows only when the next broadcast of that sender on that topic arrives.
 * Nothing here ever holds back a broadcast: the caller delivers every one.
 */
export class SequenceGaps {
  private readonly topics = new Map<string, Map<string, SenderPosition>>();
  private clock = 0;

  constructor(private readonly maxSendersPerTopic: number) {}

  /**
   * Records broadcast `seq` of `stream` from `nodeId` on `topic`, and returns how this changes
   * the number of missed broadcasts: the size of the gap before it, or -1 when it is one of those
   * counted missed arriving late after all, or 0. A new sender, or a sender whose numbering
   * restarted (a higher `stream`), sets a baseline and counts nothing.
   */
  record(topic: string, nodeId: string, stream: number, seq: number): number {
    let senders = this.topics.get(topic);
    if (senders === undefined) {
      senders = new Map();
      this.topics.set(topic, senders);
    }
    const position = senders.get(nodeId);
    if (position === undefined) {
      if (senders.size >= this.maxSendersPerTopic) dropLongestSilent(senders);
      senders.set(nodeId, { stream, first: seq, last: seq, outstanding: 0, heard: ++this.clock });
      return 0;
    }
    position.heard = ++this.clock;
    if (stream !== position.stream) {
      // A lower stream is a straggler from before the sender restarted its numbering: no baseline.
      if (stream > position.stream) restart(position, stream, seq);
      return 0;
    }
    if (seq > position.last) {
      const gap = seq - position.last - 1;
      position.last = seq;
      position.outstanding += gap;
      return gap;
    }
    // Behind the last one: with no duplicates in Redis pub/sub, one of the numbers skipped by a gap.
    if (seq > position.first && seq < position.last && position.outstanding > 0) {
      position.outstanding--;
      return -1;
    }
    return 0;
  }

  /** Forgets `topic`: this node unsubscribed, so whatever is published there now is not missed. */
  forget(topic: string): void {
    this.topics.delete(topic);
  }

  /** Topics with at least one sender tracked. */
  get topicCount(): number {
    return this.topics.size;
  }

  /** Senders tracked on `topic`. */
  senderCount(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }
}

function restart(position: SenderPosition, stream: number, seq: number): void {
  position.stream = stream;
  position.first = seq;
  position.last = seq;
  position.outstanding = 0;
}

/** Scans the (bounded) senders once: only runs when a new sender arrives on a full topic. */
function dropLongestSilent(senders: Map<string, SenderPosition>): void {
  let silentest: string | undefined;
  let heard = Infinity;
  for (const [nodeId, position] of senders) {
    if (position.heard < heard) {
      heard = position.heard;
      silentest = nodeId;
    }
  }
  if (silentest !== undefined) senders.delete(silentest);
}
