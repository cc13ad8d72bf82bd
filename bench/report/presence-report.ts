import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MASS_JOIN_SIZES, type MassJoinRun } from '../scenarios/presence-mass-join.js';
import { RESULTS_DIR } from './results-dir.js';

const MB = 1024 * 1024;
const fixed = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));
const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? 'never' : `${(ms / 1000).toFixed(2)} s`);

function find(runs: MassJoinRun[], n: number, mode: MassJoinRun['mode']): MassJoinRun | undefined {
  return runs.find((run) => run.n === n && run.mode === mode);
}

/** per-join / coalesced for `value`, or null when either is missing. */
function ratio(runs: MassJoinRun[], n: number, value: (run: MassJoinRun) => number | null | undefined): number | null {
  const [before, after] = [find(runs, n, 'per-join'), find(runs, n, 'coalesced')];
  const [a, b] = [before && value(before), after && value(after)];
  return a && b ? a / b : null;
}

/** A target line: met, not met, or not measured. */
function target(label: string, value: number | null, atLeast: number): string {
  const verdict = value === null ? 'not measured' : value >= atLeast ? 'met' : 'NOT met';
  return `| ${label} | >= ${atLeast}x | ${value === null ? 'n/a' : `${value.toFixed(1)}x`} | ${verdict} |`;
}

/** The markdown of a `--presence` run: one row per size and mode, the ratios, the issue's targets. */
export function renderPresence(runs: MassJoinRun[], machine: string): string {
  const lines = [
    '# Presence: mass join into one room',
    '',
    `${machine}. N users join one fresh room within about a second (tracked, then \`pushState\`), each client`,
    'keeping its list from presence_state/presence_diff; one client in another room heartbeats every 100 ms.',
    'per-join = `diffWindowMs: 0` (a diff per join, as Phoenix); coalesced = the default 30 ms windows. One run',
    'per row: on a shared machine the figures are noisy.',
    '',
    '| N | mode | every list complete | diff frames | diff + state MB | server CPU (kernel) | idle heartbeat max | joins > 10 s / unanswered |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const run of runs) {
    if (run.error) {
      lines.push(`| ${run.n} | ${run.mode} | error: ${run.error.split('\n')[0]} | | | | | |`);
      continue;
    }
    lines.push(
      `| ${run.n} | ${run.mode} | ${seconds(run.completeMs)}${run.completeMs === null ? ` (${run.completeLists} of ${run.n})` : ''} | ${run.diffFrames} | ` +
        `${fixed((run.diffBytes ?? 0) / MB)} + ${fixed((run.stateBytes ?? 0) / MB)} | ${seconds(run.serverCpuMs)} (${fixed(((run.serverKernelMs ?? 0) / (run.serverCpuMs || 1)) * 100, 0)}%) | ` +
        `${fixed(run.idleHeartbeatMaxMs, 0)} ms | ${run.joinsOver10s} / ${run.joinsUnanswered} |`,
    );
  }
  const sizes = [...new Set(runs.map((run) => run.n))];
  lines.push('', '| target (per-join / coalesced, same run) | wanted | measured | |', '|---|---|---|---|');
  if (sizes.includes(2000)) {
    lines.push(target('2k: every list complete sooner', ratio(runs, 2000, (run) => run.completeMs), 8));
    lines.push(target('2k: fewer diff frames', ratio(runs, 2000, (run) => run.diffFrames), 20));
    lines.push(target('2k: less server CPU', ratio(runs, 2000, (run) => run.serverCpuMs), 5));
  }
  if (sizes.includes(5000)) lines.push(target('5k: every list complete sooner', ratio(runs, 5000, (run) => run.completeMs), 10));
  const clocks = runs.filter((run) => !run.error);
  const heartbeatOk = clocks.filter((run) => run.mode === 'coalesced').every((run) => (run.idleHeartbeatMaxMs ?? Infinity) <= 1000);
  const joinsOk = clocks.filter((run) => run.mode === 'coalesced').every((run) => run.joinsOver10s === 0 && run.joinsUnanswered === 0);
  lines.push(`| coalesced, every size: no heartbeat round trip over 1 s | yes | | ${heartbeatOk ? 'met' : 'NOT met'} |`);
  lines.push(`| coalesced, every size: every join answered within 10 s | yes | | ${joinsOk ? 'met' : 'NOT met'} |`);
  lines.push('', 'Not measured yet: 19k in large-room mode (`largeRoom`).');
  return lines.join('\n');
}

/** Writes the report and its raw runs; `-custom` unless the run used the default sizes. */
export function writePresenceReport(runs: MassJoinRun[], markdown: string): string[] {
  const sizes = [...new Set(runs.map((run) => run.n))];
  const name = sizes.join(',') === MASS_JOIN_SIZES.join(',') ? 'presence' : 'presence-custom';
  const paths = [join(RESULTS_DIR, `${name}.md`), join(RESULTS_DIR, `${name}.json`)];
  writeFileSync(paths[0]!, `${markdown}\n`);
  writeFileSync(paths[1]!, `${JSON.stringify(runs, null, 2)}\n`);
  return paths;
}
