import { SequenceGaps } from '../../lib/pubsub/redis/sequence-gaps.js';
import { SequenceTable } from '../../lib/pubsub/redis/sequence-table.js';

/** `table.next(topic)` copied, since the table updates the object it returns in place. */
function next(table: SequenceTable, topic: string): { stream: number; seq: number } {
  const { stream, seq } = table.next(topic);
  return { stream, seq };
}

describe('SequenceTable (the sender numbers its broadcasts per topic)', () => {
  test('each topic counts 1, 2, 3, ... in a stream of its own', () => {
    const table = new SequenceTable(100);
    const a = [next(table, 'a'), next(table, 'a'), next(table, 'b'), next(table, 'a')];
    expect(a.map(({ seq }) => seq)).toEqual([1, 2, 1, 3]);
    expect(a[0].stream).toBe(a[1].stream);
    expect(a[2].stream).not.toBe(a[0].stream);
  });

  test('remembers at most `capacity` topics; a topic in use is kept, a forgotten one restarts at 1 in a new stream', () => {
    const table = new SequenceTable(4);
    const hot = [next(table, 'hot'), next(table, 'hot')];
    for (let n = 0; n < 50; n++) {
      next(table, `cold:${n}`);
      hot.push(next(table, 'hot'));
      expect(table.size).toBeLessThanOrEqual(4);
    }
    expect(hot.map(({ seq }) => seq)).toEqual(hot.map((_, index) => index + 1));
    expect(new Set(hot.map(({ stream }) => stream)).size).toBe(1);

    const cold = next(table, 'cold:0');
    expect(cold.seq).toBe(1);
    expect(cold.stream).toBeGreaterThan(hot[0].stream);
  });

  test('a topic evicted on the sender restarts numbering without a false gap on the receiver', () => {
    const table = new SequenceTable(2);
    const gaps = new SequenceGaps(64);
    const receive = (topic: string) => {
      const { stream, seq } = table.next(topic);
      return gaps.record(topic, 'sender', stream, seq);
    };
    expect([receive('room:1'), receive('room:1'), receive('room:1')]).toEqual([0, 0, 0]);
    for (let n = 0; n < 5; n++) receive(`other:${n}`);
    expect(table.next('room:1').seq).toBe(1);
    expect(receive('room:1')).toBe(0);
  });
});

describe('SequenceGaps (the receiver counts what never arrived)', () => {
  test('a jump counts the numbers skipped; in-order numbers count nothing', () => {
    const gaps = new SequenceGaps(64);
    expect([1, 2, 5, 6, 10].map((seq) => gaps.record('t', 'n1', 1, seq))).toEqual([0, 0, 2, 0, 3]);
  });

  test('the first number heard from a sender is a baseline, whatever it is', () => {
    const gaps = new SequenceGaps(64);
    expect(gaps.record('t', 'n1', 1, 41)).toBe(0);
    expect(gaps.record('t', 'n1', 1, 42)).toBe(0);
  });

  test('senders and topics are counted apart', () => {
    const gaps = new SequenceGaps(64);
    gaps.record('t', 'n1', 1, 1);
    gaps.record('t', 'n2', 7, 1);
    gaps.record('u', 'n1', 2, 1);
    expect([gaps.record('t', 'n2', 7, 2), gaps.record('u', 'n1', 2, 4), gaps.record('t', 'n1', 1, 3)]).toEqual([0, 2, 1]);
  });

  test('a new stream restarts the count; a straggler of an older stream changes nothing', () => {
    const gaps = new SequenceGaps(64);
    gaps.record('t', 'n1', 1, 1);
    gaps.record('t', 'n1', 1, 2);
    expect(gaps.record('t', 'n1', 3, 1)).toBe(0);
    expect(gaps.record('t', 'n1', 1, 9)).toBe(0);
    expect(gaps.record('t', 'n1', 3, 2)).toBe(0);
    expect(gaps.record('t', 'n1', 3, 4)).toBe(1);
  });

  test('a skipped number arriving late is taken back once; a repeat or one from before the baseline is not', () => {
    const gaps = new SequenceGaps(64);
    gaps.record('t', 'n1', 1, 3);
    expect(gaps.record('t', 'n1', 1, 6)).toBe(2);
    expect(gaps.record('t', 'n1', 1, 4)).toBe(-1);
    expect(gaps.record('t', 'n1', 1, 6)).toBe(0);
    expect(gaps.record('t', 'n1', 1, 2)).toBe(0);
    expect(gaps.record('t', 'n1', 1, 5)).toBe(-1);
    // Nothing outstanding any more: a further late one cannot take back what was never counted.
    expect(gaps.record('t', 'n1', 1, 4)).toBe(0);
  });

  test('forgetting a topic (unsubscribed) makes the next number a baseline again', () => {
    const gaps = new SequenceGaps(64);
    gaps.record('t', 'n1', 1, 1);
    gaps.forget('t');
    expect(gaps.topicCount).toBe(0);
    expect(gaps.record('t', 'n1', 1, 50)).toBe(0);
  });

  test('at most maxSendersPerTopic senders per topic: the longest silent one is dropped', () => {
    const gaps = new SequenceGaps(3);
    for (const node of ['old', 'n2', 'n3']) gaps.record('t', node, 1, 1);
    gaps.record('t', 'n2', 1, 2);
    gaps.record('t', 'n3', 1, 2);
    gaps.record('t', 'n4', 1, 1);
    expect(gaps.senderCount('t')).toBe(3);
    // n2 and n3 are still tracked (a gap counts), "old" was dropped (a baseline again).
    expect(gaps.record('t', 'n2', 1, 4)).toBe(1);
    expect(gaps.record('t', 'n3', 1, 4)).toBe(1);
    expect(gaps.record('t', 'old', 1, 9)).toBe(0);
  });
});
