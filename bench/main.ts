import { parseCli } from './cli-options.js';
import type { BenchConfig, HistoryConfig } from './config.js';
import { describeMachine, machineLine } from './harness/machine.js';
import { renderMarkdown } from './report/markdown.js';
import { ResultSet } from './report/result-set.js';
import { readResults, writeRawResults, writeReport } from './report/write-results.js';
import { renderPaired, writePairedReport } from './report/paired-report.js';
import { runProfile } from './profile/run-profile.js';
import { runCluster } from './scenarios/cluster.js';
import { readHistoryOutcome, renderHistory, writeHistoryReport } from './report/history-report.js';
import { historyErrors, runHistory, type HistoryOutcome } from './scenarios/history.js';
import { readCompressionOutcome, renderCompression, writeCompressionReport } from './report/compression-report.js';
import { runCompression } from './scenarios/compression.js';
import { runPaired, type PairedProtocol } from './scenarios/paired.js';
import { runSoak } from './scenarios/soak.js';
import { runRedisPass, type RedisPassResult } from './scenarios/redis-pass.js';
import { runServerPass, type ServerPassResult } from './scenarios/server-pass.js';
import { runStomp } from './scenarios/stomp.js';
import { renderStomp, writeStompReport } from './report/stomp-report.js';
import { renderPresence, writePresenceReport } from './report/presence-report.js';
import { runMassJoin } from './scenarios/presence-mass-join.js';
import { renderObservability, writeObservabilityReport } from './report/observability-report.js';
import { runObservabilityFanout } from './scenarios/observability-fanout.js';
import { renderInbound, writeInboundReport } from './report/inbound-report.js';
import { INBOUND_FULL, runInbound, type InboundConfig } from './scenarios/inbound.js';
import { runInboundProfile } from './profile/inbound-profile.js';

const log = (line: string) => console.log(line);

/**
 * Every pass runs every server once, each with fresh processes; the order rotates from pass to
 * pass so that a slow moment on a shared machine does not always hit the same server.
 */
async function compare(config: BenchConfig): Promise<void> {
  const machine = describeMachine();
  const started = Date.now();
  const results: ServerPassResult[] = [];
  const redis: RedisPassResult[] = [];
  // The two-node scenarios are about nestjs-channels alone: a run narrowed to other servers skips them.
  const redisScenario = config.servers.includes('nestjs-channels') ? config.redis : null;
  for (let pass = 0; pass < config.passes; pass++) {
    const order = config.servers.map((_, i) => config.servers[(i + pass) % config.servers.length]!);
    log(`pass ${pass + 1}/${config.passes}: ${order.join(', ')}${redisScenario ? ', two nodes on Redis' : ''}`);
    if (!config.onlyRedis) for (const kind of order) results.push(await runServerPass(config, kind, pass, log));
    if (redisScenario) redis.push(await runRedisPass(config, redisScenario, pass, log));
  }
  const set = new ResultSet(config, machine, results, (Date.now() - started) / 1000, redis);
  log(`raw results: ${writeRawResults(set)}`);
  report(set);
}

/** Prints the markdown report of `set` and writes it next to its JSON. */
function report(set: ResultSet): void {
  const markdown = renderMarkdown(set);
  log(`\n${markdown}`);
  for (const path of writeReport(set, markdown)) log(`written: ${path}`);
}

/** `--paired`: the two servers at once, measured by turns; exits 1 if the run stopped early. */
async function paired(config: BenchConfig, pairs: number, protocol: PairedProtocol): Promise<void> {
  log(`paired: nestjs-channels${protocol === 'stomp' ? ' over STOMP' : ''} and raw ws at N = ${config.sizes.join(', ')}, ${pairs} pairs each`);
  const outcome = await runPaired(config, pairs, log, protocol);
  const markdown = renderPaired(outcome);
  log(`\n${markdown}`);
  for (const path of writePairedReport(outcome, markdown)) log(`written: ${path}`);
  if (outcome.error) process.exitCode = 1;
}

/** Prints the markdown report of a `--history` run and writes it next to its JSON. */
function reportHistory(outcome: HistoryOutcome): void {
  const markdown = renderHistory(outcome);
  log(`\n${markdown}`);
  for (const path of writeHistoryReport(outcome, markdown)) log(`written: ${path}`);
}

/** `--history`: with history against without, the recovery storm, memory per topic; exits 1 if any part failed. */
async function history(config: BenchConfig, historyConfig: HistoryConfig): Promise<void> {
  const outcome = await runHistory(config, historyConfig, log);
  reportHistory(outcome);
  if (historyErrors(outcome).length > 0) process.exitCode = 1;
}

/** `--stomp`: nestjs-channels over STOMP against raw ws with pre-built STOMP frames; exits 1 if a pass stopped early. */
async function stomp(config: BenchConfig): Promise<void> {
  log(`STOMP: nestjs-channels against raw ws pre-built STOMP frames at N = ${config.sizes.join(', ')}, ${config.passes} pass(es)`);
  const outcome = await runStomp(config, log);
  const markdown = renderStomp(outcome);
  log(`\n${markdown}`);
  const custom = config.mode !== 'full' || config.passes !== 3 || config.sizes.join(',') !== '1000,5000,10000,19000';
  for (const path of writeStompReport(outcome, markdown, custom)) log(`written: ${path}`);
  if (outcome.passes.some((pass) => pass.error !== null)) process.exitCode = 1;
}

/** `--compression`: the four servers of issue 24 at once; exits 1 if the run stopped early. */
async function compression(config: BenchConfig, rounds: number): Promise<void> {
  const outcome = await runCompression(config, rounds, log);
  const markdown = renderCompression(outcome);
  log(`\n${markdown}`);
  for (const path of writeCompressionReport(outcome, markdown)) log(`written: ${path}`);
  if (outcome.error) process.exitCode = 1;
}

/** `--presence`: mass join with a diff per join against diff windows; exits 1 if a run failed. */
async function presence(sizes: number[], largeSizes: number[]): Promise<void> {
  const machine = describeMachine();
  const runs = await runMassJoin(sizes, largeSizes, log);
  const markdown = renderPresence(runs, `${machine.cpu}, ${machine.cores} cores, Node ${process.version}, ${machine.date}`);
  log(`\n${markdown}`);
  for (const path of writePresenceReport(runs, markdown)) log(`written: ${path}`);
  if (runs.some((run) => run.error !== null)) process.exitCode = 1;
}

/** `--observability`: fan-out with no subscriber against metrics on and tracing on; exits 1 if it stopped early. */
async function observability(config: BenchConfig, pairs: number): Promise<void> {
  log(`observability: nestjs-channels plain, with metrics, with tracing, at N = ${config.sizes.join(', ')}, ${pairs} pairs each`);
  const outcome = await runObservabilityFanout(config, pairs, log);
  const markdown = renderObservability(outcome);
  log(`\n${markdown}`);
  const custom = config.mode !== 'full' || pairs !== 5 || config.sizes.join(',') !== '1000,5000';
  for (const path of writeObservabilityReport(outcome, markdown, custom)) log(`written: ${path}`);
  if (outcome.error) process.exitCode = 1;
}

/** `--inbound`: the five servers answering client messages; exits 1 if a count check failed. */
async function inbound(config: InboundConfig): Promise<void> {
  log(`inbound: ${config.servers.join(', ')} at C = ${config.clientCounts.join(', ')}, depths ${config.depths.join(', ')}, ${config.passes} pass(es)`);
  const outcome = await runInbound(config, log);
  const markdown = renderInbound(outcome, machineLine(describeMachine()));
  log(`\n${markdown}`);
  const custom = JSON.stringify(config) !== JSON.stringify(INBOUND_FULL);
  for (const path of writeInboundReport(outcome, markdown, custom)) log(`written: ${path}`);
  if (outcome.figures.some((figure) => figure.error !== null)) process.exitCode = 1;
}

async function main(): Promise<void> {
  const { command, config, soakMinutes, cluster, reportFrom, pairs, pairedProtocol, history: historyConfig, compressionRounds, presenceSizes, largeRoomSizes, observabilityPairs, inbound: inboundConfig } =
    parseCli(process.argv.slice(2));
  if (command === 'report') {
    const historyRun = readHistoryOutcome(reportFrom);
    const compressionRun = readCompressionOutcome(reportFrom!);
    if (historyRun) reportHistory(historyRun);
    else if (compressionRun) log(renderCompression(compressionRun));
    else report(readResults(reportFrom!));
  } else if (command === 'history') await history(config, historyConfig);
  else if (command === 'paired') await paired(config, pairs, pairedProtocol);
  else if (command === 'stomp') await stomp(config);
  else if (command === 'compression') await compression(config, compressionRounds);
  else if (command === 'presence') await presence(presenceSizes, largeRoomSizes);
  else if (command === 'observability') await observability(config, observabilityPairs);
  else if (command === 'inbound') await inbound(inboundConfig);
  else if (command === 'inbound-profile') await runInboundProfile(inboundConfig, log);
  else if (command === 'profile') await runProfile(config, log);
  else if (command === 'soak') await runSoak(soakMinutes, log);
  else if (command === 'cluster') await runCluster(cluster, log);
  else await compare(config);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
