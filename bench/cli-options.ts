import { LARGE_ROOM, LARGE_ROOM_SIZES, MASS_JOIN_SIZES } from './scenarios/presence-mass-join.js';
import {
  ALL_SERVERS,
  clusterConfig,
  FULL,
  HISTORY_FULL,
  HISTORY_QUICK,
  MAX_CONNECTIONS_PER_PROCESS,
  QUICK,
  type BenchConfig,
  type ClusterConfig,
  type HistoryConfig,
} from './config.js';
import { INBOUND_SERVERS, type InboundServerKind } from './inbound/inbound-kinds.js';
import { INBOUND_FULL, INBOUND_QUICK, type InboundConfig } from './scenarios/inbound.js';
import type { ServerKind } from './servers/bench-server.interface.js';
import type { PairedProtocol } from './scenarios/paired.js';

export type Command = 'compare' | 'profile' | 'soak' | 'cluster' | 'report' | 'paired' | 'history' | 'stomp' | 'compression' | 'presence' | 'observability' | 'inbound' | 'inbound-profile';

export interface CliOptions {
  command: Command;
  config: BenchConfig;
  /** Length of the soak; 5 minutes as in the issue unless `--soak=<minutes>`. */
  soakMinutes: number;
  /** The `--cluster` run's layout (defaults unless `--cluster` and its flags were given). */
  cluster: ClusterConfig;
  /** `--report=<file>`: a saved run's JSON to render again, without measuring. */
  reportFrom?: string;
  /** `--paired[=K]`, `--paired-stomp[=K]`: pairs of back-to-back measurements per N, 10 unless K is given. */
  pairs: number;
  /** `--paired`: the Phoenix WebSocket; `--paired-stomp`: STOMP, each against raw ws writing its pre-built frames. */
  pairedProtocol: PairedProtocol;
  /** The `--history` run (defaults unless `--history` and its flags were given). */
  history: HistoryConfig;
  /** `--compression[=K]`: rounds per N, 6 unless K is given (`--quick` 3). */
  compressionRounds: number;
  /** `--presence`: the mass-join sizes (`--sizes`, or 1000,2000,5000; `--quick` 1000). */
  presenceSizes: number[];
  /** `--presence`: the large-room sizes (19000; with `--sizes`, those above the large-room limit; `--quick` none). */
  largeRoomSizes: number[];
  /** `--observability[=K]`: pairs per figure, 5 unless K is given. */
  observabilityPairs: number;
  /** `--inbound` and `--inbound-profile`: client counts (`--sizes`), passes (`--passes`), `--quick`. */
  inbound: InboundConfig;
}

const USAGE = `usage: npm run bench -- [--quick] [--servers=a,b] [--passes=N] [--sizes=1000,5000] [--profile | --soak | --cluster | --paired | --history | --stomp | --compression | --presence | --observability | --inbound | --inbound-profile | --report=F]
  --quick      N = 1000,2000 and lighter measurements: about a minute and a half
  --servers    any of ${ALL_SERVERS.join(', ')}
  --passes     repetitions (fresh processes each), default 3
  --sizes      subscriber counts, default 1000,5000,10000,19000
  --profile    the V8 CPU profiler (as node --cpu-prof) around nestjs-channels' hot paths at 10k; top frames
  --no-redis   skip the two-node scenarios on Redis (REDIS_URL, default redis://127.0.0.1:6379)
  --only-redis run the two-node scenarios on Redis alone (no single-server comparison)
  --soak[=min] 19,000 nestjs-channels connections heartbeating for 5 minutes (or min); RSS over time
  --cluster[=N] 100,000 (or N) joined connections over nestjs-channels nodes on Redis (REDIS_URL), heartbeating;
               one broadcast reaching all, memory per node, then raw ws with the same layout
    --nodes=K         node processes, default N / 17,000 rounded up (at least 2; at most 19,000 connections each)
    --cluster-hold=S  seconds held after the first broadcasts, sampling RSS and broadcasting, default 60
    --cluster-no-ws   skip the raw ws comparison
  --paired[=K] nestjs-channels and raw ws running at once, measured by turns: K pairs (default 10) of fan-out (1 and
               10 per turn), idle reach and paced p99 at each N (--sizes, --quick apply), ratios within each pair
               -> bench/results/paired.md
  --paired-stomp[=K] the same for nestjs-channels over STOMP against raw ws writing one pre-built STOMP MESSAGE
               frame per socket -> bench/results/paired-stomp.md
  --history[=K] missed-message recovery: nestjs-channels with history against without, K pairs per figure (default 10,
               --quick 3): fan-out by turns in memory (N = 1000,10000, or --sizes) and on Redis A -> B (1000,5000),
               a recovery storm with since against without, memory per history topic -> bench/results/history.md
    --storm=N         clients in the recovery storm, default 10000 (--quick 2000)
    --history-topics=K topics of the memory figure, default 10000 (--quick 1000)
  --stomp      nestjs-channels over STOMP (/socket/stomp) against raw ws writing one pre-built STOMP MESSAGE frame per
               socket: fan-out and memory per idle connection at each N (--sizes, --passes, --quick apply)
               -> bench/results/stomp.md (stomp-custom.md once narrowed)
  --compression[=K] a ~2 KB broadcast: ours compressed once, ours uncompressed, raw ws perMessageDeflate per socket and
               raw ws pre-built, all four at once, K rounds per N (default 6, --quick 3; N = 1000,5000 or --sizes):
               deliveries/s, server CPU, bytes on the wire; memory per idle connection -> bench/results/compression.md
  --presence   presence mass join: N users into one room within a second, a diff per join (diffWindowMs 0) against
               the default diff windows; frames, bytes, server CPU, time to complete lists, an idle client's
               heartbeat (N = 1000,2000,5000, --sizes, --quick 1000); large-room mode at 19000 (with --sizes: those
               above 1000) -> bench/results/presence.md (presence-custom.md)
  --observability[=K] nestjs-channels with no event subscriber against metrics on (ChannelsMetricsModule) and tracing
               on (ChannelsTracingModule, an SDK exporting nothing), three servers up at once, K pairs (default 5) per
               figure, ratios on / off at each N (default 1000,5000; --sizes applies) -> bench/results/observability.md
  --inbound[=a,b] client messages with replies: nestjs-channels with and without ValidationPipe, Nest's platform-ws and
               Socket.IO gateways with ValidationPipe, raw ws; C = 100,1000 clients (--sizes), closed loop and 10
               outstanding per client, 3 passes (--passes; --quick: C = 100, 1 pass); =a,b narrows to some of
               ${INBOUND_SERVERS.join(', ')} -> bench/results/inbound.md
  --inbound-profile  the V8 CPU profiler in nestjs-channels (with and without ValidationPipe) at C = 100, closed
               loop and 10 outstanding per client; top frames -> bench/results/inbound-profile.md
  --report=F   render the tables of a saved run (bench/results/*.json) again, without measuring`;

function list(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

function positiveInteger(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new TypeError(`${flag} must be a positive integer, got "${value}"\n${USAGE}`);
  return parsed;
}

/** Parses the flags after `npm run bench --`; an unknown flag is an error, with the usage. */
export function parseCli(argv: string[]): CliOptions {
  let command: Command = 'compare';
  let soakMinutes = 5;
  let reportFrom: string | undefined;
  let clusterConnections: number | undefined;
  let clusterNodes: number | undefined;
  let clusterHoldS: number | undefined;
  let wsBaseline = true;
  let pairs = 10;
  let pairedProtocol: PairedProtocol = 'phoenix';
  let compressionRounds: number | undefined;
  let historyPairs: number | undefined;
  let stormClients: number | undefined;
  let historyTopics: number | undefined;
  let sizesGiven = false;
  let observabilityPairs = 5;
  let inboundServers: InboundServerKind[] | undefined;
  let config: BenchConfig = argv.includes('--quick') ? { ...QUICK } : { ...FULL };
  for (const arg of argv) {
    const [flag, value = ''] = arg.split('=', 2) as [string, string?];
    if (flag === '--quick') continue;
    else if (flag === '--profile') command = 'profile';
    else if (flag === '--no-redis') config = { ...config, redis: null };
    // Narrowed to nestjs-channels, so the partial run is saved as latest-custom, never as latest.
    else if (flag === '--only-redis') config = { ...config, onlyRedis: true, servers: ['nestjs-channels'] };
    else if (flag === '--soak') {
      command = 'soak';
      if (value) soakMinutes = positiveInteger(flag, value);
    }
    else if (flag === '--history') {
      command = 'history';
      if (value) historyPairs = positiveInteger(flag, value);
    } else if (flag === '--storm') stormClients = positiveInteger(flag, value);
    else if (flag === '--history-topics') historyTopics = positiveInteger(flag, value);
    else if (flag === '--stomp') command = 'stomp';
    else if (flag === '--inbound') {
      command = 'inbound';
      if (value) inboundServers = inboundServerList(value);
    }
    else if (flag === '--inbound-profile') command = 'inbound-profile';
    else if (flag === '--compression') {
      command = 'compression';
      if (value) compressionRounds = positiveInteger(flag, value);
    } else if (flag === '--presence') command = 'presence';
    else if (flag === '--observability') {
      command = 'observability';
      if (value) observabilityPairs = positiveInteger(flag, value);
    } else if (flag === '--paired' || flag === '--paired-stomp') {
      command = 'paired';
      pairedProtocol = flag === '--paired' ? 'phoenix' : 'stomp';
      if (value) pairs = positiveInteger(flag, value);
    } else if (flag === '--cluster') {
      command = 'cluster';
      if (value) clusterConnections = positiveInteger(flag, value);
    } else if (flag === '--nodes') clusterNodes = positiveInteger(flag, value);
    else if (flag === '--cluster-hold') clusterHoldS = nonNegativeInteger(flag, value);
    else if (flag === '--cluster-no-ws') wsBaseline = false;
    else if (flag === '--report') {
      if (!value) throw new TypeError(`--report needs a file: --report=bench/results/latest.json\n${USAGE}`);
      command = 'report';
      reportFrom = value;
    } else if (flag === '--passes') config = { ...config, passes: positiveInteger(flag, value) };
    else if (flag === '--sizes') {
      config = { ...config, sizes: list(value).map((size) => positiveInteger(flag, size)) };
      sizesGiven = true;
    }
    else if (flag === '--servers') {
      const servers = list(value);
      const unknown = servers.filter((server) => !ALL_SERVERS.includes(server as ServerKind));
      if (unknown.length > 0 || servers.length === 0) throw new TypeError(`unknown server(s) "${unknown.join(', ')}"\n${USAGE}`);
      // Keep the table order whatever the flag's order.
      config = { ...config, servers: ALL_SERVERS.filter((server) => servers.includes(server)) };
    } else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new TypeError(`unknown option "${arg}"\n${USAGE}`);
  }
  const clusterFlags = clusterNodes !== undefined || clusterHoldS !== undefined || !wsBaseline;
  if (clusterFlags && command !== 'cluster') throw new TypeError(`--nodes, --cluster-hold and --cluster-no-ws go with --cluster\n${USAGE}`);
  const cluster = { ...clusterConfig(clusterConnections, clusterNodes), wsBaseline };
  if (clusterHoldS !== undefined) cluster.holdS = clusterHoldS;
  checkClusterLayout(cluster);
  if ((stormClients !== undefined || historyTopics !== undefined) && command !== 'history') {
    throw new TypeError(`--storm and --history-topics go with --history\n${USAGE}`);
  }
  const historyDefaults = config.mode === 'quick' ? HISTORY_QUICK : HISTORY_FULL;
  const history: HistoryConfig = {
    ...historyDefaults,
    pairs: historyPairs ?? historyDefaults.pairs,
    sizes: sizesGiven ? config.sizes : historyDefaults.sizes,
    redis: config.redis && historyDefaults.redis ? { ...historyDefaults.redis, url: config.redis.url } : null,
    stormClients: stormClients ?? historyDefaults.stormClients,
    topics: historyTopics ?? historyDefaults.topics,
  };
  checkHistoryLayout(history);
  if (command === 'compression' && !sizesGiven) config = { ...config, sizes: config.mode === 'quick' ? [1000] : [1000, 5000] };
  const rounds = compressionRounds ?? (config.mode === 'quick' ? 3 : 6);
  const presenceSizes = sizesGiven ? config.sizes : config.mode === 'quick' ? [1000] : MASS_JOIN_SIZES;
  const largeRoomSizes = sizesGiven ? config.sizes.filter((n) => n > LARGE_ROOM.above) : config.mode === 'quick' ? [] : LARGE_ROOM_SIZES;
  if (command === 'observability' && !sizesGiven) config = { ...config, sizes: [1000, 5000] };
  const inboundDefaults = config.mode === 'quick' ? INBOUND_QUICK : INBOUND_FULL;
  const inbound: InboundConfig = {
    ...inboundDefaults,
    passes: argv.some((arg) => arg.startsWith('--passes=')) ? config.passes : inboundDefaults.passes,
    clientCounts: sizesGiven ? config.sizes : inboundDefaults.clientCounts,
    servers: inboundServers ?? inboundDefaults.servers,
  };
  return { command, config, soakMinutes, cluster, reportFrom, pairs, pairedProtocol, history, compressionRounds: rounds, presenceSizes, largeRoomSizes, observabilityPairs, inbound };
}

/** `--inbound=a,b`: some of the five servers, in the tables' order. */
function inboundServerList(value: string): InboundServerKind[] {
  const servers = list(value);
  const unknown = servers.filter((server) => !INBOUND_SERVERS.includes(server as InboundServerKind));
  if (unknown.length > 0) throw new TypeError(`unknown inbound server(s) "${unknown.join(', ')}": any of ${INBOUND_SERVERS.join(', ')}\n${USAGE}`);
  return INBOUND_SERVERS.filter((server) => servers.includes(server));
}

/** The storm's clients and the memory figure's sockets are all on one server process, under its open-files limit. */
function checkHistoryLayout(history: HistoryConfig): void {
  for (const [flag, value] of [['--storm', history.stormClients], ['--history-topics', history.topics]] as const) {
    if (value > MAX_CONNECTIONS_PER_PROCESS) {
      throw new TypeError(`${flag}=${value}: one server process holds at most ${MAX_CONNECTIONS_PER_PROCESS} connections\n${USAGE}`);
    }
  }
}

function nonNegativeInteger(flag: string, value: string): number {
  const parsed = Number(value);
  if (value === '' || !Number.isInteger(parsed) || parsed < 0) throw new TypeError(`${flag} must be a whole number, got "${value}"\n${USAGE}`);
  return parsed;
}

/** Each node must hold its share under the open-files limit, and a cluster has two nodes at least. */
function checkClusterLayout(cluster: ClusterConfig): void {
  const perNode = Math.ceil(cluster.connections / cluster.nodes);
  if (cluster.nodes < 2) throw new TypeError(`--nodes must be at least 2: one node is no cluster\n${USAGE}`);
  if (perNode > MAX_CONNECTIONS_PER_PROCESS) {
    const needed = Math.ceil(cluster.connections / MAX_CONNECTIONS_PER_PROCESS);
    throw new TypeError(
      `${cluster.connections} connections over ${cluster.nodes} nodes is ${perNode} per node, over ${MAX_CONNECTIONS_PER_PROCESS} ` +
        `(the open-files limit is 20000 per process): use --nodes=${needed} or more\n${USAGE}`,
    );
  }
}
