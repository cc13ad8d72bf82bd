import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../harness/clock.js';
import { describeMachine, machineLine } from '../harness/machine.js';
import { INBOUND_LABEL, type InboundServerKind } from '../inbound/inbound-kinds.js';
import { InboundClientProcess, InboundServerProcess } from '../inbound/inbound-processes.js';
import { formatNumber } from '../report/format.js';
import { RESULTS_DIR } from '../report/results-dir.js';
import type { InboundConfig } from '../scenarios/inbound.js';
import { frameTable, PROFILE_DIR } from './run-profile.js';
import { summarizeCpuProfile, type CpuProfile } from './summarize-cpu-profile.js';

const PROFILED: InboundServerKind[] = ['channels-pipe', 'channels'];

/** One server at `depth` outstanding per client, profiled over one window after a warm-up. */
async function profileServer(kind: InboundServerKind, depth: number, clientCount: number, config: InboundConfig, log: (line: string) => void): Promise<string[]> {
  const server = await InboundServerProcess.start(kind);
  const clients = await InboundClientProcess.connect(server, clientCount);
  try {
    await clients.start(depth);
    await sleep(config.warmupMs * 2);
    await server.profileStart();
    const [cpuBefore, before] = await Promise.all([server.cpuMicros(), clients.mark()]);
    await sleep(config.windowMs);
    const [cpuAfter, after] = await Promise.all([server.cpuMicros(), clients.mark()]);
    const path = await server.profileStop(join(PROFILE_DIR, `inbound-${kind}-${depth}-${Date.now()}.cpuprofile`));
    const counts = await clients.stop(15_000);
    if (counts.sent !== counts.replied || counts.failed > 0) throw new Error(`${kind}: sent ${counts.sent}, replied ${counts.replied}, ${counts.failed} failed`);
    const replies = after.replies - before.replies;
    const perSecond = replies / ((after.at - before.at) / 1e6);
    const summary = summarizeCpuProfile(JSON.parse(readFileSync(path, 'utf8')) as CpuProfile);
    log(`profiled ${kind} at depth ${depth}: ${formatNumber(perSecond)} replies/s, ${path}`);
    return [
      `### ${INBOUND_LABEL[kind]}, ${depth === 1 ? 'closed loop' : `${depth} outstanding per client`}`,
      '',
      `${formatNumber(perSecond)} replies/s under the profiler (100 µs sampling slows it), ` +
        `${((cpuAfter - cpuBefore) / replies).toFixed(1)} µs server CPU per reply; ${summary.sampledMs.toFixed(0)} ms sampled. ` +
        'Time in a native call (a write syscall included) is self time of the frame that made it.',
      '',
      ...frameTable('Top frames by self time', summary.bySelf),
      ...frameTable('Top frames by total time', summary.byTotal),
    ];
  } finally {
    await clients.close();
    await server.stop();
  }
}

/** `--inbound-profile`: where nestjs-channels' time goes answering pipelined client messages. Writes `bench/results/inbound-profile.md`. */
export async function runInboundProfile(config: InboundConfig, log: (line: string) => void): Promise<void> {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const clientCount = config.clientCounts[0]!;
  const lines = [`## CPU profile of the inbound path (C = ${clientCount})`, '', `- Machine: ${machineLine(describeMachine())}`, ''];
  for (const depth of config.depths) for (const kind of PROFILED) lines.push(...(await profileServer(kind, depth, clientCount, config, log)));
  const markdown = lines.join('\n');
  log(`\n${markdown}`);
  writeFileSync(join(RESULTS_DIR, 'inbound-profile.md'), `${markdown}\n`);
  log(`written: ${join(RESULTS_DIR, 'inbound-profile.md')}`);
}
