import type { BenchConfig } from '../config.js';
import type { ServerKind } from '../servers/bench-server.interface.js';
import { runServerPass, type ServerPassResult } from './server-pass.js';

/** The STOMP comparison's baseline first: raw ws writing one pre-built MESSAGE frame per socket. */
export const STOMP_SERVERS: ServerKind[] = ['ws-prebuilt-stomp', 'nestjs-channels-stomp'];

export interface StompOutcome {
  config: BenchConfig;
  passes: ServerPassResult[];
  seconds: number;
}

/**
 * `--stomp`: nestjs-channels serving STOMP clients against raw ws with pre-built STOMP frames,
 * each pass with fresh processes, the order alternating from pass to pass.
 */
export async function runStomp(config: BenchConfig, log: (line: string) => void): Promise<StompOutcome> {
  const started = Date.now();
  const passes: ServerPassResult[] = [];
  for (let pass = 0; pass < config.passes; pass++) {
    const order = pass % 2 === 0 ? STOMP_SERVERS : [...STOMP_SERVERS].reverse();
    log(`pass ${pass + 1}/${config.passes}: ${order.join(', ')}`);
    for (const kind of order) passes.push(await runServerPass(config, kind, pass, log));
  }
  return { config, passes, seconds: (Date.now() - started) / 1000 };
}
