/** Where a topic's numbering stands on the sending node: `seq` is the last number handed out. */
export interface TopicNumbering {
  /** Tells receivers that the numbering restarted at 1; only grows within one node. */
  readonly stream: number;
  readonly seq: number;
}

interface MutableNumbering {
  stream: number;
  seq: number;
}

/**
 * Numbers this node's broadcasts per topic (1, 2, 3, ...) so that receivers can see a gap.
 * Remembers at most `capacity` topics without per-publish bookkeeping: topics used since the last
 * rotation live in `recent`, the ones before in `older`; a topic used again moves back to `recent`,
 * and when `recent` is half full, `older` is forgotten. A forgotten topic (not published during a
 * whole rotation) restarts at 1 in a new stream, which receivers take as a new baseline, not a gap.
 */
export class SequenceTable {
  private recent = new Map<string, MutableNumbering>();
  private older = new Map<string, MutableNumbering>();
  private lastStream = 0;
  private readonly rotateAt: number;

  /** @param capacity topics remembered at most (at least 2). */
  constructor(capacity: number) {
    this.rotateAt = Math.max(1, Math.floor(capacity / 2));
  }

  /**
   * Hands out the next number of `topic`. The object returned is the table's own, updated in place
   * by later calls (no allocation per broadcast): read it at once.
   */
  next(topic: string): TopicNumbering {
    let numbering = this.recent.get(topic);
    if (numbering === undefined) {
      numbering = this.older.get(topic);
      if (numbering === undefined) numbering = { stream: ++this.lastStream, seq: 0 };
      else this.older.delete(topic);
      if (this.recent.size >= this.rotateAt) this.rotate();
      this.recent.set(topic, numbering);
    }
    numbering.seq++;
    return numbering;
  }

  /** Topics whose numbering is remembered. */
  get size(): number {
    return this.recent.size + this.older.size;
  }

  private rotate(): void {
    this.older = this.recent;
    this.recent = new Map();
  }
}
