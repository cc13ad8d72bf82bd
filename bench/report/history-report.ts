import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HISTORY_FULL, HISTORY_QUICK, type HistoryConfig } from '../config.js';
import { CONNECT_CONCURRENCY } from '../harness/client-pool.js';
import { machineLine } from '../harness/machine.js';
import { median, summarize } from '../harness/stats.js';
import type { HistoryFanout, HistoryFanoutStep } from '../scenarios/history-fanout.js';
import { historyErrors, type HistoryOutcome } from '../scenarios/history.js';
import { PAIRED_METRICS, type PairedMetric } from '../scenarios/measure-pairs.js';
import { LIVE_BEFORE, type RecoveryStorm } from '../scenarios/recovery-storm.js';
import { formatNumber, formatRatioWithInterval, formatSummary, sizeLabel } from './format.js';
import { historyRatio, memoryPerTopic, stormRatio } from './history-figures.js';
import { historyTargets, storeNote } from './history-targets.js';
import { RESULTS_DIR } from './results-dir.js';

const TITLES: Record<PairedMetric, string> = {
  fanout: 'fan-out, deliveries/s',
  burst10: '10 per turn, deliveries/s',
  idleReach: 'one broadcast reaches all, idle (ms)',
  p99: 'paced p99 (ms)',
};

const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
const table = (header: string[], rows: string[][]) => [line(header), line(header.map(() => '---')), ...rows.map(line)];
const MiB = 2 ** 20;
const mib = (bytes: number) => (bytes / MiB).toFixed(1);
const count = (value: number) => value.toLocaleString('en');

/**
 * `history` for `--history` with its defaults, `history-quick` with `--quick`, `history-custom`
 * for a run narrowed by flags: a development run never overwrites the recorded one.
 */
export function historyResultName(config: HistoryConfig, mode: 'full' | 'quick'): string {
  const defaults = mode === 'full' ? HISTORY_FULL : HISTORY_QUICK;
  const narrowed = (['pairs', 'sizes', 'stormClients', 'missed', 'topics'] as const).some(
    (key) => JSON.stringify(config[key]) !== JSON.stringify(defaults[key]),
  );
  return narrowed ? 'history-custom' : mode === 'full' ? 'history' : 'history-quick';
}

function fanoutCell(step: HistoryFanoutStep, metric: PairedMetric): string {
  const samples = step.samples[metric];
  if (samples.length === 0) return '–';
  const history = formatNumber(median(samples.map((sample) => sample.history)));
  const plain = formatNumber(median(samples.map((sample) => sample.plain)));
  return `${history} / ${plain}<br>${formatRatioWithInterval(historyRatio(step, metric))}`;
}

function fanoutSection(title: string, fanout: HistoryFanout | null, note: string): string[] {
  if (!fanout) return [];
  const rows = fanout.steps.map((step) => [sizeLabel(step.n), ...PAIRED_METRICS.map((metric) => fanoutCell(step, metric))]);
  const bytes = fanout.messageBytes ? ` Message per broadcast and subscriber: ${fanout.messageBytes.history} B with history, ${fanout.messageBytes.plain} B without.` : '';
  return [
    `### ${title}`,
    '',
    ...(rows.length > 0 ? table(['N', ...PAIRED_METRICS.map((metric) => TITLES[metric])], rows) : ['Not measured.']),
    '',
    `${note}${bytes} First line: median over the pairs, with history / without. Second line: the median of the ratios ` +
      'taken within each pair (with / without), then the interval that holds the true median with the coverage shown. ' +
      'Throughput: higher is better; idle reach and p99: lower is better.',
    '',
  ];
}

function stormRow(label: string, storm: RecoveryStorm | null): string[] | null {
  if (!storm) return null;
  const ms = (read: (pair: RecoveryStorm['pairs'][number]) => number) => formatSummary(summarize(storm.pairs.map(read)));
  const rate = (read: (pair: RecoveryStorm['pairs'][number]) => number) =>
    formatSummary(summarize(storm.pairs.map((pair) => storm.clients / (read(pair) / 1000))));
  return [
    label,
    count(storm.clients),
    String(storm.missed),
    ms((pair) => pair.withSince.ms),
    ms((pair) => pair.without.ms),
    formatRatioWithInterval(stormRatio(storm)),
    `${rate((pair) => pair.withSince.ms)} / ${rate((pair) => pair.without.ms)}`,
    `${ms((pair) => pair.withSince.serverCpuMs)} / ${ms((pair) => pair.without.serverCpuMs)}`,
    storm.store ?? '–',
  ];
}

function stormSection(outcome: HistoryOutcome): string[] {
  const rows = [stormRow('in memory', outcome.storm), stormRow('on Redis: rejoin node B, A broadcasts', outcome.redisStorm)].filter(
    (row): row is string[] => row !== null,
  );
  const header = [
    'where',
    'clients',
    'missed each',
    'with `since` (ms)',
    'without `since` (ms)',
    'with / without',
    'clients done per s, with / without',
    'server CPU, with / without (ms)',
    'history kept in',
  ];
  return [
    '### Recovery storm',
    '',
    ...table(header, rows),
    '',
    `Clients joined to one history topic receive ${LIVE_BEFORE} broadcasts live, then every one of them disconnects at once; the server ` +
      `makes the missed broadcasts; every client reconnects and rejoins at once (${CONNECT_CONCURRENCY} handshakes in flight per client process, as ` +
      'the connect figures of the default run), with `since` (its last position) or without it. A time runs from the first ' +
      'reconnect to the last client having everything it must receive: its join reply, and with `since` each missed ' +
      'broadcast (pushed right after the reply). Every storm checks that each client received exactly the missed broadcasts ' +
      'with `since` (and a reply saying `recovered: true`), none without, and fails the run otherwise. One unrecorded storm ' +
      'with `since` warms up first; then pairs of one storm of each kind, the order swapped every pair; the ratio is taken ' +
      'within each pair. Times: median (min–max) over the pairs. Server CPU is the user + kernel time of the node the clients ' +
      'rejoin over the storm: with one client core, the wall time can be bound by the clients.' +
      (outcome.redisStorm ? ` On Redis, node B keeps a PubSub subscription of its own to the topic through the outage${storeNote(outcome.redisStorm.store)}.` : ''),
    '',
  ];
}

function memorySection(outcome: HistoryOutcome): string[] {
  const { memory } = outcome;
  const figures = memoryPerTopic(memory);
  const readings = [memory.plain, memory.history].filter((reading) => reading !== null);
  const rows = readings.map((reading) => {
    const perTopic = (key: 'heapUsed' | 'rss') => formatNumber((reading.after[key] - reading.before[key]) / memory.topics);
    return [
      reading.history ? `with history (size ${outcome.historyOptions.size})` : 'without history',
      `${mib(reading.before.heapUsed)} -> ${mib(reading.after.heapUsed)}`,
      `${mib(reading.before.rss)} -> ${mib(reading.after.rss)}`,
      perTopic('heapUsed'),
      perTopic('rss'),
      `${(reading.fillMs / 1000).toFixed(1)} s`,
    ];
  });
  if (figures) {
    rows.push([
      '**history\'s share** (with minus without)',
      '',
      '',
      `**${formatNumber(figures.heapPerTopic)}** per topic, **${formatNumber(figures.heapPerKept)}** per kept broadcast`,
      `${formatNumber(figures.rssPerTopic)} per topic, ${formatNumber(figures.rssPerKept)} per kept broadcast`,
      '',
    ]);
  }
  return [
    '### Memory per history topic',
    '',
    ...table(['server', 'heap before -> after (MiB)', 'RSS before -> after (MiB)', 'heap growth per topic (B)', 'RSS growth per topic (B)', 'broadcasts took'], rows),
    '',
    `${count(memory.topics)} sockets, each joined to a topic of its own; the server then broadcasts the bench payload ` +
      `${memory.keptPerTopic} times to each topic (one round over every topic per event-loop turn), so that with history every ` +
      'topic holds a full history. Memory is read after a full GC, once V8\'s young generation has shrunk back, after the joins ' +
      'and again after the broadcasts; the same joins and broadcasts run on a server without history (fresh processes each). ' +
      'The heap figure is the one to read: RSS also moves with the allocator\'s pools.',
    '',
  ];
}

export function renderHistory(outcome: HistoryOutcome): string {
  const { config, measurement } = outcome;
  const targets = historyTargets(outcome).map((target) => [target.target, target.measured, `**${target.status}**`]);
  const errors = historyErrors(outcome);
  return [
    `## History (missed-message recovery): ${outcome.mode} run${historyResultName(config, outcome.mode) === 'history-custom' ? ', narrowed by flags' : ''}, ${outcome.date}`,
    '',
    `- Machine: ${machineLine(outcome.machine)}`,
    `- nestjs-channels without history against the same server with \`@Channel('bench:*', { history: { size: ${outcome.historyOptions.size}, ` +
      `ttlMs: ${outcome.historyOptions.ttlMs} } })\`. Run time ${outcome.durationS.toFixed(0)} s.`,
    `- Fan-out: both variants up at once, each with its own client processes, measured by turns: at each N, ${config.pairs} pairs ` +
      'of back-to-back windows (one and ten broadcasts per turn, an idle single broadcast, paced broadcasts), the order swapped ' +
      `every pair. Per window ${count(measurement.deliveries)} deliveries after a ${count(measurement.warmupDeliveries)}-delivery ` +
      `warm-up; idle reach the median of ${measurement.idleSamples}; ${measurement.pacedCount} paced broadcasts at ` +
      `${count(measurement.pacedDeliveriesPerSecond)} deliveries/s offered.`,
    '',
    '### Targets (history)',
    '',
    ...table(['target', 'measured (median ratio [interval for it, coverage], per pair)', 'status'], targets),
    '',
    ...fanoutSection('Fan-out with history against without, in memory', outcome.fanout, 'Each variant on CPU 0, its clients on CPU 1.'),
    ...fanoutSection(
      'Fan-out with history against without, two nodes on Redis (A -> Redis -> B)',
      outcome.redisFanout,
      `Per variant, node A broadcasts (CPU 1, with the clients) and node B holds the subscribers (CPU 0), each variant on a Redis key prefix of its own${outcome.redisFanout ? storeNote(outcome.redisFanout.store) : ''}.`,
    ),
    ...stormSection(outcome),
    ...memorySection(outcome),
    ...(errors.length > 0 ? ['### Errors', '', ...errors.map((error) => `- ${error}`), ''] : []),
  ].join('\n');
}

/** Writes `<name>.md` and `<name>.json` (see `historyResultName`); returns the paths. */
export function writeHistoryReport(outcome: HistoryOutcome, markdown: string): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const name = historyResultName(outcome.config, outcome.mode);
  const paths = [join(RESULTS_DIR, `${name}.md`), join(RESULTS_DIR, `${name}.json`)];
  writeFileSync(paths[0]!, markdown);
  writeFileSync(paths[1]!, `${JSON.stringify(outcome, null, 2)}\n`);
  return paths;
}

/**
 * A saved `--history` run: by default the recorded one, `bench/results/history.json`; null if there
 * is none, or it is unreadable or no history run.
 */
export function readHistoryOutcome(path = join(RESULTS_DIR, 'history.json')): HistoryOutcome | null {
  try {
    const outcome = JSON.parse(readFileSync(path, 'utf8')) as Partial<HistoryOutcome>;
    const complete =
      typeof outcome.date === 'string' &&
      typeof outcome.config?.pairs === 'number' &&
      Array.isArray(outcome.fanout?.steps) &&
      Array.isArray(outcome.storm?.pairs) &&
      outcome.memory !== undefined;
    return complete ? (outcome as HistoryOutcome) : null;
  } catch {
    return null;
  }
}
