import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineLine } from '../harness/machine.js';
import { median, summarize, type Summary } from '../harness/stats.js';
import { COMPRESSION_VARIANTS, type CompressionOutcome, type CompressionSample, type CompressionStep, type CompressionVariant, type IdleMemoryReading } from '../scenarios/compression.js';
import { formatNumber, formatRatioWithInterval, formatSummary, sizeLabel } from './format.js';
import { RESULTS_DIR } from './results-dir.js';

const LABELS: Record<CompressionVariant, string> = {
  compressed: '(a) nestjs-channels, compressed once per broadcast',
  uncompressed: '(b) nestjs-channels, uncompressed',
  wsDeflate: '(c) raw ws, `perMessageDeflate` per socket',
  wsPrebuilt: '(d) raw ws, uncompressed pre-built frame',
};

/** Where the issue reads its throughput targets. */
const TARGET_N = 5000;

function values(step: CompressionStep, variant: CompressionVariant, pick: (sample: CompressionSample) => number): number[] {
  return step.rounds.map((round) => pick(round[variant]));
}

/** `variant` over `other` in deliveries/s, within each round. */
export function roundRatio(step: CompressionStep, variant: CompressionVariant, other: CompressionVariant): Summary | null {
  return summarize(step.rounds.map((round) => round[variant].perSecond / round[other].perSecond));
}

function perConnection(reading: IdleMemoryReading, pick: (sample: IdleMemoryReading['idle']) => number, after: 'idle' | 'afterBroadcast'): number {
  return (pick(reading[after]) - pick(reading.before)) / reading.connections;
}

function memoryOf(outcome: CompressionOutcome, variant: CompressionVariant, after: 'idle' | 'afterBroadcast'): Summary | null {
  return summarize(outcome.memory.filter((reading) => reading.variant === variant).map((reading) => perConnection(reading, (sample) => sample.rss, after)));
}

function heapOf(outcome: CompressionOutcome, variant: CompressionVariant, after: 'idle' | 'afterBroadcast'): Summary | null {
  return summarize(
    outcome.memory.filter((reading) => reading.variant === variant).map((reading) => perConnection(reading, (sample) => sample.heapUsed + sample.external, after)),
  );
}

function verdict(met: boolean | null): string {
  return met === null ? 'not measured' : met ? '**met**' : '**not met**';
}

export function renderCompression(outcome: CompressionOutcome): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const fanoutRows = outcome.steps.flatMap((step) =>
    COMPRESSION_VARIANTS.map((variant) => [
      sizeLabel(step.n),
      LABELS[variant],
      formatSummary(summarize(values(step, variant, (sample) => sample.perSecond))),
      formatSummary(summarize(values(step, variant, (sample) => sample.serverCpuUsPerDelivery))),
      formatNumber(median(values(step, variant, (sample) => sample.wireBytesPerDelivery))),
    ]),
  );
  const ratioRows = outcome.steps.map((step) => [
    sizeLabel(step.n),
    formatRatioWithInterval(roundRatio(step, 'compressed', 'uncompressed')),
    formatRatioWithInterval(roundRatio(step, 'compressed', 'wsDeflate')),
    formatRatioWithInterval(roundRatio(step, 'uncompressed', 'wsPrebuilt')),
  ]);
  const memoryRows = (['compressed', 'uncompressed', 'wsDeflate'] as const).map((variant) => [
    LABELS[variant],
    formatSummary(memoryOf(outcome, variant, 'idle')),
    formatSummary(heapOf(outcome, variant, 'idle')),
    formatSummary(memoryOf(outcome, variant, 'afterBroadcast')),
  ]);
  const target = outcome.steps.find((step) => step.n === TARGET_N);
  const vsUncompressed = target ? roundRatio(target, 'compressed', 'uncompressed') : null;
  const vsWsDeflate = target ? roundRatio(target, 'compressed', 'wsDeflate') : null;
  const ratioOf = (a: Summary | null, b: Summary | null) => (a && b ? a.median / b.median : null);
  const rssRatio = ratioOf(memoryOf(outcome, 'compressed', 'idle'), memoryOf(outcome, 'uncompressed', 'idle'));
  const heapRatio = ratioOf(heapOf(outcome, 'compressed', 'idle'), heapOf(outcome, 'uncompressed', 'idle'));
  const within = (ratio: number | null) => `${ratio === null ? '–' : `${ratio.toFixed(2)}x`}, ${verdict(ratio === null ? null : ratio <= 1.1)}`;
  return [
    `## Compression run (${outcome.date})`,
    '',
    `- Machine: ${machineLine(outcome.machine)}`,
    `- A ${outcome.messageBytes ?? '~2,000'}-byte Phoenix V2 broadcast of chat-like text, one per event-loop turn, about ` +
      `${formatNumber(outcome.deliveriesPerWindow)} deliveries per window. The four servers run at once, each on the server ` +
      `core with its own client processes on the other; ${outcome.rounds} rounds per N, each one window of each server back ` +
      `to back in a rotating order. Every client offers permessage-deflate, as browsers do, and counts compressed frames ` +
      `without inflating them (the bench's clients share one core; a browser inflates its own). Run time ` +
      `${outcome.durationS.toFixed(0)} s.${outcome.error ? ` Stopped early: ${outcome.error}` : ''}`,
    '',
    line(['N', 'server', 'deliveries/s', 'server CPU µs per delivery', 'bytes on the wire per delivery']),
    line(['---', '---', '---', '---', '---']),
    ...fanoutRows.map(line),
    '',
    'Median (min–max) over the rounds. Bytes on the wire: what the clients\' TCP sockets read, frame headers included.',
    '',
    line(['N', '(a) / (b)', '(a) / (c)', '(b) / (d)']),
    line(['---', '---', '---', '---']),
    ...ratioRows.map(line),
    '',
    'Deliveries/s ratios taken within each round: the median, then the interval that holds the true median with the ' +
      'coverage shown.',
    '',
    line(['server', 'RSS per idle connection (B)', 'heap + external per idle connection (B)', 'RSS per connection after one broadcast (B)']),
    line(['---', '---', '---', '---']),
    ...memoryRows.map(line),
    '',
    `${outcome.memory[0]?.connections ?? '–'} connections joined, each having sent its join compressed; memory after GC ` +
      'once V8\'s young generation shrank back, before the connections, after them, and after one broadcast reached them all.',
    '',
    '### Targets',
    '',
    `- (a) >= 0.8x (b) in deliveries/s at ${sizeLabel(TARGET_N)}: ${formatRatioWithInterval(vsUncompressed)}, ${verdict(vsUncompressed ? vsUncompressed.median >= 0.8 : null)}`,
    `- (a) >= 5x (c) in deliveries/s at ${sizeLabel(TARGET_N)}: ${formatRatioWithInterval(vsWsDeflate)}, ${verdict(vsWsDeflate ? vsWsDeflate.median >= 5 : null)}`,
    `- memory per idle compressed connection within 1.1x of uncompressed, heap + external: ${within(heapRatio)}; RSS: ${within(rssRatio)} ` +
      '(RSS also moves with the allocator\'s and V8\'s page pools: medians of the readings)',
    '',
  ].join('\n');
}

/** Writes `compression.md` and `compression.json` (`compression-quick.*` with `--quick`); returns the paths. */
export function writeCompressionReport(outcome: CompressionOutcome, markdown: string): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const base = outcome.mode === 'quick' ? 'compression-quick' : 'compression';
  const paths = [join(RESULTS_DIR, `${base}.md`), join(RESULTS_DIR, `${base}.json`)];
  writeFileSync(paths[0]!, markdown);
  writeFileSync(paths[1]!, `${JSON.stringify(outcome, null, 2)}\n`);
  return paths;
}

/** A saved `--compression` run (`--report=bench/results/compression.json`), or null for any other JSON. */
export function readCompressionOutcome(path: string): CompressionOutcome | null {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<CompressionOutcome>;
  return parsed.deliveriesPerWindow !== undefined && Array.isArray(parsed.steps) && Array.isArray(parsed.memory) ? (parsed as CompressionOutcome) : null;
}
