import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarize, type Summary } from '../harness/stats.js';
import type { FanoutStep } from '../scenarios/fanout-step.js';
import type { StompOutcome } from '../scenarios/stomp.js';
import type { ServerKind } from '../servers/bench-server.interface.js';
import { formatRatio, formatSummary, sizeLabel } from './format.js';
import { RESULTS_DIR } from './results-dir.js';

const BASELINE: ServerKind = 'ws-prebuilt-stomp';
const SUBJECT: ServerKind = 'nestjs-channels-stomp';

type Metric = (step: FanoutStep) => number | null;
const METRICS: Array<{ label: string; metric: Metric }> = [
  { label: 'fan-out, deliveries/s', metric: (step) => step.burst.perSecond },
  { label: '10 per turn, deliveries/s', metric: (step) => step.burst10.perSecond },
  { label: 'RSS per idle connection (KiB)', metric: (step) => step.memory.rssKiBPerConnection },
];

function stepOf(outcome: StompOutcome, server: ServerKind, pass: number, n: number): FanoutStep | undefined {
  return outcome.passes.find((result) => result.server === server && result.pass === pass)?.steps.find((step) => step.n === n);
}

/** The per-pass ratios subject / baseline of `metric` at `n`: both ran in the same pass, minutes apart at most. */
function ratio(outcome: StompOutcome, metric: Metric, n: number): Summary | null {
  const ratios = Array.from({ length: outcome.config.passes }, (_, pass) => {
    const subject = stepOf(outcome, SUBJECT, pass, n);
    const baseline = stepOf(outcome, BASELINE, pass, n);
    const a = subject ? metric(subject) : null;
    const b = baseline ? metric(baseline) : null;
    return a !== null && b !== null && b > 0 ? a / b : null;
  });
  return summarize(ratios);
}

function values(outcome: StompOutcome, server: ServerKind, metric: Metric, n: number): Summary | null {
  return summarize(Array.from({ length: outcome.config.passes }, (_, pass) => {
    const step = stepOf(outcome, server, pass, n);
    return step ? metric(step) : null;
  }));
}

/** The `--stomp` tables: each figure per N, median (min–max) over passes, and the ratio to the baseline within each pass. */
export function renderStomp(outcome: StompOutcome): string {
  const { config } = outcome;
  const lines = [
    '# STOMP fan-out against raw ws',
    '',
    `${config.passes} pass(es), N = ${config.sizes.map(sizeLabel).join(', ')}, ${Math.round(outcome.seconds)} s. ` +
      'nestjs-channels serves STOMP 1.2 at `/socket/stomp` (`@Channel`, `ChannelsServer.broadcast`); the baseline is raw `ws` ' +
      'writing one pre-built STOMP MESSAGE frame per socket. Figures from a shared machine are noisy: read the ratios, ' +
      'which are taken within each pass.',
    '',
  ];
  for (const { label, metric } of METRICS) {
    lines.push(`## ${label}`, '', '| N | raw ws, pre-built STOMP frames | nestjs-channels over STOMP | ratio |', '|---|---|---|---|');
    for (const n of config.sizes) {
      lines.push(
        `| ${sizeLabel(n)} | ${formatSummary(values(outcome, BASELINE, metric, n))} | ${formatSummary(values(outcome, SUBJECT, metric, n))} | ${formatRatio(ratio(outcome, metric, n))} |`,
      );
    }
    lines.push('');
  }
  lines.push('## Targets', '', '| target | ratio (median over passes, per N) | met |', '|---|---|---|');
  const fanout = config.sizes.map((n) => ratio(outcome, METRICS[0]!.metric, n));
  const memory = config.sizes.map((n) => ratio(outcome, METRICS[2]!.metric, n));
  const met = (summaries: Array<Summary | null>, ok: (value: number) => boolean) =>
    summaries.every((summary) => summary !== null && ok(summary.median)) ? 'yes' : 'no';
  lines.push(`| STOMP fan-out >= 0.9x raw ws | ${fanout.map((s) => formatRatio(s)).join(', ')} | ${met(fanout, (r) => r >= 0.9)} |`);
  lines.push(`| memory per idle STOMP connection <= 1.5x raw ws | ${memory.map((s) => formatRatio(s)).join(', ')} | ${met(memory, (r) => r <= 1.5)} |`);
  const errors = outcome.passes.filter((result) => result.error !== null);
  if (errors.length > 0) lines.push('', '## Errors', '', ...errors.map((result) => `- ${result.server}, pass ${result.pass + 1}: ${result.error}`));
  return lines.join('\n');
}

/** Writes `stomp.md` / `stomp.json` for the default sizes, `stomp-custom.*` for any other run. */
export function writeStompReport(outcome: StompOutcome, markdown: string, custom: boolean): string[] {
  const base = join(RESULTS_DIR, custom ? 'stomp-custom' : 'stomp');
  writeFileSync(`${base}.json`, `${JSON.stringify(outcome, null, 2)}\n`);
  writeFileSync(`${base}.md`, `${markdown}\n`);
  return [`${base}.md`, `${base}.json`];
}
