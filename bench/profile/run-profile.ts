import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { memoryHeadlineSize, type BenchConfig } from '../config.js';
import { withSession } from '../harness/bench-session.js';
import { describeMachine, machineLine } from '../harness/machine.js';
import { FANOUT_TOPIC, OWN_TOPIC_PREFIX } from '../harness/payload.js';
import type { ServerProcess } from '../harness/server-process.js';
import { formatNumber, sizeLabel } from '../report/format.js';
import { RESULTS_DIR } from '../report/results-dir.js';
import type { DeliveryMeasurement } from '../scenarios/measure-deliveries.js';
import { measureDeliveries } from '../scenarios/measure-deliveries.js';
import { summarizeCpuProfile, type CpuProfile, type FrameShare } from './summarize-cpu-profile.js';

const TOP = 25;
export const PROFILE_DIR = join(os.tmpdir(), 'nestjs-channels-bench');

export function frameTable(title: string, frames: FrameShare[]): string[] {
  return [
    `#### ${title}`,
    '',
    '| self % | total % | function (file:line) |',
    '| ---: | ---: | --- |',
    ...frames.slice(0, TOP).map((f) => `| ${f.selfPercent.toFixed(1)} | ${f.totalPercent.toFixed(1)} | \`${f.frame}\` |`),
    '',
  ];
}

/** Runs `measure` once to warm up, then again under the profiler; returns the report section. */
async function profiled(
  server: ServerProcess,
  title: string,
  measure: () => Promise<DeliveryMeasurement>,
  log: (line: string) => void,
): Promise<string[]> {
  await measure();
  await server.profileStart();
  const measured = await measure();
  const path = await server.profileStop(join(PROFILE_DIR, `${title.replace(/\W+/g, '-')}-${Date.now()}.cpuprofile`));
  const summary = summarizeCpuProfile(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile);
  log(`profiled "${title}": ${formatNumber(measured.perSecond)} deliveries/s, ${path}`);
  return [
    `### ${title}`,
    '',
    `${formatNumber(measured.perSecond)} deliveries/s under the profiler (100 µs sampling slows it), ` +
      `${measured.serverCpuUsPerDelivery.toFixed(2)} µs server CPU per delivery, ` +
      `${(measured.serverKernelShare * 100).toFixed(0)}% of it in the kernel, server busy ` +
      `${(measured.serverBusyShare * 100).toFixed(0)}% of the window; ${summary.sampledMs.toFixed(0)} ms sampled. ` +
      'Time in a native call (a write syscall included) is self time of the frame that made it.',
    '',
    ...frameTable('Top frames by self time', summary.bySelf),
    ...frameTable('Top frames by total time', summary.byTotal),
  ];
}

/**
 * Profiles nestjs-channels with N subscribers (10k, or the largest size asked) under the V8 CPU
 * profiler, one window per hot path: fan-out with 1 and with 10 broadcasts per turn, and
 * point-to-point pushes to one topic per socket. Writes `bench/results/profile.md`.
 */
export async function runProfile(config: BenchConfig, log: (line: string) => void): Promise<void> {
  const n = memoryHeadlineSize(config);
  mkdirSync(PROFILE_DIR, { recursive: true });
  const lines = [`## CPU profile of nestjs-channels (N = ${sizeLabel(n)})`, '', `- Machine: ${machineLine(describeMachine())}`, ''];
  await withSession('nestjs-channels', {}, 'phoenix-v2', n, async ({ server, clients }) => {
    await clients.grow(server.baseUrl, n, FANOUT_TOPIC);
    for (const perTurn of [1, 10]) {
      const turns = Math.max(1, Math.round((config.deliveries * 3) / (n * perTurn)));
      const title = `Fan-out, ${perTurn} broadcast${perTurn > 1 ? 's' : ''} per event-loop turn`;
      const burst = () =>
        measureDeliveries(server, clients, turns * perTurn, { latency: false }, (timeoutMs) =>
          server.burst(FANOUT_TOPIC, turns, perTurn, timeoutMs),
        );
      lines.push(...(await profiled(server, title, burst, log)));
    }
    await clients.joinOwn(OWN_TOPIC_PREFIX);
    const rounds = Math.max(1, Math.round((config.deliveries * 3) / n));
    const pushes = () =>
      measureDeliveries(server, clients, rounds, { latency: false }, (timeoutMs) =>
        server.eachTopic(OWN_TOPIC_PREFIX, 0, n, rounds, timeoutMs),
      );
    lines.push(...(await profiled(server, 'Many topics, one push to each socket’s own topic per turn', pushes, log)));
  });
  const markdown = lines.join('\n');
  log(`\n${markdown}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'profile.md'), markdown);
  log(`written: ${join(RESULTS_DIR, 'profile.md')}`);
}
