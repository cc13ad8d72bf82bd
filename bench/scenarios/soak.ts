import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../harness/clock.js';
import { withSession } from '../harness/bench-session.js';
import { describeMachine, machineLine } from '../harness/machine.js';
import { FANOUT_TOPIC } from '../harness/payload.js';
import { RESULTS_DIR } from '../report/results-dir.js';
import { measureDeliveries } from './measure-deliveries.js';

/** The target: 19,000 joined connections in one process, heartbeating (for 5 minutes by default). */
const SOAK = { connections: 19_000, heartbeatMs: 30_000, sampleEveryMs: 15_000, idleTimeoutMs: 60_000 };
/** RSS may move this much between minute 1 and the end and still count as stable. */
const STABLE_DRIFT = 0.05;

interface SoakSample {
  atS: number;
  rssMiB: number;
  heapMiB: number;
  open: number;
  /** A broadcast sent at each sample reached every subscriber. */
  broadcastReachedAll: boolean;
}

/**
 * 19k Phoenix clients heartbeating every 30 s (Phoenix's interval) against the library's
 * default 60 s idle timeout; every 15 s: server memory after GC, sockets still open, and one
 * broadcast that must reach all of them.
 */
export async function runSoak(minutes: number, log: (line: string) => void): Promise<void> {
  const durationMs = minutes * 60_000;
  const samples: SoakSample[] = [];
  const options = { idleTimeoutMs: SOAK.idleTimeoutMs };
  await withSession('nestjs-channels', options, 'phoenix-v2', SOAK.connections, async ({ server, clients }) => {
    const batch = await clients.grow(server.baseUrl, SOAK.connections, FANOUT_TOPIC, SOAK.heartbeatMs);
    log(`soak: ${batch.succeeded} joined in ${(batch.ms / 1000).toFixed(1)} s (${batch.failed} failed)`);
    const started = Date.now();
    while (Date.now() - started <= durationMs) {
      const memory = await server.memory();
      const open = await clients.openCount();
      const reached = await measureDeliveries(server, clients, 1, { latency: false }, (timeoutMs) =>
        server.burst(FANOUT_TOPIC, 1, 1, timeoutMs),
      ).then(
        () => true,
        () => false,
      );
      const sample = {
        atS: Math.round((Date.now() - started) / 1000),
        rssMiB: memory.rss / 2 ** 20,
        heapMiB: memory.heapUsed / 2 ** 20,
        open,
        broadcastReachedAll: reached,
      };
      samples.push(sample);
      log(`soak ${sample.atS}s: RSS ${sample.rssMiB.toFixed(1)} MiB, heap ${sample.heapMiB.toFixed(1)} MiB, ${open} open, broadcast ${reached ? 'reached all' : 'INCOMPLETE'}`);
      await sleep(SOAK.sampleEveryMs);
    }
  });
  writeSoakReport(samples, minutes, log);
}

/** What `soak.json` holds; the comparison run's target table quotes it. */
export interface SoakOutcome {
  date: string;
  connections: number;
  minutes: number;
  stable: boolean;
  drift: number;
  samples: SoakSample[];
}

function writeSoakReport(samples: SoakSample[], minutes: number, log: (line: string) => void): void {
  const reference = samples.find((sample) => sample.atS >= 60) ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  const drift = last.rssMiB / reference.rssMiB - 1;
  const allOpen = samples.every((sample) => sample.open === SOAK.connections && sample.broadcastReachedAll);
  const stable = allOpen && Math.abs(drift) <= STABLE_DRIFT;
  const machine = describeMachine();
  const lines = [
    `## Soak: ${SOAK.connections.toLocaleString('en')} joined connections heartbeating for ${minutes} min`,
    '',
    `- Machine: ${machineLine(machine)}`,
    `- RSS from ${reference.atS} s to the end: ${reference.rssMiB.toFixed(1)} -> ${last.rssMiB.toFixed(1)} MiB (${(drift * 100).toFixed(1)}%); ` +
      `every sample with all sockets open and a broadcast reaching all: ${allOpen ? 'yes' : 'no'}`,
    `- Target (RSS stable, within ${STABLE_DRIFT * 100}%, all connected): **${stable ? 'met' : 'not met'}**`,
    '',
    '| t (s) | RSS (MiB) | heap (MiB) | open | broadcast reached all |',
    '| ---: | ---: | ---: | ---: | --- |',
    ...samples.map((s) => `| ${s.atS} | ${s.rssMiB.toFixed(1)} | ${s.heapMiB.toFixed(1)} | ${s.open} | ${s.broadcastReachedAll ? 'yes' : 'no'} |`),
    '',
  ];
  const markdown = lines.join('\n');
  log(`\n${markdown}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'soak.md'), markdown);
  const outcome: SoakOutcome = { date: machine.date, connections: SOAK.connections, minutes, stable, drift, samples };
  writeFileSync(join(RESULTS_DIR, 'soak.json'), `${JSON.stringify(outcome, null, 2)}\n`);
  log(`written: ${join(RESULTS_DIR, 'soak.md')}`);
}
