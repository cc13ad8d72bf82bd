import { HistorySequencer, type PositionedMessage, type StreamRange, type StreamReader } from '../../lib/pubsub/redis/history-sequencer.js';

const TOPIC = 'chat:1';
const message = (offset: number, epoch = 'e1'): PositionedMessage => ({ topic: TOPIC, event: 'said', payload: { offset }, position: { epoch, offset } });

/** The stream as the store holds it; reads answer at once, or when the test says (`manual`). */
class FakeStream implements StreamReader {
  epoch = 'e1';
  readonly held = new Map<number, PositionedMessage>();
  readonly reads: Array<[from: number, to: number]> = [];
  manual = false;
  fail = false;
  private readonly waiting: Array<() => void> = [];

  keep(...offsets: number[]): void {
    for (const offset of offsets) this.held.set(offset, message(offset, this.epoch));
  }

  read(_topic: string, from: number, to: number): Promise<StreamRange> {
    this.reads.push([from, to]);
    const answer = (): StreamRange => {
      if (this.fail) throw new Error('Redis is unreachable');
      const entries = [...this.held.values()]
        .filter(({ position }) => position.offset >= from && position.offset <= to)
        .sort((a, b) => a.position.offset - b.position.offset)
        .map((entry) => ({ message: entry, at: 0 }));
      return { epoch: this.epoch, now: 0, entries };
    };
    if (!this.manual) return Promise.resolve().then(answer);
    return new Promise((resolve, reject) => this.waiting.push(() => {
      try {
        resolve(answer());
      } catch (error) {
        reject(error);
      }
    }));
  }

  /** Answers the reads made so far. */
  answer(): void {
    for (const answer of this.waiting.splice(0)) answer();
  }
}

function setup(gapWaitMs = 10_000) {
  const stream = new FakeStream();
  const delivered: PositionedMessage[] = [];
  const counters = { historyRecovered: 0, historyMissed: 0 };
  const sequencer = new HistorySequencer(stream, (delivery) => delivered.push(delivery), counters, gapWaitMs);
  const offsets = () => delivered.map((delivery) => `${delivery.position.epoch}:${delivery.position.offset}`);
  return { stream, delivered, counters, sequencer, offsets };
}

/** Lets the promise callbacks of answered reads run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('HistorySequencer', () => {
  test('broadcasts in order go straight through, from the first one that arrives (the baseline), without reads', () => {
    const { stream, sequencer, offsets } = setup();
    for (const offset of [7, 8, 9]) sequencer.receive(message(offset));
    expect(offsets()).toEqual(['e1:7', 'e1:8', 'e1:9']);
    expect(stream.reads).toEqual([]);
    expect(sequencer.position(TOPIC)).toEqual({ epoch: 'e1', offset: 9 });
  });

  test('duplicates are dropped: at or below the last delivered, or already held', async () => {
    const { stream, sequencer, offsets } = setup();
    stream.manual = true;
    for (const offset of [1, 2, 2, 1, 4, 4]) sequencer.receive(message(offset));
    expect(offsets()).toEqual(['e1:1', 'e1:2']);
    stream.keep(3);
    stream.answer();
    await settle();
    expect(offsets()).toEqual(['e1:1', 'e1:2', 'e1:3', 'e1:4']);
  });

  test('a jump: later ones are held while the gap is read from the stream, then all go out in order', async () => {
    const { stream, sequencer, counters, offsets } = setup();
    stream.keep(1, 2, 3, 4, 5);
    sequencer.receive(message(1));
    sequencer.receive(message(2));
    sequencer.receive(message(5));
    expect(offsets()).toEqual(['e1:1', 'e1:2']);
    await settle();
    expect(stream.reads).toEqual([[3, 4]]);
    expect(offsets()).toEqual(['e1:1', 'e1:2', 'e1:3', 'e1:4', 'e1:5']);
    expect(counters).toEqual({ historyRecovered: 2, historyMissed: 0 });
  });

  test('ones that arrive live while the read is under way are delivered once, in order, held ones included', async () => {
    const { stream, sequencer, counters, offsets } = setup();
    stream.manual = true;
    stream.keep(1, 2, 3, 4);
    sequencer.receive(message(1));
    sequencer.receive(message(4));
    sequencer.receive(message(2)); // late, but not lost
    sequencer.receive(message(6));
    expect(offsets()).toEqual(['e1:1', 'e1:2']);
    stream.answer();
    await settle();
    // The first read covered 2..3; 5 was still missing behind 6, so a second read follows.
    expect(stream.reads).toEqual([[2, 3], [5, 5]]);
    sequencer.receive(message(5));
    stream.answer();
    await settle();
    expect(offsets()).toEqual(['e1:1', 'e1:2', 'e1:3', 'e1:4', 'e1:5', 'e1:6']);
    expect(counters).toEqual({ historyRecovered: 1, historyMissed: 0 });
  });

  test('what the stream no longer holds is skipped and counted missed; the rest still goes out in order', async () => {
    const { stream, sequencer, counters, offsets } = setup();
    stream.keep(4, 5);
    sequencer.receive(message(1));
    sequencer.receive(message(6));
    await settle();
    expect(stream.reads).toEqual([[2, 5]]);
    expect(offsets()).toEqual(['e1:1', 'e1:4', 'e1:5', 'e1:6']);
    expect(counters).toEqual({ historyRecovered: 2, historyMissed: 2 });
  });

  test('a read that fails counts the gap missed and lets the held ones go', async () => {
    const { stream, sequencer, counters, offsets } = setup();
    stream.fail = true;
    sequencer.receive(message(1));
    sequencer.receive(message(4));
    await settle();
    expect(offsets()).toEqual(['e1:1', 'e1:4']);
    expect(counters).toEqual({ historyRecovered: 0, historyMissed: 2 });
  });

  test('a read that does not answer within the wait counts the gap missed; its late answer is ignored', async () => {
    const { stream, sequencer, counters, offsets, delivered } = setup(20);
    stream.manual = true;
    stream.keep(2, 3);
    sequencer.receive(message(1));
    sequencer.receive(message(4));
    await new Promise<void>((resolve) => {
      const poll = () => (delivered.length === 2 ? resolve() : setTimeout(poll, 5));
      poll();
    });
    expect(offsets()).toEqual(['e1:1', 'e1:4']);
    expect(counters).toEqual({ historyRecovered: 0, historyMissed: 2 });
    stream.answer();
    await settle();
    expect(offsets()).toEqual(['e1:1', 'e1:4']);
  });

  test('a new epoch starts the topic over: its stream is read from offset 1; the old epoch\'s stragglers are dropped', async () => {
    const { stream, sequencer, offsets } = setup();
    sequencer.receive(message(8));
    stream.epoch = 'e2';
    stream.keep(1, 2);
    sequencer.receive(message(3, 'e2'));
    await settle();
    expect(stream.reads).toEqual([[1, 2]]);
    sequencer.receive(message(9, 'e1'));
    sequencer.receive(message(4, 'e2'));
    expect(offsets()).toEqual(['e1:8', 'e2:1', 'e2:2', 'e2:3', 'e2:4']);
  });

  test('an epoch that changes under a read: the answer is of the other epoch, so the gap counts missed', async () => {
    const { stream, sequencer, counters, offsets } = setup();
    stream.keep(2);
    stream.epoch = 'e9';
    sequencer.receive(message(1));
    sequencer.receive(message(3));
    await settle();
    expect(offsets()).toEqual(['e1:1', 'e1:3']);
    expect(counters.historyMissed).toBe(1);
  });

  describe('catchUp (a join read the store\'s top after subscribing)', () => {
    test('without a baseline: the top is the baseline, at once, and older ones that come late are dropped', async () => {
      const { stream, sequencer, offsets } = setup();
      expect(await sequencer.catchUp(TOPIC, { epoch: 'e1', offset: 10 })).toEqual({ epoch: 'e1', offset: 10 });
      sequencer.receive(message(10));
      sequencer.receive(message(11));
      expect(offsets()).toEqual(['e1:11']);
      expect(stream.reads).toEqual([]);
    });

    test('behind the top: reads up to it, and resolves once delivered, with that position', async () => {
      const { stream, sequencer, offsets } = setup();
      stream.keep(4, 5, 6);
      sequencer.receive(message(3));
      const position = await sequencer.catchUp(TOPIC, { epoch: 'e1', offset: 6 });
      expect(position).toEqual({ epoch: 'e1', offset: 6 });
      expect(stream.reads).toEqual([[4, 6]]);
      expect(offsets()).toEqual(['e1:3', 'e1:4', 'e1:5', 'e1:6']);
    });

    test('past the top (a read answered before live ones arrived): resolves at once with what was delivered', async () => {
      const { stream, sequencer } = setup();
      sequencer.receive(message(7));
      expect(await sequencer.catchUp(TOPIC, { epoch: 'e1', offset: 5 })).toEqual({ epoch: 'e1', offset: 7 });
      expect(stream.reads).toEqual([]);
    });

    test('another epoch: the topic starts over and everything up to the top is read and delivered', async () => {
      const { stream, sequencer, offsets } = setup();
      sequencer.receive(message(7));
      stream.epoch = 'e2';
      stream.keep(1, 2);
      expect(await sequencer.catchUp(TOPIC, { epoch: 'e2', offset: 2 })).toEqual({ epoch: 'e2', offset: 2 });
      expect(offsets()).toEqual(['e1:7', 'e2:1', 'e2:2']);
    });
  });

  test('forget: held ones are dropped, a waiting join goes on, a late answer is ignored, and the next one is a new baseline', async () => {
    const { stream, sequencer, offsets } = setup();
    stream.manual = true;
    stream.keep(2, 3, 4);
    sequencer.receive(message(1));
    sequencer.receive(message(3));
    const waiting = sequencer.catchUp(TOPIC, { epoch: 'e1', offset: 4 });
    sequencer.forget(TOPIC);
    expect(await waiting).toBeUndefined();
    stream.answer();
    await settle();
    sequencer.receive(message(9));
    expect(offsets()).toEqual(['e1:1', 'e1:9']);
  });
});
