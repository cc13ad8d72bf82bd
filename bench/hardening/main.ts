import { CLIENT_CPU } from '../harness/client-pool.js';
import { pinThisProcess } from './pin-process.js';
import { soakMalformed } from './soak-malformed.js';
import { SoakReport } from './soak-report.js';
import { soakResets } from './soak-resets.js';
import { soakSlowConsumer } from './soak-slow-consumer.js';

/**
 * `npm run bench:hardening [malformed|resets|slow-consumer ...]`: the bounded soak variants of the
 * hardening cases (issue 10, items 7, 12 and 14), each under about a minute, servers in child
 * processes pinned to one core, clients (this process) to the other. Exits 1 if a target is not met.
 */
const SOAKS: Record<string, (report: SoakReport) => Promise<void>> = {
  malformed: soakMalformed,
  resets: soakResets,
  'slow-consumer': soakSlowConsumer,
};

async function main(): Promise<void> {
  pinThisProcess(CLIENT_CPU);
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(SOAKS);
  const report = new SoakReport();
  for (const name of names) {
    const soak = SOAKS[name];
    if (!soak) throw new Error(`unknown soak "${name}"; choose from ${Object.keys(SOAKS).join(', ')}`);
    const started = Date.now();
    await soak(report);
    report.line(`${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  if (report.failures.length > 0) {
    console.log(`NOT MET:\n  ${report.failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(2);
});
