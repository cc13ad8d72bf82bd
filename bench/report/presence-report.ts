import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LARGE_ROOM, LARGE_ROOM_SIZES, MASS_JOIN_SIZES, type MassJoinRun } from '../scenarios/presence-mass-join.js';
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

/**
 * per-join / coalesced time until every list is complete. When per-join's lists were not complete
 * by the timeout and coalesced's were, the timeout gives a lower bound.
 */
function sooner(runs: MassJoinRun[], n: number): { value: number; lowerBound: boolean } | null {
  const [before, after] = [find(runs, n, 'per-join'), find(runs, n, 'coalesced')];
  if (!before || !after || before.error || after.error || !after.completeMs) return null;
  if (before.completeMs) return { value: before.completeMs / after.completeMs, lowerBound: false };
  return { value: before.timeoutMs / after.completeMs, lowerBound: true };
}

/** A target line: met, not met, or not measured. */
function target(label: string, value: number | null, atLeast: number, lowerBound = false): string {
  const verdict = value === null ? 'not measured' : value >= atLeast ? 'met' : 'NOT met';
  const measured = value === null ? 'n/a' : lowerBound ? `> ${value.toFixed(1)}x (per-join never complete)` : `${value.toFixed(1)}x`;
  return `| ${label} | >= ${atLeast}x | ${measured} | ${verdict} |`;
}

function soonerTarget(runs: MassJoinRun[], n: number, atLeast: number): string {
  const measured = sooner(runs, n);
  return target(`${n / 1000}k: every list complete sooner`, measured?.value ?? null, atLeast, measured?.lowerBound);
}

/** The markdown of a `--presence` run: one row per size and mode, the ratios, the issue's targets. */
export function renderPresence(runs: MassJoinRun[], machine: string): string {
  const lines = [
    '# Presence: mass join into one room',
    '',
    `${machine}. N users join one fresh room within about a second (tracked, then \`pushState\`), each client`,
    'keeping its list from presence_state/presence_diff; one client in another room heartbeats every 100 ms.',
    'per-join = `diffWindowMs: 0` (a diff per join, as Phoenix); coalesced = the default 30 ms windows; large-room =',
    `coalesced with \`largeRoom: { above: ${LARGE_ROOM.above}, listCap: ${LARGE_ROOM.listCap} }\` (complete: ${LARGE_ROOM.listCap} keys listed and the summary counting N).`,
    'The members share one JSON.parse per byte-identical frame and one list per identical history (bench/README.md): with',
    "the members' CPU below the wall time, the server set the pace. One run per row: on a shared machine the figures are noisy.",
    '',
    "| N | mode | every list complete | diff frames | diff + state (+ summary) MB | server CPU (kernel) | members' CPU | idle heartbeat max | joins > 10 s / unanswered |",
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const run of runs) {
    if (run.error) {
      lines.push(`| ${run.n} | ${run.mode} | error: ${run.error.split('\n')[0]} | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${run.n} | ${run.mode} | ${run.completeMs ? seconds(run.completeMs) : `not within ${run.timeoutMs / 1000} s (${run.completeLists} of ${run.n})`} | ${run.diffFrames} | ` +
        `${fixed((run.diffBytes ?? 0) / MB)} + ${fixed((run.stateBytes ?? 0) / MB)}${run.summaryFrames ? ` (+ ${fixed(run.summaryBytes! / MB, 2)} in ${run.summaryFrames} frames)` : ''} | ${run.serverError ? `n/a (${run.serverError.split('\n')[0]})` : `${seconds(run.serverCpuMs)} (${fixed(((run.serverKernelMs ?? 0) / (run.serverCpuMs || 1)) * 100, 0)}%)`} | ${seconds(run.clientCpuMs)} | ` +
        `${fixed(run.idleHeartbeatMaxMs, 0)} ms | ${run.joinsOver10s} / ${run.joinsUnanswered} |`,
    );
  }
  const sizes = [...new Set(runs.filter((run) => run.mode !== 'large-room').map((run) => run.n))];
  lines.push('', '| target (per-join / coalesced, same run) | wanted | measured | |', '|---|---|---|---|');
  if (sizes.includes(2000)) {
    lines.push(soonerTarget(runs, 2000, 8));
    lines.push(target('2k: fewer diff frames', ratio(runs, 2000, (run) => run.diffFrames), 20));
    lines.push(target('2k: less server CPU', ratio(runs, 2000, (run) => run.serverCpuMs), 5));
  }
  if (sizes.includes(5000)) lines.push(soonerTarget(runs, 5000, 10));
  for (const mode of ['coalesced', 'large-room'] as const) {
    const measured = runs.filter((run) => run.mode === mode);
    if (measured.length === 0) continue;
    const clean = measured.every((run) => !run.error);
    const verdict = (ok: boolean) => (!clean ? 'not measured (error)' : ok ? 'met' : 'NOT met');
    const heartbeatOk = measured.every((run) => (run.idleHeartbeatMaxMs ?? Infinity) <= 1000);
    const joinsOk = measured.every((run) => run.joinsOver10s === 0 && run.joinsUnanswered === 0);
    const completeOk = measured.every((run) => run.completeMs !== null && run.completeMs !== undefined);
    const sizesOf = measured.map((run) => run.n).join(', ');
    lines.push(`| ${mode} (N = ${sizesOf}): every ${mode === 'large-room' ? 'count and capped list' : 'list'} complete | yes | | ${verdict(completeOk)} |`);
    lines.push(`| ${mode} (N = ${sizesOf}): no heartbeat round trip over 1 s | yes | | ${verdict(heartbeatOk)} |`);
    lines.push(`| ${mode} (N = ${sizesOf}): every join answered within 10 s | yes | | ${verdict(joinsOk)} |`);
  }
  return lines.join('\n');
}

/** Writes the report and its raw runs; `-custom` unless the run used the default sizes. */
export function writePresenceReport(runs: MassJoinRun[], markdown: string): string[] {
  const full = [...new Set(runs.filter((run) => run.mode !== 'large-room').map((run) => run.n))];
  const large = runs.filter((run) => run.mode === 'large-room').map((run) => run.n);
  const defaults = full.join(',') === MASS_JOIN_SIZES.join(',') && large.join(',') === LARGE_ROOM_SIZES.join(',');
  const name = defaults ? 'presence' : 'presence-custom';
  const paths = [join(RESULTS_DIR, `${name}.md`), join(RESULTS_DIR, `${name}.json`)];
  writeFileSync(paths[0]!, `${markdown}\n`);
  writeFileSync(paths[1]!, `${JSON.stringify(runs, null, 2)}\n`);
  return paths;
}
