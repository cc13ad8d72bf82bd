import { fileURLToPath } from 'node:url';
import { CloseCode } from '../../lib/index.js';
import { spawnNode } from '../harness/child-process.js';
import { CLIENT_CPU } from '../harness/client-pool.js';
import { ChildPeer } from '../harness/ipc.js';
import { LogHistogram } from '../harness/log-histogram.js';
import { median, medianInterval } from '../harness/stats.js';
import { Chatters } from './chatters.js';
import type { FloodPlan, FloodTally } from './garbage-flood.js';
import { sumGcPauses, type GcPauses } from './gc-pauses.js';
import { mb, MB, SoakServer, type ServerSnapshot } from './soak-server.js';
import type { SoakReport } from './soak-report.js';

const FLOOD_MAIN = fileURLToPath(new URL('./garbage-flood-main.js', import.meta.url));
const TOTAL_FRAMES = 100_000;
const CONNECTIONS = 100;
/** Twice the slow-consumer soak's: a p99 of ~30k round trips per phase moves less with the box. */
const CHATTERS = 20;
const QUIET_PHASE_MS = 8000;
/** The garbage, and the control run's valid frames, are spread over this long each. */
const FLOOD_MS = 30_000;
/** Both are cut into this many rounds, alternating, so that drift on the box touches both alike. */
const ROUNDS = 6;
/**
 * Frames of the same mix sent before the baseline snapshot: the server's first few thousand
 * reconnects grow its RSS once (JIT-compiled code paths, allocator pools) and never again, the
 * same warm-up the resets soak does; its growth is reported on its own line.
 */
const WARM_UP_FRAMES = 5000;

/**
 * Both servers run with V8's young generation (semi-space) pinned at this many MB, V8's default
 * maximum here: the size a server under steady load grows to. V8 grows it with everything that
 * has survived a scavenge since the process started and does not shrink it under load, so left
 * alone its size, and with it the length of every scavenge pause, follows a server's history
 * rather than the code under test. Unpinned, ours (past Nest's bootstrap) ran at 16 MB with
 * ~1.2 ms pauses and the bare baseline, younger in that sense, at 8 MB with ~0.75 ms; pauses that
 * long show in the healthy clients' p99, and the flood's extra allocation (+40% scavenges, for
 * both servers) made that 1.2-1.6x for ours against 0.84-1.08x for the baseline. Pinned alike,
 * four runs read 1.02-1.37x for ours and 0.89-1.40x for the baseline: one run's p99 moves that
 * much on this box for either server.
 */
const SEMI_SPACE_MB = 16;
const YOUNG_GENERATION_FLAGS = [`--min-semi-space-size=${SEMI_SPACE_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`];

const DOCUMENTED_CODES = new Set<number>(Object.values(CloseCode));

/** What one server did under the flood. */
interface FloodRun {
  tally: FloodTally;
  floodMs: number;
  fresh: ServerSnapshot;
  before: ServerSnapshot;
  after: ServerSnapshot;
  quietP99: number;
  /** The control: the same connections sending heartbeats instead of garbage, at the same pace. */
  clean: LogHistogram;
  garbage: LogHistogram;
  /** p99 of each round, in ms: clean, then garbage. */
  rounds: Array<[number, number]>;
  /** The server's GC pauses over all control rounds, and over all garbage rounds. */
  cleanGc: GcPauses;
  garbageGc: GcPauses;
}

const ms = (micros: number | null) => ((micros ?? NaN) / 1000).toFixed(2);
const p99 = (histogram: LogHistogram) => (histogram.percentile(0.99) ?? NaN) / 1000;
const spread = (histogram: LogHistogram) =>
  `p50 ${ms(histogram.percentile(0.5))}, p90 ${ms(histogram.percentile(0.9))}, p99 ${ms(histogram.percentile(0.99))}, p99.9 ${ms(histogram.percentile(0.999))} ms`;

/**
 * Item 7: 100,000 malformed frames over 100 connections (a closed connection is replaced), an even
 * stream over 30 s in 6 rounds, while healthy clients chat. Their p99 is compared with control
 * rounds, alternating with those, in which the same 100 connections send valid frames (heartbeats) at the same pace:
 * "a run without the garbage" on a box equally busy. (An idle box is no fair control here: on this
 * VM an idle core answers later than a busy one, so the quiet phase is reported but not judged.)
 * The rate limit is off so that every frame reaches the decoder. The flood runs in a child process
 * of lower priority on the clients' core (see garbage-flood-main.ts). Then the same on a bare `ws`
 * server (raw-soak-server.ts) with the same malformed-frame policy.
 *
 * The verdict is the median over rounds of each garbage round's p99 against the control round
 * just before it, with its 95% interval. One run's pooled p99 ratio moves by ±20% or more on this
 * box for either server: stalls of the VM come in clusters, a phase of 30 s sees few of them, and
 * whichever phase they hit decides the ratio. Pooling several runs does not cure that: the
 * noisiest run's stalls then decide it (five runs read 0.82x pooled, "met", only because stalls
 * hit the control rounds of two of them, while the per-round median read 1.17x). Rounds are
 * paired a few seconds apart, and their median does not follow the one round a stall hit.
 * `runs` > 1 repeats the whole soak, the two servers taking turns to go first, for more rounds.
 */
export async function soakMalformed(report: SoakReport, runs = 1): Promise<void> {
  report.line(`malformed: both servers run with a ${SEMI_SPACE_MB} MB young generation (${YOUNG_GENERATION_FLAGS.join(' ')})`);
  const ours: FloodRun[] = [];
  const raw: FloodRun[] = [];
  for (let run = 0; run < runs; run++) {
    const label = runs > 1 ? `malformed, run ${run + 1} of ${runs}` : 'malformed';
    const floodOurs = async () => ours.push(await floodServer(await SoakServer.start({ rateLimit: false }, YOUNG_GENERATION_FLAGS)));
    const floodRaw = async () => raw.push(await floodServer(await SoakServer.startRawWs(YOUNG_GENERATION_FLAGS)));
    // Taking turns to go first, neither server always meets the box later in its warm state.
    if (run % 2 === 0) await floodOurs().then(floodRaw);
    else await floodRaw().then(floodOurs);
    describe(report, label, ours.at(-1)!);
    const baseline = raw.at(-1)!;
    report.line(`${label}, raw ws baseline under the same flood: healthy p99 ${p99(baseline.clean).toFixed(2)} ms with valid frames vs ` +
      `${p99(baseline.garbage).toFixed(2)} ms under garbage, ratio ${ratio(baseline).toFixed(2)}; ${baseline.tally.sent} frames in ${(baseline.floodMs / 1000).toFixed(1)} s; ` +
      `RSS ${mb(baseline.before.rss)} -> ${mb(baseline.after.rss)} after the same warm-up`);
    report.line(`${label}, raw ws baseline: ${gcLine(baseline)}`);
    report.line(`${label}: nestjs-channels' p99 ratio ${ratio(ours.at(-1)!).toFixed(2)} against raw ws's ${ratio(baseline).toFixed(2)}`);
  }
  const verdict = median(roundRatios(ours));
  if (runs > 1) {
    for (const [name, set] of [['nestjs-channels', ours], ['raw ws', raw]] as const) {
      const [clean, garbage] = [pooled(set, 'clean'), pooled(set, 'garbage')];
      report.line(`malformed, ${runs} runs pooled, ${name}: healthy p99 ${p99(clean).toFixed(2)} ms with valid frames ` +
        `(${clean.count} round trips) vs ${p99(garbage).toFixed(2)} ms under garbage ` +
        `(${garbage.count}): ratio ${(p99(garbage) / p99(clean)).toFixed(2)}; per run ${set.map((run) => ratio(run).toFixed(2)).join(', ')}; ` +
        `per round (garbage / the control round before it) ${roundRatioLine(set)}`);
    }
    report.line(`malformed, ${runs} runs pooled: nestjs-channels' p99 ratio ${pooledRatio(ours).toFixed(2)} against raw ws's ${pooledRatio(raw).toFixed(2)}`);
  } else {
    report.line(`malformed: per round (garbage / the control round before it): nestjs-channels ${roundRatioLine(ours)}; raw ws ${roundRatioLine(raw)}`);
  }
  const rounds = roundRatios(ours).length;
  report.check(`malformed: healthy p99 within 10% of the rounds with valid frames (median over ${rounds} rounds)`, verdict <= 1.1, verdict.toFixed(2));
}

const ratio = (run: FloodRun) => p99(run.garbage) / p99(run.clean);

/** Every run's round trips of one phase, in one histogram. */
function pooled(runs: FloodRun[], phase: 'clean' | 'garbage'): LogHistogram {
  const histogram = new LogHistogram();
  for (const run of runs) histogram.merge(run[phase].toJSON());
  return histogram;
}

function pooledRatio(runs: FloodRun[]): number {
  return p99(pooled(runs, 'garbage')) / p99(pooled(runs, 'clean'));
}

/** Each garbage round's p99 over the control round's just before it, in every run. */
function roundRatios(runs: FloodRun[]): number[] {
  return runs.flatMap((run) => run.rounds.map(([clean, garbage]) => garbage / clean));
}

/** The median of every round's p99 ratio, with its 95% interval. */
function roundRatioLine(runs: FloodRun[]): string {
  const ratios = roundRatios(runs);
  const interval = medianInterval(ratios);
  if (!interval) return 'none';
  return `median ${median(ratios).toFixed(2)} over ${ratios.length} rounds [${interval.low.toFixed(2)}–${interval.high.toFixed(2)}, ${Math.floor(interval.coverage * 100)}%]`;
}

async function floodServer(server: SoakServer): Promise<FloodRun> {
  const flooder = await startFlooder();
  const chatters = await Chatters.start(server.websocketUrl, CHATTERS, 20);
  const plan = (total: number, paceMs: number, offset = 0, valid = false): FloodPlan =>
    ({ url: server.websocketUrl, total, connections: CONNECTIONS, paceMs, offset, valid });
  try {
    chatters.enter('warm-up');
    const fresh = await server.snapshot();
    await flooder.request<FloodTally>('flood', plan(WARM_UP_FRAMES, 3000, 7), 120_000);
    const before = await server.snapshot();
    chatters.enter('quiet');
    await new Promise((resolve) => setTimeout(resolve, QUIET_PHASE_MS));
    const tallies: FloodTally[] = [];
    const cleanGc: GcPauses[] = [];
    const garbageGc: GcPauses[] = [];
    await server.gcPauses();
    let floodMs = 0;
    const framesPerRound = TOTAL_FRAMES / ROUNDS;
    const roundMs = FLOOD_MS / ROUNDS;
    for (let round = 0; round < ROUNDS; round++) {
      chatters.enter(`clean ${round}`);
      await flooder.request<FloodTally>('flood', plan(framesPerRound, roundMs, 0, true), roundMs + 300_000);
      cleanGc.push(await server.gcPauses());
      chatters.enter(`garbage ${round}`);
      const started = Date.now();
      // Each round goes on through the mix where the previous one stopped.
      const offset = Math.round((round * framesPerRound) / CONNECTIONS);
      tallies.push(await flooder.request<FloodTally>('flood', plan(framesPerRound, roundMs, offset), roundMs + 300_000));
      floodMs += Date.now() - started;
      garbageGc.push(await server.gcPauses());
    }
    const tally = sumTallies(tallies);
    chatters.enter('after');
    const after = await server.snapshot();
    return {
      tally, floodMs, fresh, before, after,
      quietP99: chatters.p99('quiet'),
      clean: chatters.pooled(roundNames('clean')),
      garbage: chatters.pooled(roundNames('garbage')),
      rounds: roundNames('clean').map((name, round) => [chatters.p99(name), chatters.p99(`garbage ${round}`)]),
      cleanGc: sumGcPauses(cleanGc),
      garbageGc: sumGcPauses(garbageGc),
    };
  } finally {
    await chatters.stop();
    await flooder.stop();
    await server.stop();
  }
}

function roundNames(phase: string): string[] {
  return Array.from({ length: ROUNDS }, (_, round) => `${phase} ${round}`);
}

function sumTallies(tallies: FloodTally[]): FloodTally {
  const sum: FloodTally = { sent: 0, errorReplies: 0, closeCodes: {}, openAtEnd: 0 };
  for (const tally of tallies) {
    sum.sent += tally.sent;
    sum.errorReplies += tally.errorReplies;
    sum.openAtEnd += tally.openAtEnd;
    for (const [code, count] of Object.entries(tally.closeCodes)) sum.closeCodes[Number(code)] = (sum.closeCodes[Number(code)] ?? 0) + count;
  }
  return sum;
}

/** The server's GC pauses in the control and garbage rounds. */
function gcLine(run: FloodRun): string {
  const phase = (name: string, gc: GcPauses) =>
    `${name} ${gc.scavenges} scavenges of ${(gc.scavengeMs / Math.max(1, gc.scavenges)).toFixed(2)} ms on average (longest ${gc.longestScavengeMs.toFixed(2)} ms) ` +
    `and ${gc.others} other pauses of ${gc.othersMs.toFixed(1)} ms in all`;
  return `server GC ${phase('with valid frames', run.cleanGc)}; ${phase('under garbage', run.garbageGc)}`;
}

async function startFlooder(): Promise<ChildPeer> {
  const peer = new ChildPeer('garbage flood', spawnNode(FLOOD_MAIN, [], { cpu: CLIENT_CPU, idle: true }));
  await peer.ready;
  return peer;
}

function describe(report: SoakReport, label: string, run: FloodRun): void {
  const { tally, floodMs, fresh, before, after } = run;
  const codes = Object.entries(tally.closeCodes).map(([code, count]) => [Number(code), count] as const).sort(([a], [b]) => a - b);
  const undocumented = codes.filter(([code]) => !DOCUMENTED_CODES.has(code));
  const closes = codes.reduce((sum, [, count]) => sum + count, 0);
  const growth = after.rss - before.rss;
  report.line(`${label}: ${tally.sent} frames handled by the server in ${(floodMs / 1000).toFixed(1)} s over ${CONNECTIONS} slots: ` +
    `${tally.errorReplies} error replies + ${closes} closes`);
  report.line(`${label}: server close codes per connection: ${codes.map(([code, n]) => `${code} x${n}`).join(', ') || 'none'}; ` +
    `${tally.openAtEnd} connection(s) still open at the end (closed by the client)`);
  report.line(`${label}: warm-up of ${WARM_UP_FRAMES} frames: RSS ${mb(fresh.rss)} -> ${mb(before.rss)} (anonymous ${mb(fresh.anonymous)} -> ${mb(before.anonymous)}, V8 heap total ${mb(fresh.heapTotal)} -> ${mb(before.heapTotal)})`);
  report.line(`${label}: ${TOTAL_FRAMES} frames: RSS ${mb(before.rss)} -> ${mb(after.rss)} (growth ${mb(growth)}), anonymous ${mb(before.anonymous)} -> ${mb(after.anonymous)}, ` +
    `heap used ${mb(before.heapUsed)} -> ${mb(after.heapUsed)}, heap total ${mb(before.heapTotal)} -> ${mb(after.heapTotal)}`);
  report.line(`${label}: ({}).polluted = ${JSON.stringify(after.polluted)}, Object.prototype keys ${JSON.stringify(after.prototypeKeys)}`);
  report.line(`${label}: healthy p99 ${run.quietP99.toFixed(2)} ms on a quiet box; ${p99(run.clean).toFixed(2)} ms while the ` +
    `${CONNECTIONS} connections send valid frames at the flood's pace (${run.clean.count} round trips) vs ` +
    `${p99(run.garbage).toFixed(2)} ms under garbage (${run.garbage.count}); ratio ${ratio(run).toFixed(2)}`);
  report.line(`${label}: healthy round trips with valid frames ${spread(run.clean)}; under garbage ${spread(run.garbage)}`);
  report.line(`${label}: p99 per round (valid / garbage): ${run.rounds.map(([clean, garbage]) => `${clean.toFixed(2)} / ${garbage.toFixed(2)} ms`).join(', ')}`);
  report.line(`${label}: ${gcLine(run)}`);
  report.check(`${label}: every close code is documented`, undocumented.length === 0, JSON.stringify(undocumented));
  report.check(`${label}: every frame reached the server`, tally.sent >= TOTAL_FRAMES, String(tally.sent));
  report.check(`${label}: every frame got an error reply or a close`, tally.errorReplies + closes === tally.sent, `${tally.errorReplies + closes}/${tally.sent}`);
  report.check(`${label}: RSS grows < 20 MB`, growth < 20 * MB, mb(growth));
  report.check(`${label}: no prototype pollution`, after.polluted === null && after.prototypeKeys.length === 0, String(after.polluted));
}
