import { BASELINE, type BenchConfig } from '../config.js';
import { withSession, type BenchSession } from '../harness/bench-session.js';
import { describeMachine, type MachineDescription } from '../harness/machine.js';
import { FANOUT_TOPIC } from '../harness/payload.js';
import type { ServerKind } from '../servers/bench-server.interface.js';
import { CLIENT_PROTOCOL } from './client-protocols.js';
import { measurePairs, warmUp, type PairedMetric } from './measure-pairs.js';

export { PAIRED_METRICS, type PairedMetric } from './measure-pairs.js';

/** Which of our transports `--paired` compares with raw ws writing the same protocol's pre-built frames. */
export type PairedProtocol = 'phoenix' | 'stomp';

const KINDS: Record<PairedProtocol, { ours: ServerKind; baseline: ServerKind }> = {
  phoenix: { ours: 'nestjs-channels', baseline: BASELINE },
  stomp: { ours: 'nestjs-channels-stomp', baseline: 'ws-prebuilt-stomp' },
};

/** One subscriber count: per pair, nestjs-channels' figure and the baseline's, measured back to back. */
export interface PairedStep {
  n: number;
  samples: Record<PairedMetric, Array<{ ours: number; baseline: number }>>;
}

/** A whole `--paired` run, as saved in `bench/results/paired.json`. */
export interface PairedOutcome {
  date: string;
  /** Absent in runs from before `--paired-stomp`: phoenix. */
  protocol?: PairedProtocol;
  machine: MachineDescription;
  pairs: number;
  sizes: number[];
  durationS: number;
  steps: PairedStep[];
  error: string | null;
}

/**
 * nestjs-channels against raw ws pre-built frames with both servers running at once (each on the
 * server core, each with its own client processes on the other), measuring them by turns: at each
 * N, every pair is two fan-out windows (one, then ten broadcasts per turn), one idle-reach figure
 * and one paced window of each server, back to back, the order swapped from pair to pair (ABBA)
 * so that a drift of the box within a pair touches both alike. The ratio is taken within each pair.
 *
 * Why: the default run compares the servers within a pass, but their runs are a minute apart and
 * this VM's speed drifts more than that between minutes (one server's figure moves by up to 1.5x
 * between passes), which buries the few percent that "no slower" asks about. Seconds apart, the
 * pairs see the same box.
 */
export async function runPaired(config: BenchConfig, pairs: number, log: (line: string) => void, protocol: PairedProtocol = 'phoenix'): Promise<PairedOutcome> {
  const started = Date.now();
  const { ours: oursKind, baseline: baselineKind } = KINDS[protocol];
  const outcome: PairedOutcome = {
    date: new Date().toISOString(),
    protocol,
    machine: describeMachine(),
    pairs,
    sizes: config.sizes,
    durationS: 0,
    steps: [],
    error: null,
  };
  const maxSockets = Math.max(...config.sizes);
  try {
    await withSession(oursKind, {}, CLIENT_PROTOCOL[oursKind], maxSockets, (ours) =>
      withSession(baselineKind, {}, CLIENT_PROTOCOL[baselineKind], maxSockets, async (baseline) => {
        for (const n of config.sizes) {
          outcome.steps.push(await measureStep(config, pairs, n, ours, baseline));
          log(`  paired N=${n}: ${pairs} pairs (${((Date.now() - started) / 1000).toFixed(0)} s)`);
        }
      }),
    );
  } catch (error) {
    outcome.error = error instanceof Error ? error.message : String(error);
    log(`  paired: stopped early: ${outcome.error}`);
  }
  outcome.durationS = (Date.now() - started) / 1000;
  return outcome;
}

async function measureStep(config: BenchConfig, pairs: number, n: number, ours: BenchSession, baseline: BenchSession): Promise<PairedStep> {
  for (const session of [ours, baseline]) {
    const added = n - session.clients.size;
    const batch = await session.clients.grow(session.server.baseUrl, n, FANOUT_TOPIC);
    if (batch.failed > 0) throw new Error(`${session.server.kind}: ${batch.failed} of ${added} sockets failed to connect/join: ${batch.firstError}`);
    await warmUp(config, { sender: session.server, clients: session.clients });
  }
  const samples = await measurePairs(config, pairs, { sender: ours.server, clients: ours.clients }, { sender: baseline.server, clients: baseline.clients });
  const named = (metric: PairedMetric) => samples[metric].map(({ first, second }) => ({ ours: first, baseline: second }));
  return { n, samples: { fanout: named('fanout'), burst10: named('burst10'), idleReach: named('idleReach'), p99: named('p99') } };
}
