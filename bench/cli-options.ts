import { ALL_SERVERS, clusterConfig, FULL, MAX_CONNECTIONS_PER_PROCESS, QUICK, type BenchConfig, type ClusterConfig } from './config.js';
import type { ServerKind } from './servers/bench-server.interface.js';

export type Command = 'compare' | 'profile' | 'soak' | 'cluster' | 'report' | 'paired';

export interface CliOptions {
  command: Command;
  config: BenchConfig;
  /** Length of the soak; 5 minutes as in the issue unless `--soak=<minutes>`. */
  soakMinutes: number;
  /** The `--cluster` run's layout (defaults unless `--cluster` and its flags were given). */
  cluster: ClusterConfig;
  /** `--report=<file>`: a saved run's JSON to render again, without measuring. */
  reportFrom?: string;
  /** `--paired[=K]`: pairs of back-to-back measurements per N, 10 unless K is given. */
  pairs: number;
}

const USAGE = `usage: npm run bench -- [--quick] [--servers=a,b] [--passes=N] [--sizes=1000,5000] [--profile | --soak | --cluster | --paired | --report=F]
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
    else if (flag === '--paired') {
      command = 'paired';
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
    else if (flag === '--sizes') config = { ...config, sizes: list(value).map((size) => positiveInteger(flag, size)) };
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
  return { command, config, soakMinutes, cluster, reportFrom, pairs };
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
