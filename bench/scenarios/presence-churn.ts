import { nowMicros, sleep } from '../harness/clock.js';
import type { ClientPool } from '../harness/client-pool.js';
import { PRESENCE_TOPIC } from '../harness/payload.js';
import type { ServerProcess } from '../harness/server-process.js';

/** Presence timing of the churn: short periods, as an app wanting fast convergence would set. */
export const CHURN_PRESENCE = { broadcastPeriodMs: 100, downPeriodMs: 5000 };
/** Give up on convergence after this long: the scenario reports an error instead of waiting. */
const CONVERGE_TIMEOUT_MS = 30_000;
const POLL_MS = 5;

export interface PresenceChurnResult {
  /** Presences joined on each node (then all left). */
  perNode: number;
  /** From the start of the join burst on both nodes to both nodes listing all of them (ms). */
  joinConvergeMs: number;
  /** The part of it after the last join was acknowledged on its own node (ms). */
  joinLagMs: number;
  /** From closing every socket on both nodes at once to both nodes listing none (ms). */
  leaveConvergeMs: number;
}

/** Polls both nodes until each lists `expected` presences; returns when that happened (µs, shared clock). */
async function converged(nodes: ServerProcess[], expected: number): Promise<number> {
  const deadline = Date.now() + CONVERGE_TIMEOUT_MS;
  let counts: number[] = [];
  while (Date.now() < deadline) {
    counts = await Promise.all(nodes.map((node) => node.presenceCount(PRESENCE_TOPIC)));
    if (counts.every((count) => count === expected)) return nowMicros();
    await sleep(POLL_MS);
  }
  throw new Error(`presence lists did not converge to ${expected} in ${CONVERGE_TIMEOUT_MS} ms (counts ${counts.join(', ')})`);
}

/**
 * `perNode` sockets join the presence topic on each of two nodes at once (each join tracked by
 * the node it lands on); then every socket closes at once. Times how long both nodes take to
 * list the same presences after each burst.
 */
export async function runPresenceChurn(nodes: [ServerProcess, ServerProcess], pools: [ClientPool, ClientPool], perNode: number): Promise<PresenceChurnResult> {
  const joinStart = nowMicros();
  const batches = await Promise.all(nodes.map((node, i) => pools[i]!.grow(node.baseUrl, perNode, PRESENCE_TOPIC)));
  const joined = nowMicros();
  const failed = batches.reduce((sum, batch) => sum + batch.failed, 0);
  if (failed > 0) throw new Error(`${failed} presence joins failed: ${batches.find((batch) => batch.firstError)?.firstError}`);
  const joinDone = await converged(nodes, 2 * perNode);

  const leaveStart = nowMicros();
  const [leaveDone] = await Promise.all([converged(nodes, 0), ...pools.map((pool) => pool.stop())]);
  return {
    perNode,
    joinConvergeMs: (joinDone - joinStart) / 1000,
    joinLagMs: Math.max(0, joinDone - joined) / 1000,
    leaveConvergeMs: (leaveDone - leaveStart) / 1000,
  };
}
