import type { BenchConfig, RedisScenarioConfig } from '../config.js';
import { withNodes } from '../harness/bench-session.js';
import { CLIENT_CPU } from '../harness/client-pool.js';
import { sleep } from '../harness/clock.js';
import { SERVER_CPU } from '../harness/server-process.js';
import { CHURN_PRESENCE, runPresenceChurn, type PresenceChurnResult } from './presence-churn.js';
import { measureTopology, type TopologyFigures } from './two-node-fanout.js';

const KIND = 'nestjs-channels';
const PROTOCOL = 'phoenix-v2';

/** Single node and two nodes on Redis, at the same N, in the same pass. */
export interface TwoNodeStep {
  n: number;
  single: TopologyFigures;
  twoNodes: TopologyFigures;
}

/** The two-node scenarios of one pass; `error` set if the pass stopped early. */
export interface RedisPassResult {
  pass: number;
  steps: TwoNodeStep[];
  churn: PresenceChurnResult | null;
  error: string | null;
}

/** Keys of this run only: runs (and test suites) sharing a Redis never see each other's messages. */
function uniquePrefix(pass: number): string {
  return `nestjs-channels-bench:${process.pid}:${Date.now().toString(36)}:${pass}:`;
}

/**
 * Pinning on 2 cores: the node that fans out (the single node, or B) gets CPU 0 alone, as every
 * server of the comparison does, so the ratio compares like with like; node A only publishes one
 * Redis message per broadcast and shares CPU 1 with the client processes. Redis is not pinned.
 */
async function measureSingle(config: BenchConfig, sizes: number[]): Promise<TopologyFigures[]> {
  return withNodes(KIND, [{ cpu: SERVER_CPU }], [{ protocol: PROTOCOL, maxSockets: Math.max(...sizes) }], async ([node], [clients]) => {
    const figures: TopologyFigures[] = [];
    for (const n of sizes) figures.push(await measureTopology(config, node!, node!.baseUrl, clients!, n));
    return figures;
  });
}

async function measureTwoNodes(config: BenchConfig, redis: RedisScenarioConfig, pass: number): Promise<TopologyFigures[]> {
  const pubsub = { pubsub: redis.url, redisPrefix: uniquePrefix(pass) };
  const nodes = [
    { ...pubsub, cpu: CLIENT_CPU }, // A: broadcasts
    { ...pubsub, cpu: SERVER_CPU }, // B: holds the subscribers
  ];
  return withNodes(KIND, nodes, [{ protocol: PROTOCOL, maxSockets: Math.max(...redis.sizes) }], async ([a, b], [clients]) => {
    const figures: TopologyFigures[] = [];
    for (const n of redis.sizes) figures.push(await measureTopology(config, a!, b!.baseUrl, clients!, n));
    return figures;
  });
}

/**
 * Presence churn: both nodes on their own core (A on CPU 0, B on CPU 1 with the clients; the
 * clients only work during the join burst), Presence with short broadcast periods.
 */
function measureChurn(redis: RedisScenarioConfig, pass: number): Promise<PresenceChurnResult> {
  const options = { pubsub: redis.url, redisPrefix: uniquePrefix(pass), presence: CHURN_PRESENCE };
  const pool = { protocol: PROTOCOL, maxSockets: redis.churnPerNode } as const;
  return withNodes(KIND, [{ ...options, cpu: SERVER_CPU }, { ...options, cpu: CLIENT_CPU }], [pool, pool], ([a, b], [poolA, poolB]) =>
    runPresenceChurn([a!, b!], [poolA!, poolB!], redis.churnPerNode),
  );
}

/**
 * Fan-out from node A to subscribers on node B through Redis, against one node at the same N
 * (fresh processes each; which goes first alternates by pass), then the presence churn.
 */
export async function runRedisPass(
  config: BenchConfig,
  redis: RedisScenarioConfig,
  pass: number,
  log: (line: string) => void,
): Promise<RedisPassResult> {
  const result: RedisPassResult = { pass, steps: [], churn: null, error: null };
  try {
    let single: TopologyFigures[];
    let two: TopologyFigures[];
    if (pass % 2 === 0) {
      single = await measureSingle(config, redis.sizes);
      await sleep(200);
      two = await measureTwoNodes(config, redis, pass);
    } else {
      two = await measureTwoNodes(config, redis, pass);
      await sleep(200);
      single = await measureSingle(config, redis.sizes);
    }
    redis.sizes.forEach((n, i) => {
      const step = { n, single: single[i]!, twoNodes: two[i]! };
      result.steps.push(step);
      const rate = (key: 'burst' | 'burst10') =>
        `one node ${Math.round(step.single[key].perSecond)}/s, A->B ${Math.round(step.twoNodes[key].perSecond)}/s ` +
        `(${(step.twoNodes[key].perSecond / step.single[key].perSecond).toFixed(2)}x)`;
      log(
        `  redis N=${n}: ${rate('burst')}; 10 per turn: ${rate('burst10')}; ` +
          `idle reach ${step.single.idleReachMs.toFixed(1)} -> ` +
          `${step.twoNodes.idleReachMs.toFixed(1)} ms, p99 ${step.single.paced.latencyP99Ms?.toFixed(1)} -> ${step.twoNodes.paced.latencyP99Ms?.toFixed(1)} ms`,
      );
    });
    await sleep(200);
    result.churn = await measureChurn(redis, pass);
    log(
      `  presence churn (${redis.churnPerNode} per node): joins converged in ${result.churn.joinConvergeMs.toFixed(0)} ms ` +
        `(${result.churn.joinLagMs.toFixed(0)} ms after the last join), leaves in ${result.churn.leaveConvergeMs.toFixed(0)} ms`,
    );
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    log(`  redis two nodes: stopped early: ${result.error}`);
  }
  await sleep(200);
  return result;
}
