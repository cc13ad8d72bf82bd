import { BASELINE, memoryHeadlineSize } from '../config.js';
import { machineLine } from '../harness/machine.js';
import { SERVER_LABEL } from '../scenarios/client-protocols.js';
import type { ServerKind } from '../servers/bench-server.interface.js';
import { formatRatio, formatSummary, sizeLabel } from './format.js';
import { METRICS, type MetricKey } from './metrics.js';
import type { ResultSet } from './result-set.js';
import { redisTables } from './redis-tables.js';
import { evaluateTargets } from './targets.js';

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(header: string[], rows: string[][]): string[] {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)];
}

/** One metric: a row per server, a column per N, `median (min–max)` and the ratio to the baseline. */
function metricTable(set: ResultSet, metric: MetricKey, sizes: number[], withRatio = true): string[] {
  const spec = METRICS[metric];
  const rows = set.config.servers.map((server) => [
    SERVER_LABEL[server],
    ...sizes.map((n) => {
      const value = formatSummary(set.summary(metric, server, n));
      if (!withRatio || server === BASELINE || !set.config.servers.includes(BASELINE)) return value;
      return `${value}<br>${formatRatio(set.ratio(metric, server, BASELINE, n))}`;
    }),
  ]);
  return [
    `### ${spec.title} (${spec.unit})`,
    '',
    ...table(['server', ...sizes.map((n) => `N = ${sizeLabel(n)}`)], rows),
    '',
    `${spec.explanation}${withRatio ? ' Second line: ratio to raw ws pre-built frames, computed within each pass.' : ''}`,
    '',
  ];
}

/** The README table: one row per server, the headline figures at one N, ratios to the baseline. */
function summaryTable(set: ResultSet): string[] {
  const n = memoryHeadlineSize(set.config);
  const cell = (metric: MetricKey, server: ServerKind, at = n) => {
    const value = formatSummary(set.summary(metric, server, at));
    if (server === BASELINE || !set.config.servers.includes(BASELINE)) return value;
    return `${value}<br>${formatRatio(set.ratio(metric, server, BASELINE, at))}`;
  };
  const columns: Array<[string, (server: ServerKind) => string]> = [
    ['fan-out, deliveries/s', (server) => cell('fanout', server)],
    ['10 per turn, deliveries/s', (server) => cell('burst10', server)],
    ['one broadcast reaches all, idle (ms)', (server) => cell('idleReach', server)],
    ['paced p50 / p99 (ms)', (server) => `${formatSummary(set.summary('p50', server, n))} / ${formatSummary(set.summary('p99', server, n))}`],
    ['RSS per idle connection (KiB)', (server) => cell('rss', server)],
    ['connect + join per s', (server) => cell('connect', server)],
    [`many topics at N = ${sizeLabel(set.manyTopicsSize)}, pushes/s`, (server) => cell('manyTopics', server, set.manyTopicsSize)],
  ];
  return [
    `### Summary at N = ${sizeLabel(n)} subscribers`,
    '',
    ...table(['server', ...columns.map(([title]) => title)], set.config.servers.map((server) => [SERVER_LABEL[server], ...columns.map(([, read]) => read(server))])),
    '',
    'Median (min–max) over passes; second line: ratio to raw ws pre-built frames within each pass. Every column is explained with its table below.',
    '',
  ];
}

function header(set: ResultSet): string[] {
  const { config, machine } = set;
  const bytes = config.servers.map((server) => `${server} ${set.messageBytes(server) ?? '?'} B`).join(', ');
  return [
    `## Benchmark results (${config.mode} run, ${machine.date})`,
    '',
    `- Machine: ${machineLine(machine)}`,
    `- Packages: ${Object.entries(machine.packages).map(([name, version]) => `${name} ${version}`).join(', ')}`,
    `- ${config.passes} pass${config.passes === 1 ? '' : 'es'}, each with fresh server and client processes; cells are median (min–max) over passes; ` +
      `ratios are computed within each pass, then summarized. Run time ${Math.round(set.durationS)} s.`,
    `- Message per broadcast and subscriber (WebSocket payload): ${bytes}.`,
    `- Per N: ${config.deliveries.toLocaleString('en')} deliveries per throughput measurement after a ` +
      `${config.warmupDeliveries.toLocaleString('en')}-delivery warm-up; ${config.idleSamples} idle single broadcasts; ` +
      `${config.pacedCount} paced broadcasts at ${config.pacedDeliveriesPerSecond.toLocaleString('en')} deliveries/s offered.`,
    '',
  ];
}

function targetsSection(set: ResultSet): string[] {
  const rows = evaluateTargets(set).map((target) => [target.target, target.measured, `**${target.status}**`]);
  return ['### Targets (issue 9)', '', ...table(['target', 'measured (median ratio [interval for it, coverage]; per pass, or per pair from a paired run)', 'status'], rows), ''];
}

/** The whole report: machine, targets, then one table per metric. */
export function renderMarkdown(set: ResultSet): string {
  const sizes = set.config.sizes;
  const lines = [
    ...header(set),
    ...summaryTable(set),
    ...targetsSection(set),
    ...metricTable(set, 'fanout', sizes),
    ...metricTable(set, 'burst10', sizes),
    ...metricTable(set, 'idleReach', sizes),
    ...metricTable(set, 'p50', sizes),
    ...metricTable(set, 'p99', sizes),
    ...metricTable(set, 'rss', sizes),
    ...metricTable(set, 'heap', sizes),
    ...metricTable(set, 'cpu', sizes),
    ...metricTable(set, 'cpu10', sizes),
    ...metricTable(set, 'kernelShare', sizes, false),
    ...metricTable(set, 'busy', sizes, false),
    ...metricTable(set, 'busy10', sizes, false),
    ...metricTable(set, 'connect', sizes),
    ...metricTable(set, 'manyTopics', [set.manyTopicsSize]),
    ...metricTable(set, 'manyTopicsJoin', [set.manyTopicsSize]),
    ...redisTables(set),
  ];
  const errors = set.errors();
  if (errors.length > 0) lines.push('### Errors', '', ...errors.map((error) => `- ${error}`), '');
  lines.push(`Memory target read at N = ${sizeLabel(memoryHeadlineSize(set.config))}.`, '');
  return lines.join('\n');
}
