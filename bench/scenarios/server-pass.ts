import type { BenchConfig } from '../config.js';
import { sleep } from '../harness/clock.js';
import { withSession } from '../harness/bench-session.js';
import { FANOUT_TOPIC } from '../harness/payload.js';
import type { ServerKind } from '../servers/bench-server.interface.js';
import { CLIENT_PROTOCOL } from './client-protocols.js';
import { runFanoutStep, type FanoutStep } from './fanout-step.js';
import { runManyTopics, type ManyTopicsResult } from './many-topics.js';

/** One server's results in one pass; `error` set if the pass stopped early. */
export interface ServerPassResult {
  server: ServerKind;
  pass: number;
  /** Bytes of the WebSocket message each subscriber receives per broadcast. */
  messageBytes: number;
  steps: FanoutStep[];
  manyTopics: ManyTopicsResult | null;
  error: string | null;
}

/**
 * A fresh server process and fresh client processes; the subscriber count grows through
 * `config.sizes`, with every fan-out measurement at each size, then the many-topics scenario
 * at the largest. Both sides are stopped whatever happens.
 */
export async function runServerPass(
  config: BenchConfig,
  kind: ServerKind,
  pass: number,
  log: (line: string) => void,
): Promise<ServerPassResult> {
  const result: ServerPassResult = { server: kind, pass, messageBytes: 0, steps: [], manyTopics: null, error: null };
  const started = Date.now();
  try {
    await withSession(kind, {}, CLIENT_PROTOCOL[kind], Math.max(...config.sizes), async ({ server, clients }) => {
      result.messageBytes = await server.messageBytes(FANOUT_TOPIC);
      const boot = await server.memory();
      for (const n of config.sizes) {
        const step = await runFanoutStep(config, server, clients, n, boot);
        result.steps.push(step);
        log(
          `  ${kind} N=${n}: ${Math.round(step.burst.perSecond)} deliveries/s, ` +
            `x10/turn ${Math.round(step.burst10.perSecond)}/s, idle reach ${step.idleReachMs.toFixed(1)} ms, ` +
            `p99 ${step.paced.latencyP99Ms?.toFixed(1)} ms, ${step.memory.rssKiBPerConnection.toFixed(1)} KiB/conn`,
        );
      }
      result.manyTopics = await runManyTopics(config, server, clients);
      log(
        `  ${kind} many topics (N=${result.manyTopics.n}): ${Math.round(result.manyTopics.pushes.perSecond)} pushes/s ` +
          `(${((Date.now() - started) / 1000).toFixed(1)} s)`,
      );
    });
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    log(`  ${kind}: stopped early: ${result.error}`);
  }
  // Let the closed sockets' teardown finish in the kernel before the next server boots.
  await sleep(200);
  return result;
}
