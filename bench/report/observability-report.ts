import { mkdirSync, writeFileSync } from 'node:fs';
import { PAIRED_METRICS, type PairedMetric } from '../scenarios/measure-pairs.js';
import { medianRatio, OBSERVED, type ObservabilityOutcome } from '../scenarios/observability-fanout.js';
import { describeMachine } from '../harness/machine.js';
import { RESULTS_DIR } from './results-dir.js';

const LABELS: Record<PairedMetric, string> = {
  fanout: 'fan-out (1 per turn)',
  burst10: '10 per turn',
  idleReach: 'idle reach',
  p99: 'paced p99',
};

/** The ratios of an `--observability` run, on / off, as a markdown table per N. */
export function renderObservability(outcome: ObservabilityOutcome): string {
  const lines = [
    '# Observability on against off (nestjs-channels)',
    '',
    `${outcome.date}, ${JSON.stringify(describeMachine())}`,
    '',
    `Median over ${outcome.pairs} pairs of the ratio on / off, within each pair. Throughputs (fan-out, 10 per turn): 1.00x = unchanged, ` +
      'below is slower. Times (idle reach, paced p99): above is slower. "off" is the library with no event subscriber.',
    '',
  ];
  for (const step of outcome.steps) {
    lines.push(`## N = ${step.n}`, '', `| | ${PAIRED_METRICS.map((metric) => LABELS[metric]).join(' | ')} |`, `|---|${PAIRED_METRICS.map(() => '---').join('|')}|`);
    for (const name of OBSERVED) {
      lines.push(`| ${name} on | ${PAIRED_METRICS.map((metric) => `${medianRatio(step.samples[name][metric]).toFixed(2)}x`).join(' | ')} |`);
    }
    lines.push('');
  }
  if (outcome.error) lines.push(`Stopped early: ${outcome.error}`, '');
  return lines.join('\n');
}

export function writeObservabilityReport(outcome: ObservabilityOutcome, markdown: string, custom: boolean): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const name = custom ? 'observability-custom' : 'observability';
  const paths = [`${RESULTS_DIR}${name}.md`, `${RESULTS_DIR}${name}.json`];
  writeFileSync(paths[0]!, `${markdown}\n`);
  writeFileSync(paths[1]!, `${JSON.stringify(outcome, null, 2)}\n`);
  return paths;
}
