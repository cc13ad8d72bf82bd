import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarize, type Summary } from '../harness/stats.js';
import { INBOUND_LABEL, type InboundServerKind } from '../inbound/inbound-kinds.js';
import type { InboundFigure, InboundOutcome } from '../scenarios/inbound.js';
import { formatRatio, formatSummary } from './format.js';
import { RESULTS_DIR } from './results-dir.js';

type Metric = (figure: InboundFigure) => number;
const rate: Metric = (figure) => figure.repliesPerSecond;
const cpu: Metric = (figure) => figure.serverCpuMicrosPerReply;

/** The issue's targets: a subject against a baseline, per depth (1 closed loop, 10 pipelined). */
const TARGETS: Array<{ subject: InboundServerKind; baseline: InboundServerKind; atLeast: Record<number, number> }> = [
  { subject: 'channels-pipe', baseline: 'nest-ws-pipe', atLeast: { 1: 1.5, 10: 1.8 } },
  { subject: 'channels', baseline: 'raw-ws', atLeast: { 1: 0.8, 10: 1.1 } },
];

function depthLabel(depth: number): string {
  return depth === 1 ? 'closed loop' : `pipelined x${depth}`;
}

function figureOf(outcome: InboundOutcome, server: InboundServerKind, pass: number, clients: number, depth: number): InboundFigure | undefined {
  return outcome.figures.find((f) => f.server === server && f.pass === pass && f.clients === clients && f.depth === depth && f.error === null);
}

function values(outcome: InboundOutcome, server: InboundServerKind, clients: number, depth: number, metric: Metric): Summary | null {
  return summarize(Array.from({ length: outcome.config.passes }, (_, pass) => {
    const figure = figureOf(outcome, server, pass, clients, depth);
    return figure ? metric(figure) : null;
  }));
}

/** Replies/s of `subject` over `baseline`, taken within each pass (both ran minutes apart at most). */
function ratio(outcome: InboundOutcome, subject: InboundServerKind, baseline: InboundServerKind, clients: number, depth: number): Summary | null {
  return summarize(Array.from({ length: outcome.config.passes }, (_, pass) => {
    const a = figureOf(outcome, subject, pass, clients, depth);
    const b = figureOf(outcome, baseline, pass, clients, depth);
    return a && b && b.repliesPerSecond > 0 ? a.repliesPerSecond / b.repliesPerSecond : null;
  }));
}

/** The `--inbound` tables: replies/s and server CPU per reply, median (min–max) over passes, then the targets. */
export function renderInbound(outcome: InboundOutcome, machine: string): string {
  const { config } = outcome;
  const lines = [
    '# Client messages with replies: the inbound path',
    '',
    `${config.passes} pass(es), ${Math.round(outcome.seconds)} s, ${machine}. Each client sends \`{"body": "..."}\` and waits ` +
      'for the reply `{id, len}`; the validating servers check it against the same class-validator DTO through Nest\'s ' +
      '`ValidationPipe`. Servers are pinned to one core, clients to the other, every server in fresh processes, the order ' +
      `rotating from pass to pass; ${config.windowMs / 1000} s windows after ${config.warmupMs / 1000} s of warm-up. ` +
      'Every run checks that each request got exactly one successful reply.',
    '',
  ];
  for (const clients of config.clientCounts) {
    lines.push(`## ${clients} clients`, '', `| server | ${config.depths.map((d) => `${depthLabel(d)}, replies/s`).join(' | ')} | server CPU µs/reply (${config.depths.map(depthLabel).join(' / ')}) |`);
    lines.push(`|---|${config.depths.map(() => '---|').join('')}---|`);
    for (const server of config.servers) {
      const rates = config.depths.map((depth) => formatSummary(values(outcome, server, clients, depth, rate)));
      const cpus = config.depths.map((depth) => formatSummary(values(outcome, server, clients, depth, cpu)));
      lines.push(`| ${INBOUND_LABEL[server]} | ${rates.join(' | ')} | ${cpus.join(' / ')} |`);
    }
    lines.push('');
  }
  lines.push('## Targets', '', '| target | C | ratio (median over passes, min–max) | met |', '|---|---|---|---|');
  for (const { subject, baseline, atLeast } of TARGETS) {
    for (const depth of config.depths) {
      const floor = atLeast[depth];
      if (floor === undefined) continue;
      for (const clients of config.clientCounts) {
        const summary = ratio(outcome, subject, baseline, clients, depth);
        const met = summary === null ? 'no' : summary.median >= floor ? 'yes' : 'no';
        lines.push(`| ${INBOUND_LABEL[subject]} >= ${floor}x ${INBOUND_LABEL[baseline]}, ${depthLabel(depth)} | ${clients} | ${formatRatio(summary)} | ${met} |`);
      }
    }
  }
  lines.push('', 'Also, with ValidationPipe, against Nest\'s Socket.IO gateway:', '');
  for (const clients of config.clientCounts) {
    const ratios = config.depths.map((depth) => `${depthLabel(depth)} ${formatRatio(ratio(outcome, 'channels-pipe', 'nest-socketio-pipe', clients, depth))}`);
    lines.push(`- C = ${clients}: ${ratios.join(', ')}`);
  }
  const errors = outcome.figures.filter((figure) => figure.error !== null);
  if (errors.length > 0) {
    lines.push('', '## Errors', '', ...errors.map((f) => `- ${f.server}, pass ${f.pass + 1}, C = ${f.clients}, ${depthLabel(f.depth)}: ${f.error}`));
  }
  return lines.join('\n');
}

/** Writes `inbound.md` / `inbound.json` for the default run, `inbound-custom.*` for any other. */
export function writeInboundReport(outcome: InboundOutcome, markdown: string, custom: boolean): string[] {
  const base = join(RESULTS_DIR, custom ? 'inbound-custom' : 'inbound');
  writeFileSync(`${base}.json`, `${JSON.stringify(outcome, null, 2)}\n`);
  writeFileSync(`${base}.md`, `${markdown}\n`);
  return [`${base}.md`, `${base}.json`];
}
