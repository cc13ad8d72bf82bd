import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPosition } from '../../lib/history/position.js';
import { V2JsonSerializer } from '../../lib/serializers/v2-json.serializer.js';
import { parseCli } from '../cli-options.js';
import { broadcastRefEnd, positionOf } from '../clients/phoenix-frames.js';
import { HISTORY_FULL, HISTORY_QUICK, type HistoryConfig } from '../config.js';
import { makePayload } from '../harness/payload.js';
import { fanoutMeets, historyRatio, memoryPerTopic, stormCountProblems, stormRatio } from '../report/history-figures.js';
import { historyResultName } from '../report/history-report.js';
import { historyTargets } from '../report/history-targets.js';
import type { HistoryFanout, HistoryFanoutStep } from '../scenarios/history-fanout.js';
import type { HistoryMemory } from '../scenarios/history-memory.js';
import type { HistoryOutcome } from '../scenarios/history.js';
import type { RecoveryStorm, StormRound } from '../scenarios/recovery-storm.js';
import type { SettledMemorySample } from '../servers/server-main.js';

const serializer = new V2JsonSerializer();
const frame = (joinRef: string | null, ref: string | null, topic = 'bench:all', event = 'msg', payload: unknown = makePayload(7)) =>
  Buffer.from(serializer.encodeMessage({ joinRef, ref, topic, event, payload }).data as string);

describe('broadcastRefEnd (bench client frames)', () => {
  it('counts a broadcast without history, as before', () => {
    assert.equal(broadcastRefEnd(frame(null, null)), 0);
  });

  it('counts a history broadcast and reads its position, as the library encodes it', () => {
    const position = formatPosition({ epoch: 'Ab-_x9.12', offset: 4321 });
    const data = frame(null, position);
    const end = broadcastRefEnd(data);
    assert.ok(end > 0);
    assert.equal(positionOf(data, end), position);
  });

  it('leaves replies and pushes alone, a heartbeat reply (null join ref, numeric ref) included', () => {
    const reply = (joinRef: string | null, ref: string, topic: string) =>
      Buffer.from(serializer.encodeReply({ joinRef, ref, topic, status: 'ok', response: {} }).data as string);
    assert.equal(broadcastRefEnd(reply(null, '12', 'phoenix')), -1);
    assert.equal(broadcastRefEnd(reply('1', '1', 'bench:all')), -1);
    assert.equal(broadcastRefEnd(frame('1', null)), -1);
  });

  it('does not take an unterminated or overlong ref for a position', () => {
    assert.equal(broadcastRefEnd(Buffer.from('[null,"abc:1')), -1);
    assert.equal(broadcastRefEnd(Buffer.from(`[null,"${'a'.repeat(90)}:1","t","e",{}]`)), -1);
  });
});

const step = (n: number, pairs: Array<[number, number]>, times: Array<[number, number]> = [[1, 1]]): HistoryFanoutStep => {
  const samples = (values: Array<[number, number]>) => values.map(([history, plain]) => ({ history, plain }));
  return { n, samples: { fanout: samples(pairs), burst10: samples(pairs), idleReach: samples(times), p99: samples(times) } };
};
const fanout = (steps: HistoryFanoutStep[], error: string | null = null): HistoryFanout => ({
  store: 'node memory',
  messageBytes: { plain: 110, history: 127 },
  steps,
  error,
});

describe('history fan-out ratios', () => {
  it('takes with / without within each pair, then the median', () => {
    const summary = historyRatio(step(1000, [[90, 100], [80, 100], [120, 100]]), 'fanout')!;
    assert.deepEqual(summary.samples, [0.9, 0.8, 1.2]);
    assert.equal(summary.median, 0.9);
  });

  it('meets the bound when throughput is at least the bound and the times at most its inverse, at every N', () => {
    assert.equal(fanoutMeets(fanout([step(1000, [[90, 100]], [[11, 10]])]), 0.9), true);
    assert.equal(fanoutMeets(fanout([step(1000, [[90, 100]]), step(10_000, [[89, 100]])]), 0.9), false);
    // 1/0.9 = 1.111...: a time 1.12x slower misses it.
    assert.equal(fanoutMeets(fanout([step(1000, [[100, 100]], [[112, 100]])]), 0.9), false);
    assert.equal(fanoutMeets(fanout([]), 0.9), null);
  });
});

const round = (since: boolean, ms: number, overrides: Partial<StormRound> = {}): StormRound => ({
  since,
  clients: 100,
  ms,
  joinsMs: ms,
  serverCpuMs: ms / 2,
  expectedPerClient: since ? 20 : 0,
  perClient: since ? { 20: 100 } : { 0: 100 },
  recovered: since ? 100 : 0,
  ...overrides,
});

const storm = (pairs: Array<[number, number]>, overrides: Partial<RecoveryStorm> = {}): RecoveryStorm => ({
  store: 'node memory',
  clients: 10_000,
  missed: 20,
  warmUp: null,
  pairs: pairs.map(([withSince, without]) => ({ withSince: round(true, withSince), without: round(false, without) })),
  error: null,
  countsWrong: false,
  ...overrides,
});

describe('recovery storm', () => {
  it('has no count problem when every client got exactly what it had to', () => {
    assert.deepEqual(stormCountProblems(round(true, 1)), []);
    assert.deepEqual(stormCountProblems(round(false, 1)), []);
  });

  it('tells a duplicate, a missing broadcast, an uncounted client and a reply that did not recover apart', () => {
    assert.deepEqual(stormCountProblems(round(true, 1, { perClient: { 20: 98, 21: 1, 19: 1 } })), [
      '1 clients received 19 broadcasts instead of 20',
      '1 clients received 21 broadcasts instead of 20',
    ]);
    assert.deepEqual(stormCountProblems(round(false, 1, { perClient: { 0: 99 } })), ['99 of 100 clients were counted']);
    assert.deepEqual(stormCountProblems(round(true, 1, { recovered: 97 })), ['3 of 100 join replies did not say recovered: true']);
    assert.deepEqual(stormCountProblems(round(false, 1, { perClient: { 0: 99, 1: 1 } })), ['1 clients received 1 broadcasts instead of 0']);
  });

  it('takes with / without since within each pair', () => {
    assert.deepEqual(stormRatio(storm([[300, 200], [240, 200], [330, 300]]))!.samples, [1.5, 1.2, 1.1]);
    assert.equal(stormRatio(storm([])), null);
  });
});

const sample = (heapUsed: number, rss: number): SettledMemorySample => ({ heapUsed, rss, external: 0, newSpace: 0, waitedMs: 0 });

describe('memory per history topic', () => {
  it('is the growth with history minus the growth without, per topic and per kept broadcast', () => {
    const memory: HistoryMemory = {
      topics: 1000,
      keptPerTopic: 100,
      plain: { history: false, before: sample(10e6, 80e6), after: sample(11e6, 90e6), fillMs: 1 },
      history: { history: true, before: sample(10e6, 80e6), after: sample(41e6, 110e6), fillMs: 1 },
      error: null,
    };
    const figures = memoryPerTopic(memory)!;
    assert.equal(figures.plainHeapPerTopic, 1000);
    assert.equal(figures.historyHeapPerTopic, 31_000);
    assert.equal(figures.heapPerTopic, 30_000);
    assert.equal(figures.heapPerKept, 300);
    assert.equal(figures.rssPerTopic, 20_000);
    assert.equal(figures.rssPerKept, 200);
    assert.equal(memoryPerTopic({ ...memory, history: null }), null);
  });
});

function outcome(overrides: Partial<HistoryOutcome> = {}): HistoryOutcome {
  return {
    date: '2026-12-05T00:00:00.000Z',
    machine: {} as HistoryOutcome['machine'],
    mode: 'full',
    config: HISTORY_FULL,
    measurement: { deliveries: 1, warmupDeliveries: 1, idleSamples: 1, pacedCount: 1, pacedDeliveriesPerSecond: 1 },
    historyOptions: { size: 100, ttlMs: 300_000 },
    durationS: 1,
    fanout: fanout([step(1000, [[95, 100]]), step(10_000, [[92, 100]])]),
    redisFanout: fanout([step(1000, [[79, 100]])]),
    storm: storm([[140, 100], [150, 100], [130, 100]]),
    redisStorm: null,
    memory: { topics: 1, keptPerTopic: 100, plain: null, history: null, error: null },
    ...overrides,
  };
}

describe('history targets', () => {
  it('judges each target from the outcome: met, not met, not run', () => {
    const statuses = historyTargets(outcome()).map((target) => target.status);
    assert.deepEqual(statuses, ['met', 'not met', 'met', 'not measured']);
  });

  it('says when a Redis figure was taken with history in node B\'s memory rather than shared', () => {
    const [, redis] = historyTargets(outcome());
    assert.match(redis!.measured, /shares no history/);
  });

  it('fails a storm whose counts were wrong, and does not judge one that stopped early', () => {
    const wrong = storm([], { error: 'storm with since: 1 clients received 19 broadcasts instead of 20', countsWrong: true });
    const stopped = storm([], { error: 'Redis is down' });
    assert.equal(historyTargets(outcome({ storm: wrong }))[2]!.status, 'not met');
    assert.equal(historyTargets(outcome({ storm: stopped }))[2]!.status, 'not measured');
  });

  it('does not judge a fan-out that stopped early', () => {
    assert.equal(historyTargets(outcome({ fanout: fanout([step(1000, [[95, 100]])], 'server exited') }))[0]!.status, 'not measured');
  });

  it('quotes the run it comes from, and asks for one when there is none', () => {
    assert.match(historyTargets(outcome(), true)[0]!.measured, /^History run of 2026-12-05 \(`--history`, 10 pairs\): /);
    assert.ok(historyTargets(null).every((target) => target.status === 'not measured' && /npm run bench -- --history/.test(target.measured)));
  });
});

describe('--history flags', () => {
  const history = (...argv: string[]): HistoryConfig => parseCli(['--history', ...argv]).history;

  it('takes the full or quick defaults, K pairs, --sizes, --storm, --history-topics and --no-redis', () => {
    assert.deepEqual(history(), HISTORY_FULL);
    assert.deepEqual(history('--quick'), HISTORY_QUICK);
    const custom = history('--quick', '--sizes=500', '--storm=300', '--history-topics=50', '--no-redis');
    assert.deepEqual(custom, { ...HISTORY_QUICK, sizes: [500], stormClients: 300, topics: 50, redis: null });
    assert.equal(parseCli(['--history=4']).history.pairs, 4);
    assert.equal(parseCli(['--history=4']).command, 'history');
  });

  it('rejects the storm and topic flags without --history, and more connections than a server process holds', () => {
    assert.throws(() => parseCli(['--storm=100']), /go with --history/);
    assert.throws(() => history('--storm=20000'), /at most 19000 connections/);
  });

  it('names the results after the run: history, history-quick, or history-custom once narrowed', () => {
    assert.equal(historyResultName(HISTORY_FULL, 'full'), 'history');
    assert.equal(historyResultName(HISTORY_QUICK, 'quick'), 'history-quick');
    assert.equal(historyResultName({ ...HISTORY_QUICK, redis: null }, 'quick'), 'history-quick');
    assert.equal(historyResultName({ ...HISTORY_FULL, stormClients: 500 }, 'full'), 'history-custom');
  });
});
