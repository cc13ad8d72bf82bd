import { writeHeapSnapshot } from 'node:v8';
import { chatBodies, makePayload } from '../harness/payload.js';
import { serveCommands } from '../harness/ipc.js';
import type { BenchServer, ServerKind, ServerOptions } from './bench-server.interface.js';
import { BroadcastDriver } from './broadcast-driver.js';
import { CpuProfiler } from './cpu-profiler.js';
import { startNestjsChannels } from './nestjs-channels.server.js';
import { startSocketIo } from './socketio.server.js';
import { startWsDeflate } from './ws-deflate.server.js';
import { startWsPrebuilt } from './ws-prebuilt.server.js';
import { startWsPrebuiltStomp } from './ws-prebuilt-stomp.server.js';
import { startWsSend } from './ws-send.server.js';
import { newSpaceBytes, untilYoungGenerationShrunk } from './young-generation.js';

/** Memory after a full GC, in bytes. */
export interface MemorySample {
  rss: number;
  heapUsed: number;
  external: number;
}

/** A `MemorySample` read once V8's young generation has shrunk back (see `young-generation.ts`). */
export interface SettledMemorySample extends MemorySample {
  /** New space when read (about 2 MiB when settled), and how long the wait for it took. */
  newSpace: number;
  waitedMs: number;
}

const STARTERS: Record<ServerKind, (options: ServerOptions) => Promise<BenchServer>> = {
  'nestjs-channels': startNestjsChannels,
  'ws-prebuilt': startWsPrebuilt,
  'ws-send': startWsSend,
  socketio: startSocketIo,
  'nestjs-channels-stomp': (options) => startNestjsChannels({ ...options, stomp: true }),
  'ws-prebuilt-stomp': startWsPrebuiltStomp,
  'ws-deflate': startWsDeflate,
};

function sampleMemory(): MemorySample {
  collectGarbage();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('server process needs --expose-gc');
  // Twice: the first pass can leave objects that only the second finds unreachable (weak refs, finalizers).
  gc();
  gc();
}

async function main(): Promise<void> {
  const kind = process.argv[2] as ServerKind;
  const options = JSON.parse(process.argv[3] ?? '{}') as ServerOptions;
  const start = STARTERS[kind];
  if (!start) throw new Error(`unknown server kind "${kind}"`);
  const server = await start(options);
  const bodies = options.bodyBytes ? chatBodies(options.bodyBytes) : undefined;
  const driver = new BroadcastDriver(server, bodies);
  const profiler = new CpuProfiler();
  serveCommands(
    {
      memory: (): MemorySample => sampleMemory(),
      settledMemory: async (args: { timeoutMs: number }): Promise<SettledMemorySample> => {
        const waitedMs = await untilYoungGenerationShrunk(collectGarbage, args.timeoutMs);
        return { ...sampleMemory(), newSpace: newSpaceBytes(), waitedMs };
      },
      heapSnapshot: (args: { path: string }): string => {
        collectGarbage();
        return writeHeapSnapshot(args.path);
      },
      cpu: () => process.cpuUsage(),
      burst: (args) => driver.burst(args),
      paced: (args) => driver.paced(args),
      eachTopic: (args) => driver.eachTopic(args),
      messageBytes: (args: { topic: string }) => server.messageBytes(args.topic, makePayload(1, bodies?.[0])),
      presenceCount: (args: { topic: string }) => {
        if (!server.presenceCount) throw new Error(`${kind} has no presence`);
        return server.presenceCount(args.topic);
      },
      connectionCount: () => {
        if (!server.connectionCount) throw new Error(`${kind} does not count its connections`);
        return server.connectionCount();
      },
      keepSubscribed: (args: { topic: string }) => {
        if (!server.keepSubscribed) throw new Error(`${kind} has no PubSub to subscribe to`);
        server.keepSubscribed(args.topic);
      },
      heard: (args: { topic: string }) => {
        if (!server.heard) throw new Error(`${kind} has no PubSub to subscribe to`);
        return server.heard(args.topic);
      },
      historyStore: () => {
        if (!server.historyStore) throw new Error(`${kind} keeps no history`);
        return server.historyStore();
      },
      profileStart: () => profiler.start(),
      profileStop: (args: { path: string }) => profiler.stop(args.path),
    },
    { port: server.port, pid: process.pid },
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
