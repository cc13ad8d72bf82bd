import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineLine } from '../harness/machine.js';
import { median, summarize, type Summary } from '../harness/stats.js';
import { PAIRED_METRICS, type PairedMetric, type PairedOutcome, type PairedStep } from '../scenarios/paired.js';
import { formatNumber, formatRatioWithInterval, sizeLabel } from './format.js';
import { RESULTS_DIR } from './results-dir.js';

const TITLES: Record<PairedMetric, string> = {
  fanout: 'fan-out, deliveries/s',
  burst10: '10 per turn, deliveries/s',
  idleReach: 'one broadcast reaches all, idle (ms)',
  p99: 'paced p99 (ms)',
};

/** nestjs-channels over raw ws within each pair at `n`, summarized; null when that size was not measured. */
export function pairedRatio(outcome: PairedOutcome, metric: PairedMetric, n: number): Summary | null {
  const step = outcome.steps.find((candidate) => candidate.n === n);
  return step ? summarize(step.samples[metric].map(({ ours, baseline }) => ours / baseline)) : null;
}

function cell(step: PairedStep, metric: PairedMetric, outcome: PairedOutcome): string {
  const samples = step.samples[metric];
  if (samples.length === 0) return '–';
  const ours = formatNumber(median(samples.map((sample) => sample.ours)));
  const baseline = formatNumber(median(samples.map((sample) => sample.baseline)));
  return `${ours} / ${baseline}<br>${formatRatioWithInterval(pairedRatio(outcome, metric, step.n))}`;
}

export function renderPaired(outcome: PairedOutcome): string {
  const header = ['N', ...PAIRED_METRICS.map((metric) => TITLES[metric])];
  const rows = outcome.steps.map((step) => [sizeLabel(step.n), ...PAIRED_METRICS.map((metric) => cell(step, metric, outcome))]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    `## Paired run (${outcome.date})`,
    '',
    `- Machine: ${machineLine(outcome.machine)}`,
    `- ${outcome.protocol === 'stomp' ? 'nestjs-channels over STOMP and raw ws (one pre-built STOMP MESSAGE frame per socket)' : 'nestjs-channels and raw ws (one pre-built frame per socket)'} running at once; at each N, ${outcome.pairs} pairs of ` +
      'back-to-back measurements, the order swapped every pair. Run time ' +
      `${outcome.durationS.toFixed(0)} s.${outcome.error ? ` Stopped early: ${outcome.error}` : ''}`,
    '',
    line(header),
    line(header.map(() => '---')),
    ...rows.map(line),
    '',
    'First line: median over the pairs, nestjs-channels / raw ws. Second line: the median of the ratios taken within ' +
      'each pair, then the interval that holds the true median with the coverage shown (order statistics, no assumption ' +
      'about the distribution). Fan-out and 10 per turn: higher is better; idle reach and p99: lower is better.',
    '',
  ].join('\n');
}

/** Writes `paired.md` and `paired.json`; returns the paths. */
export function writePairedReport(outcome: PairedOutcome, markdown: string): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const name = outcome.protocol === 'stomp' ? 'paired-stomp' : 'paired';
  const paths = [join(RESULTS_DIR, `${name}.md`), join(RESULTS_DIR, `${name}.json`)];
  writeFileSync(paths[0]!, markdown);
  writeFileSync(paths[1]!, `${JSON.stringify(outcome, null, 2)}\n`);
  return paths;
}

/** The last `--paired` run from `bench/results/paired.json`, or null if there is none (or it is unreadable). */
export function readPairedOutcome(): PairedOutcome | null {
  try {
    const outcome = JSON.parse(readFileSync(join(RESULTS_DIR, 'paired.json'), 'utf8')) as Partial<PairedOutcome>;
    const complete = typeof outcome.date === 'string' && Array.isArray(outcome.steps) && typeof outcome.pairs === 'number';
    return complete ? (outcome as PairedOutcome) : null;
  } catch {
    return null;
  }
}
