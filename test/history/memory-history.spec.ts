import { historyPolicy } from '../../lib/history/history-options.js';
import { MemoryHistory } from '../../lib/history/memory-history.js';
import { formatPosition, parsePosition } from '../../lib/history/position.js';

let now: number;
let history: MemoryHistory;
beforeEach(() => {
  now = 1_000_000;
  history = new MemoryHistory(() => now);
});
afterEach(() => history.close());

const policy = historyPolicy({ size: 3, ttlMs: 1000 });
const say = (topic: string, n: number) => history.record({ topic, event: 'said', payload: { n } }, policy);
const payloads = (topic: string, since: string) =>
  history.recover(topic, parsePosition(since), policy).messages.map((message) => (message.payload as { n: number }).n);

describe('MemoryHistory', () => {
  test('numbers each topic from 1 in an epoch of its own, and a fresh topic stands at 0', () => {
    const a1 = say('a', 1).position!;
    const a2 = say('a', 2).position!;
    const b1 = say('b', 1).position!;
    expect([a1.offset, a2.offset, b1.offset]).toEqual([1, 2, 1]);
    expect(a1.epoch).toBe(a2.epoch);
    expect(b1.epoch).not.toBe(a1.epoch);
    expect(history.recover('c', null, policy)).toEqual({ position: { epoch: expect.any(String), offset: 0 }, messages: [] });
  });

  test('recovers what came after since, in order, with positions', () => {
    const first = formatPosition(say('t', 1).position!);
    say('t', 2);
    say('t', 3);
    const recovery = history.recover('t', parsePosition(first), policy);
    expect(recovery.recovered).toBe(true);
    expect(recovery.messages.map((message) => message.position!.offset)).toEqual([2, 3]);
    expect(recovery.position.offset).toBe(3);
  });

  test('keeps `size` broadcasts: a since older than that is lost, the edge of the window still recovers', () => {
    const first = formatPosition(say('t', 1).position!);
    const second = formatPosition(say('t', 2).position!);
    say('t', 3);
    say('t', 4); // 1 falls out
    expect(history.recover('t', parsePosition(first), policy).recovered).toBe(true); // needs 2..4, all kept
    say('t', 5); // 2 falls out
    expect(history.recover('t', parsePosition(first), policy)).toMatchObject({ recovered: false, messages: [] });
    expect(payloads('t', second)).toEqual([3, 4, 5]);
  });

  test('drops what is older than ttlMs: recovering past it is lost, but the position stays', () => {
    const start = history.recover('t', null, policy).position;
    const first = formatPosition(say('t', 1).position!);
    now += 600;
    say('t', 2);
    now += 600; // 1 is 1200 ms old, 2 is 600
    expect(history.recover('t', start, policy)).toMatchObject({ recovered: false });
    expect(payloads('t', first)).toEqual([2]);
    now += 1000; // all expired: an idle topic keeps its position
    history.sweep();
    const recovery = history.recover('t', null, policy);
    expect(recovery.position.offset).toBe(2);
    expect(history.recover('t', recovery.position, policy)).toMatchObject({ recovered: true, messages: [] });
  });

  test('another epoch, or a position past the top, is not recovered', () => {
    const top = say('t', 1).position!;
    expect(history.recover('t', { epoch: 'other', offset: 0 }, policy)).toMatchObject({ recovered: false, messages: [] });
    expect(history.recover('t', { epoch: top.epoch, offset: 2 }, policy)).toMatchObject({ recovered: false, messages: [] });
    expect(history.recover('t', top, policy)).toMatchObject({ recovered: true, messages: [] });
  });

  test('a restarted node (a new history) has other epochs', () => {
    const before = say('t', 1).position!;
    const restarted = new MemoryHistory(() => now);
    expect(restarted.recover('t', before, policy)).toMatchObject({ recovered: false });
  });
});

describe('positions', () => {
  test('format as "<epoch>:<offset>" and parse back; anything else from a client is not one', () => {
    expect(formatPosition({ epoch: 'abc.1', offset: 42 })).toBe('abc.1:42');
    expect(parsePosition('abc.1:42')).toEqual({ epoch: 'abc.1', offset: 42 });
    for (const bad of ['42', ':1', 'abc:', 'abc:-1', 'abc:1.5', 'abc:01', 'a b:1', `${'e'.repeat(65)}:1`, 'abc:99999999999999999', 42, null, {}]) {
      expect(parsePosition(bad)).toBeNull();
    }
  });
});
