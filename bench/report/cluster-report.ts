import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineLine } from '../harness/machine.js';
import { median } from '../harness/stats.js';
import type { ClusterBroadcast } from '../scenarios/cluster-broadcast.js';
import type { ClusterConnectFigures } from '../scenarios/cluster-connect.js';
import { clusterResultName, type ClusterOutcome } from './cluster-outcome.js';
import { formatNumber } from './format.js';
import { RESULTS_DIR } from './results-dir.js';

const MiB = 2 ** 20;
const count = (value: number) => value.toLocaleString('en');
const mib = (bytes: number) => (bytes / MiB).toFixed(1);
const ms = (value: number | null) => (value === null ? '–' : value.toFixed(0));
const yes = (value: boolean) => (value ? 'yes' : '**no**');

/** The command that repeats this run. */
function commandOf(outcome: ClusterOutcome): string {
  const { connections, nodes, holdS, wsBaseline } = outcome.config;
  return `npm run bench -- --cluster=${connections} --nodes=${nodes} --cluster-hold=${holdS}${wsBaseline ? '' : ' --cluster-no-ws'}`;
}

function nodeTable(figures: ClusterConnectFigures): string[] {
  return [
    '| node | CPU | connections | RSS boot -> joined (MiB) | RSS per connection (KiB) | heap boot -> joined (MiB) | heap per connection (KiB) | young generation boot -> joined (MiB) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...figures.nodes.map((node) => {
      const perConnection = (after: number, before: number) => ((after - before) / 1024 / node.connections).toFixed(2);
      return (
        `| ${node.node} | ${node.cpu ?? 'any'} | ${count(node.connections)} | ${mib(node.boot.rss)} -> ${mib(node.joined.rss)} | ` +
        `${perConnection(node.joined.rss, node.boot.rss)} | ${mib(node.boot.heapUsed)} -> ${mib(node.joined.heapUsed)} | ` +
        `${perConnection(node.joined.heapUsed, node.boot.heapUsed)} | ${mib(node.boot.newSpace)} -> ${mib(node.joined.newSpace)} |`
      );
    }),
    `| all | | ${count(figures.connections)} | ${figures.rssTotalMiB.toFixed(1)} | ${figures.rssKiBPerConnection.toFixed(2)} ` +
      `(${figures.rssExcludingYoungKiBPerConnection.toFixed(2)} without the young generation) | | ${figures.heapKiBPerConnection.toFixed(2)} | |`,
  ];
}

/** The young generation at the readings after the connect phase, in words. */
function youngGenerationNote(outcome: ClusterOutcome): string {
  const joined = [outcome.channels, ...(outcome.ws ? [outcome.ws] : [])].flatMap((figures) => figures.nodes.map((node) => node.joined.newSpace));
  const grown = joined.filter((bytes) => bytes > 4 * MiB).length;
  if (grown === 0) return 'it had, at every reading.';
  return (
    `at ${grown} of ${joined.length} readings with the connections joined it had not: the heartbeats of ` +
    `${count(Math.ceil(outcome.config.connections / outcome.config.nodes))} sockets per node (~${count(Math.round(outcome.config.connections / outcome.config.nodes / (outcome.heartbeatMs / 1000)))}/s) ` +
    'keep the allocation rate above the one at which V8 shrinks it, so it stays at its 32 MiB maximum in steady state, on both ' +
    'servers (without heartbeats it shrinks within ~8 s: checked at 16,667 sockets on raw ws). A fixed cost per process, not per ' +
    'connection: the figures "without the young generation" leave it out.'
  );
}

function broadcastRow(broadcast: ClusterBroadcast): string {
  return (
    `| ${broadcast.fromNode} | ${count(broadcast.delivered)} / ${count(broadcast.expected)} | ${broadcast.deliveredPerNode.map(count).join(', ')} | ` +
    `${yes(broadcast.exactlyOnce)} | ${ms(broadcast.firstMs)} | ${ms(broadcast.p50Ms)} | ${ms(broadcast.p99Ms)} | ${ms(broadcast.lastMs)} |`
  );
}

function connectLine(figures: ClusterConnectFigures): string {
  return `${count(figures.connections)} in ${(figures.connectMs / 1000).toFixed(1)} s (${formatNumber(figures.perSecond)}/s), none failed`;
}

/** The markdown of `cluster.md`: the headline figures, then per node, per broadcast and per hold sample. */
export function renderClusterMarkdown(outcome: ClusterOutcome): string {
  const { config, channels, ws } = outcome;
  const everyBroadcast = [...outcome.broadcasts, ...outcome.hold.map((sample) => sample.broadcast)];
  const allReached = everyBroadcast.every((broadcast) => broadcast.exactlyOnce);
  const lasts = outcome.broadcasts.map((broadcast) => broadcast.lastMs).filter((value): value is number => value !== null);
  const reach = lasts.length > 0 ? `${ms(Math.min(...lasts))}–${ms(Math.max(...lasts))} ms (median ${ms(median(lasts))})` : '–';
  const [first, last] = [outcome.hold[0], outcome.hold[outcome.hold.length - 1]];
  const allOpen = outcome.hold.every((sample) => sample.open === config.connections);
  const perNode = Math.ceil(config.connections / config.nodes);
  const lines = [
    `## Cluster: ${count(config.connections)} joined connections over ${config.nodes} nestjs-channels nodes on Redis`,
    '',
    `- Machine: ${machineLine({ ...outcome.machine, pinning: outcome.pinning })}; at the end ${outcome.loadAverageAtEnd.join(' / ')}`,
    `- Layout: ${config.nodes} node processes (up to ${count(perNode)} connections each), ${channels.clientProcesses} client processes ` +
      `(Phoenix V2 over \`ws\`, source addresses ${outcome.sourceAddresses}), Redis ${config.redisUrl} with key prefix \`${outcome.redisPrefix}\`; ` +
      `every socket joins one topic and heartbeats every ${outcome.heartbeatMs / 1000} s (idle timeout ${outcome.idleTimeoutMs / 1000} s)`,
    `- Connect + join, every node in parallel: ${connectLine(channels)}`,
    `- One broadcast from each node in turn: ${count(config.connections)} deliveries each, every socket exactly once: ${yes(outcome.broadcasts.every((b) => b.exactlyOnce))}; ` +
      `time to the last delivery ${reach}`,
    `- Memory of the nodes after GC, per connection over boot: RSS +${channels.rssKiBPerConnection.toFixed(2)} KiB ` +
      `(+${channels.rssExcludingYoungKiBPerConnection.toFixed(2)} KiB without V8's young generation), heap +${channels.heapKiBPerConnection.toFixed(2)} KiB; ` +
      `all nodes' RSS ${channels.rssTotalMiB.toFixed(0)} MiB, ${channels.rssTotalKiBPerConnection.toFixed(2)} KiB per connection all in`,
    ...(ws
      ? [
          `- Raw ws (pre-built frames, no Redis), same layout: ${connectLine(ws)}; per connection RSS +${ws.rssKiBPerConnection.toFixed(2)} KiB ` +
            `(+${ws.rssExcludingYoungKiBPerConnection.toFixed(2)} KiB without the young generation), heap +${ws.heapKiBPerConnection.toFixed(2)} KiB ` +
            `(all in ${ws.rssTotalKiBPerConnection.toFixed(2)} KiB): nestjs-channels ${(channels.rssKiBPerConnection / ws.rssKiBPerConnection).toFixed(2)}x the RSS ` +
            `(${(channels.rssExcludingYoungKiBPerConnection / ws.rssExcludingYoungKiBPerConnection).toFixed(2)}x without the young generation), ` +
            `${(channels.heapKiBPerConnection / ws.heapKiBPerConnection).toFixed(2)}x the heap`,
        ]
      : []),
    first && last
      ? `- Hold: ${config.holdS} s heartbeating, ${outcome.hold.length} samples, each with a broadcast from the next node; all open: ${yes(allOpen)}; ` +
        `nodes' RSS ${channels.rssTotalMiB.toFixed(1)} MiB after the connect phase, ${first.rssMiB.toFixed(1)} after the first broadcasts, ` +
        `${last.rssMiB.toFixed(1)} at the end (${(outcome.rssDrift * 100).toFixed(1)}% over the hold)`
      : '- Hold: none',
    `- Target (all N joined; every broadcast, from any node, reached every socket exactly once; all connected through the hold): ` +
      `**${outcome.met ? 'met' : 'not met'}**${allReached ? '' : ' (a broadcast missed sockets or reached one twice)'}`,
    `- Run: ${outcome.durationS.toFixed(0)} s, \`${commandOf(outcome)}\``,
    '',
    '### nestjs-channels nodes, memory after GC',
    '',
    ...nodeTable(channels),
    '',
    'Each reading after a full GC, waiting up to 12 s for V8 to shrink its young generation (new space) back to 1–2 MiB after a ' +
      `burst of allocation such as the boot or the connects (else up to 30 MiB per process more, by chance); ${youngGenerationNote(outcome)}`,
    '',
    ...(ws ? ['### Raw ws nodes (pre-built frames), same layout', '', ...nodeTable(ws), ''] : []),
    '### Broadcasts right after the connect phase',
    '',
    '| from node | delivered | per node | each socket exactly once | first (ms) | p50 (ms) | p99 (ms) | last (ms) |',
    '| ---: | ---: | --- | --- | ---: | ---: | ---: | ---: |',
    ...outcome.broadcasts.map(broadcastRow),
    '',
    'Times from the broadcast call on the sending node to arrival at the clients (shared monotonic clock); every other node gets it through Redis.',
    '',
    '### Hold, heartbeating',
    '',
    'Nodes\' memory summed, read as above (waiting up to 5 s for the young generation), then a broadcast from the next node.',
    '',
    '| t (s) | nodes\' RSS (MiB) | nodes\' heap (MiB) | nodes\' young generation (MiB) | open | broadcast from node | delivered | exactly once | last (ms) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
    ...outcome.hold.map(
      (sample) =>
        `| ${sample.atS} | ${sample.rssMiB.toFixed(1)} | ${sample.heapMiB.toFixed(1)} | ${sample.newSpaceMiB.toFixed(0)} | ${count(sample.open)} | ${sample.broadcast.fromNode} | ` +
        `${count(sample.broadcast.delivered)} | ${yes(sample.broadcast.exactlyOnce)} | ${ms(sample.broadcast.lastMs)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

/** Writes `<name>.md` and `<name>.json` (`cluster` or `cluster-custom`); returns the paths. */
export function writeClusterReport(outcome: ClusterOutcome, markdown: string): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const name = clusterResultName(outcome.config);
  const paths = [join(RESULTS_DIR, `${name}.md`), join(RESULTS_DIR, `${name}.json`)];
  writeFileSync(paths[0]!, markdown);
  writeFileSync(paths[1]!, `${JSON.stringify(outcome, null, 2)}\n`);
  return paths;
}
