import type { ReconnectReport } from '../clients/client-main.js';
import type { HistoryConfig } from '../config.js';
import { withNodes, type PoolSpec } from '../harness/bench-session.js';
import { CLIENT_CPU, type ClientPool } from '../harness/client-pool.js';
import { sleep } from '../harness/clock.js';
import { uniqueRedisPrefix } from '../harness/redis-prefix.js';
import { SERVER_CPU, type ServerProcess } from '../harness/server-process.js';
import type { HistoryStore } from '../servers/bench-server.interface.js';
import { stormCountProblems } from '../report/history-figures.js';
import { measureDeliveries } from './measure-deliveries.js';

const KIND = 'nestjs-channels';
/** The one history topic every client of the storm joins. */
export const STORM_TOPIC = 'bench:storm';
/** Broadcasts every client receives live before the first disconnect: its position then comes from a broadcast. */
export const LIVE_BEFORE = 5;
/** After the last expected arrival: time for a duplicate or an extra broadcast to show up in the per-socket counts. */
const EXTRA_WAIT_MS = 300;
/** Longest wait for the server to see every socket closed, or for node B to hear the missed broadcasts. */
const SETTLE_TIMEOUT_MS = 60_000;
const POLL_MS = 20;

/** A storm in which some client did not receive exactly what it had to: the recovery is wrong, not just unmeasured. */
class StormCountError extends Error {}

/** One storm: every client disconnected, `missed` broadcasts made, every client reconnected and rejoined at once. */
export interface StormRound {
  since: boolean;
  clients: number;
  /** From the first reconnect to the last client having everything it must receive (its join reply, and with `since` every missed broadcast). */
  ms: number;
  /**
   * From the first reconnect to the last join acknowledged. Usually the same as `ms`: the replayed
   * broadcasts follow the reply on the socket, mostly in the same read.
   */
  joinsMs: number;
  /**
   * CPU time (user + kernel) of the node the clients rejoin, over the storm: its own cost, which the
   * wall time may hide when the single client core is the bottleneck.
   */
  serverCpuMs: number;
  /** Broadcasts each client had to receive after its rejoin: `missed` with `since`, else 0. */
  expectedPerClient: number;
  /** `{ broadcasts received after the rejoin: clients }`, read once everything expected arrived. */
  perClient: Record<number, number>;
  /** Join replies saying `recovered: true` (all of them with `since`). */
  recovered: number;
}

/** A pair of storms back to back, the order swapped from pair to pair. */
export interface StormPair {
  withSince: StormRound;
  without: StormRound;
}

export interface RecoveryStorm {
  /** Where the storm's node kept the history (in memory, or on Redis: shared, or node B's memory). */
  store: HistoryStore | null;
  clients: number;
  missed: number;
  /** A storm with `since` before the pairs, to warm both code paths up; not in the ratio. */
  warmUp: StormRound | null;
  pairs: StormPair[];
  error: string | null;
  /** The error is a failed count check (`stormCountProblems`): the storm ran and recovered wrongly. */
  countsWrong: boolean;
}

/** Where the storm happens: the node the clients rejoin, the one that broadcasts while they are away, the clients. */
interface StormSetup {
  node: ServerProcess;
  sender: ServerProcess;
  clients: ClientPool;
  /** Node B on Redis counts what it hears on the topic, to know the missed broadcasts reached it. */
  anchored: boolean;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${SETTLE_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

/** The first reconnect to the last client done, over every client process (shared clock). */
function stormSpan(reports: ReconnectReport[]): { ms: number; joinsMs: number } {
  const started = Math.min(...reports.map((report) => report.started));
  const joined = Math.max(...reports.map((report) => report.joined));
  const done = Math.max(joined, ...reports.map((report) => report.lastArrival));
  return { ms: (done - started) / 1000, joinsMs: (joined - started) / 1000 };
}

async function storm(setup: StormSetup, config: HistoryConfig, since: boolean): Promise<StormRound> {
  const { node, sender, clients } = setup;
  const n = clients.size;
  await clients.disconnectAll();
  await until('the server did not see every socket closed', async () => (await node.connectionCount()) === 0);
  const heard = setup.anchored ? await node.heard(STORM_TOPIC) : 0;
  await sender.burst(STORM_TOPIC, config.missed, 1, SETTLE_TIMEOUT_MS);
  if (setup.anchored) await until('node B did not hear the missed broadcasts', async () => (await node.heard(STORM_TOPIC)) >= heard + config.missed);

  const expectedPerClient = since ? config.missed : 0;
  const cpuBefore = await node.cpu();
  const reports = await clients.reconnect(node.baseUrl, STORM_TOPIC, since, expectedPerClient, 60_000 + n * 5);
  const cpuAfter = await node.cpu();
  const failed = reports.reduce((sum, report) => sum + report.failed, 0);
  if (failed > 0) throw new Error(`${failed} of ${n} clients failed to reconnect and rejoin: ${reports.find((report) => report.firstError)?.firstError}`);
  await sleep(EXTRA_WAIT_MS);
  const round: StormRound = {
    since,
    clients: n,
    ...stormSpan(reports),
    serverCpuMs: (cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / 1000,
    expectedPerClient,
    perClient: await clients.broadcastsPerSocket(),
    recovered: reports.reduce((sum, report) => sum + report.recovered, 0),
  };
  const withoutPosition = reports.reduce((sum, report) => sum + report.withoutPosition, 0);
  const problems = stormCountProblems(round);
  if (withoutPosition > 0) problems.push(`${withoutPosition} clients had no position to rejoin from`);
  if (problems.length > 0) throw new StormCountError(`storm ${since ? 'with' : 'without'} since: ${problems.join('; ')}`);
  return round;
}

/**
 * `config.stormClients` clients join the storm topic and receive a few broadcasts live (their
 * position then comes from a broadcast, as a real client's does); then a warm-up storm with
 * `since`, then `config.pairs` pairs of storms, one with `since` and one without, in ABBA order.
 * Every round checks that each client received exactly what it must: the missed broadcasts
 * once each with `since` and a join reply saying `recovered: true`, none without.
 */
async function runStorms(setup: StormSetup, config: HistoryConfig, label: string, log: (line: string) => void, result: RecoveryStorm): Promise<void> {
  const { node, sender, clients } = setup;
  result.store = await node.historyStore();
  if (setup.anchored) await node.keepSubscribed(STORM_TOPIC);
  const batch = await clients.grow(node.baseUrl, config.stormClients, STORM_TOPIC);
  if (batch.failed > 0) throw new Error(`${batch.failed} of ${config.stormClients} sockets failed to connect/join: ${batch.firstError}`);
  await clients.keepPositions(true);
  await sleep(200);
  await measureDeliveries(sender, clients, LIVE_BEFORE, { latency: false }, (timeoutMs) => sender.burst(STORM_TOPIC, LIVE_BEFORE, 1, timeoutMs));

  result.warmUp = await storm(setup, config, true);
  for (let pair = 0; pair < config.pairs; pair++) {
    const sinceFirst = pair % 2 === 0;
    const first = await storm(setup, config, sinceFirst);
    const second = await storm(setup, config, !sinceFirst);
    const stormPair = sinceFirst ? { withSince: first, without: second } : { withSince: second, without: first };
    result.pairs.push(stormPair);
    log(
      `  storm ${label} (${config.stormClients} clients, ${config.missed} missed): with since ${stormPair.withSince.ms.toFixed(0)} ms, ` +
        `without ${stormPair.without.ms.toFixed(0)} ms (${(stormPair.withSince.ms / stormPair.without.ms).toFixed(2)}x); server CPU ` +
        `${stormPair.withSince.serverCpuMs.toFixed(0)} / ${stormPair.without.serverCpuMs.toFixed(0)} ms`,
    );
  }
}

function emptyStorm(config: HistoryConfig): RecoveryStorm {
  return { store: null, clients: config.stormClients, missed: config.missed, warmUp: null, pairs: [], error: null, countsWrong: false };
}

function failed(result: RecoveryStorm, label: string, error: unknown, log: (line: string) => void): RecoveryStorm {
  result.error = error instanceof Error ? error.message : String(error);
  result.countsWrong = error instanceof StormCountError;
  log(`  storm ${label}: stopped early: ${result.error}`);
  return result;
}

const pool = (config: HistoryConfig): PoolSpec => ({ protocol: 'phoenix-v2', maxSockets: config.stormClients });

/** The storm on one node with history, which also makes the missed broadcasts. */
export async function runRecoveryStorm(config: HistoryConfig, log: (line: string) => void): Promise<RecoveryStorm> {
  const result = emptyStorm(config);
  try {
    await withNodes(KIND, [{ history: true }], [pool(config)], ([node], [clients]) =>
      runStorms({ node: node!, sender: node!, clients: clients!, anchored: false }, config, 'in memory', log, result),
    );
    return result;
  } catch (error) {
    return failed(result, 'in memory', error, log);
  }
}

/**
 * The storm on two nodes on Redis: the clients rejoin node B (CPU 0), node A (CPU 1, with the
 * clients) makes the missed broadcasts. B keeps a PubSub subscription of its own to the topic
 * throughout (`keepSubscribed`): with an adapter that shares no history, B numbers the broadcasts
 * it hears in its memory, and a node with no subscriber left would hear nothing.
 */
export async function runRedisRecoveryStorm(config: HistoryConfig, log: (line: string) => void): Promise<RecoveryStorm> {
  const result = emptyStorm(config);
  const options = { pubsub: config.redis!.url, redisPrefix: uniqueRedisPrefix('storm'), history: true };
  try {
    await withNodes(KIND, [{ ...options, cpu: CLIENT_CPU }, { ...options, cpu: SERVER_CPU }], [pool(config)], ([a, b], [clients]) =>
      runStorms({ node: b!, sender: a!, clients: clients!, anchored: true }, config, 'A -> Redis -> B', log, result),
    );
    return result;
  } catch (error) {
    return failed(result, 'A -> Redis -> B', error, log);
  }
}
