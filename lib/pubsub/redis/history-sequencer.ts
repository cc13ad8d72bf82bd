import type { Position } from '../../history/position.js';
import type { BroadcastMessage } from '../broadcast-message.js';

/** A history broadcast with its position. */
export type PositionedMessage = BroadcastMessage & { readonly position: Position };

/** One entry the stream still holds: the broadcast and when Redis appended it (ms). */
export interface StreamEntry {
  readonly message: PositionedMessage;
  readonly at: number;
}

/** What a read of a topic's stream found. */
export interface StreamRange {
  /** The topic's epoch when it was read ('' when it has none): the entries belong to it. */
  readonly epoch: string;
  /** Redis's clock when it was read (ms). */
  readonly now: number;
  /** The entries of the range that the stream still holds, in order. */
  readonly entries: readonly StreamEntry[];
}

/** Reads a topic's stream: offsets `from` to `to`, both included. */
export interface StreamReader {
  read(topic: string, from: number, to: number): Promise<StreamRange>;
}

/** The counters the sequencer adds to (RedisPubSubStats). */
export interface SequencerCounters {
  historyRecovered: number;
  historyMissed: number;
}

interface TopicSequence {
  epoch: string;
  /** The last offset delivered (or skipped as missed). */
  delivered: number;
  /** The epoch before this one: its stragglers are dropped rather than taken for a new one. */
  retired: string | undefined;
  /** Messages that arrived past a gap, by offset, until the gap is filled. */
  readonly held: Map<number, PositionedMessage>;
  /** The highest offset known to exist (from the store's top): the node fills up to it. */
  target: number;
  /** Counts reads and resets, so that the answer of a read made before a reset is ignored. */
  fills: number;
  filling: boolean;
  /** Joins waiting until `delivered` reaches their offset. */
  waiters: Array<{ offset: number; resolve: () => void }>;
}

/**
 * Puts the history broadcasts that reach this node from Redis in order, per topic: each is
 * delivered once, by offset. A duplicate (at or below the last delivered) is dropped; one past a
 * gap (Redis pub/sub lost some, e.g. while this node's subscriber reconnected) is held while the
 * missing ones are read from the stream, then all go out in order. Whatever the stream no longer
 * holds, or could not give within `gapWaitMs`, is skipped and counted in `historyMissed`. A new
 * epoch (the stored history was lost) starts the topic over: its whole stream is new here.
 *
 * A topic's baseline is the first broadcast that arrives after subscribing (nothing before it
 * was this node's to deliver) or the store's top read for a join (`catchUp`), whichever comes first.
 */
export class HistorySequencer {
  private readonly topics = new Map<string, TopicSequence>();

  constructor(
    private readonly reader: StreamReader,
    private readonly deliver: (message: PositionedMessage) => void,
    private readonly counters: SequencerCounters,
    private readonly gapWaitMs: number,
  ) {}

  /** A history broadcast that reached this node. */
  receive(message: PositionedMessage): void {
    const { topic, position } = message;
    let sequence = this.topics.get(topic);
    if (sequence === undefined) {
      sequence = this.start(topic, position.epoch, position.offset - 1);
    } else if (position.epoch !== sequence.epoch) {
      if (position.epoch === sequence.retired) return;
      this.newEpoch(sequence, position.epoch);
    }
    this.accept(topic, sequence, message);
  }

  /** The last position this node delivered on `topic`, or undefined before its baseline. */
  position(topic: string): Position | undefined {
    const sequence = this.topics.get(topic);
    return sequence && { epoch: sequence.epoch, offset: sequence.delivered };
  }

  /**
   * The store's top for `topic`, read after this node's subscription was in place: sets the
   * baseline, or fills up to it. Resolves once this node delivered everything up to `top` (or
   * gave up on it), with its position then; undefined if the topic was forgotten meanwhile.
   */
  async catchUp(topic: string, top: Position): Promise<Position | undefined> {
    let sequence = this.topics.get(topic);
    if (sequence === undefined) {
      this.start(topic, top.epoch, top.offset);
      return this.position(topic);
    }
    if (top.epoch !== sequence.epoch) {
      // A read from before the epoch this node already moved to: what it delivered is newer.
      if (top.epoch === sequence.retired) return this.position(topic);
      this.newEpoch(sequence, top.epoch);
    }
    if (top.offset > sequence.delivered) {
      sequence.target = Math.max(sequence.target, top.offset);
      const reached = new Promise<void>((resolve) => sequence.waiters.push({ offset: top.offset, resolve }));
      this.fill(topic, sequence);
      await reached;
    }
    return this.position(topic);
  }

  /** Topics with a baseline. */
  trackedTopics(): string[] {
    return [...this.topics.keys()];
  }

  /** This node unsubscribed from `topic`: what it held is dropped, joins waiting on it go on. */
  forget(topic: string): void {
    const sequence = this.topics.get(topic);
    if (sequence === undefined) return;
    this.topics.delete(topic);
    sequence.fills++;
    for (const waiter of sequence.waiters.splice(0)) waiter.resolve();
  }

  close(): void {
    for (const topic of [...this.topics.keys()]) this.forget(topic);
  }

  private start(topic: string, epoch: string, delivered: number): TopicSequence {
    const sequence: TopicSequence = {
      epoch,
      delivered,
      retired: undefined,
      held: new Map(),
      target: delivered,
      fills: 0,
      filling: false,
      waiters: [],
    };
    this.topics.set(topic, sequence);
    return sequence;
  }

  private accept(topic: string, sequence: TopicSequence, message: PositionedMessage): void {
    const offset = message.position.offset;
    if (offset <= sequence.delivered || sequence.held.has(offset)) return;
    if (offset === sequence.delivered + 1) {
      this.deliverNext(sequence, message);
      this.drain(sequence);
      this.settleWaiters(sequence);
    } else {
      sequence.held.set(offset, message);
      sequence.target = Math.max(sequence.target, offset);
    }
    this.fill(topic, sequence);
  }

  /** Reads the first gap from the stream, if there is one and no read is under way. */
  private fill(topic: string, sequence: TopicSequence): void {
    if (sequence.filling) return;
    let to = sequence.target;
    for (const offset of sequence.held.keys()) if (offset <= to) to = offset - 1;
    if (to <= sequence.delivered) return;
    const from = sequence.delivered + 1;
    sequence.filling = true;
    const fill = ++sequence.fills;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), this.gapWaitMs);
      timer.unref();
    });
    const read = this.reader.read(topic, from, to).catch(() => null);
    void Promise.race([read, gaveUp]).then((range) => {
      clearTimeout(timer);
      // Forgotten, or a new epoch, since: this answer is of no use.
      if (sequence.fills !== fill || this.topics.get(topic) !== sequence) return;
      sequence.filling = false;
      this.filled(sequence, range, to);
      this.fill(topic, sequence);
    });
  }

  private filled(sequence: TopicSequence, range: StreamRange | null, to: number): void {
    if (range !== null && range.epoch === sequence.epoch) {
      for (const { message } of range.entries) {
        const offset = message.position.offset;
        if (offset <= sequence.delivered || offset > to) continue;
        this.skip(sequence, offset - 1);
        this.counters.historyRecovered++;
        this.deliverNext(sequence, message);
      }
    }
    this.skip(sequence, to);
    this.drain(sequence);
    this.settleWaiters(sequence);
  }

  /** Everything up to `offset` not delivered yet is gone: counted missed. */
  private skip(sequence: TopicSequence, offset: number): void {
    if (offset <= sequence.delivered) return;
    this.counters.historyMissed += offset - sequence.delivered;
    sequence.delivered = offset;
  }

  private deliverNext(sequence: TopicSequence, message: PositionedMessage): void {
    sequence.delivered = message.position.offset;
    this.deliver(message);
  }

  /** Delivers the held messages that follow on from the last delivered; drops those behind it. */
  private drain(sequence: TopicSequence): void {
    const { held } = sequence;
    if (held.size === 0) return;
    for (const offset of held.keys()) if (offset <= sequence.delivered) held.delete(offset);
    for (let next = held.get(sequence.delivered + 1); next !== undefined; next = held.get(sequence.delivered + 1)) {
      held.delete(next.position.offset);
      this.deliverNext(sequence, next);
    }
  }

  private settleWaiters(sequence: TopicSequence): void {
    if (sequence.waiters.length === 0) return;
    const waiting = sequence.waiters;
    sequence.waiters = [];
    for (const waiter of waiting) {
      if (waiter.offset <= sequence.delivered) waiter.resolve();
      else sequence.waiters.push(waiter);
    }
  }

  /**
   * The stored history was lost and numbering started over: what this node held of the old epoch
   * goes out in order (the gaps before it are missed), and every offset of the new one is new here.
   */
  private newEpoch(sequence: TopicSequence, epoch: string): void {
    const held = [...sequence.held.values()].sort((a, b) => a.position.offset - b.position.offset);
    sequence.held.clear();
    for (const message of held) {
      this.skip(sequence, message.position.offset - 1);
      this.deliverNext(sequence, message);
    }
    sequence.retired = sequence.epoch;
    sequence.epoch = epoch;
    sequence.delivered = 0;
    sequence.target = 0;
    sequence.fills++;
    sequence.filling = false;
    for (const waiter of sequence.waiters.splice(0)) waiter.resolve();
  }
}
