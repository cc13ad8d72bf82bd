import { CLIENT_CPU } from '../harness/client-pool.js';
import { pinThisProcess } from './pin-process.js';
import { soakLongPollStorm } from './soak-longpoll-storm.js';
import { soakMalformed } from './soak-malformed.js';
import { SoakReport } from './soak-report.js';
import { soakResets } from './soak-resets.js';
import { soakSlowConsumer } from './soak-slow-consumer.js';
import { soakUnfinished } from './soak-unfinished.js';

/**
 * `npm run bench:hardening [malformed|resets|slow-consumer ...] [--runs=K]`: the bounded soak
 * variants of the hardening cases (issue 10, items 7, 12 and 14; issue 22, items 1 and 8), each a few minutes at most,
 * servers in child processes pinned to one core, clients (this process) to the other. `--runs=K`
 * repeats the malformed soak K times and judges its p99 on all their rounds (see soakMalformed).
 * Exits 1 if a target is not met.
 */
const SOAKS: Record<string, (report: SoakReport, runs: number) => Promise<void>> = {
  malformed: soakMalformed,
  resets: soakResets,
  'slow-consumer': soakSlowConsumer,
  'longpoll-storm': soakLongPollStorm,
  unfinished: soakUnfinished,
};

async function main(): Promise<void> {
  pinThisProcess(CLIENT_CPU);
  const args = process.argv.slice(2);
  const runs = runsOption(args);
  const wanted = args.filter((arg) => !arg.startsWith('--'));
  const names = wanted.length > 0 ? wanted : Object.keys(SOAKS);
  if (runs > 1 && names.some((name) => name !== 'malformed')) throw new Error('--runs applies to the malformed soak only: npm run bench:hardening -- malformed --runs=K');
  const report = new SoakReport();
  for (const name of names) {
    const soak = SOAKS[name];
    if (!soak) throw new Error(`unknown soak "${name}"; choose from ${Object.keys(SOAKS).join(', ')}`);
    const started = Date.now();
    await soak(report, runs);
    report.line(`${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  if (report.failures.length > 0) {
    console.log(`NOT MET:\n  ${report.failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

/** `--runs=K` (a positive integer), 1 without it; any other flag is refused. */
function runsOption(args: string[]): number {
  let runs = 1;
  for (const arg of args.filter((candidate) => candidate.startsWith('--'))) {
    const match = /^--runs=(\d+)$/.exec(arg);
    if (!match || Number(match[1]) < 1) throw new Error(`unknown option "${arg}"; the only one is --runs=K (K >= 1)`);
    runs = Number(match[1]);
  }
  return runs;
}

void main().catch((error) => {
  console.error(error);
  process.exit(2);
});
