import { serveCommands } from '../harness/ipc.js';
import { CpuProfiler } from '../servers/cpu-profiler.js';
import { startChannelsInbound } from './channels-inbound.server.js';
import type { InboundServerKind } from './inbound-kinds.js';
import type { InboundServer } from './inbound-server.interface.js';
import { startNestSocketIoGateway, startNestWsGateway } from './nest-gateways.server.js';
import { startRawWsInbound } from './raw-ws-inbound.server.js';

const STARTERS: Record<InboundServerKind, () => Promise<InboundServer>> = {
  'channels-pipe': () => startChannelsInbound(true),
  channels: () => startChannelsInbound(false),
  'nest-ws-pipe': startNestWsGateway,
  'nest-socketio-pipe': startNestSocketIoGateway,
  'raw-ws': startRawWsInbound,
};

/** A server of the inbound scenario in its own process; the runner reads its CPU time over IPC. */
async function main(): Promise<void> {
  const kind = process.argv[2] as InboundServerKind;
  const start = STARTERS[kind];
  if (!start) throw new Error(`unknown inbound server "${kind}"`);
  const server = await start();
  const profiler = new CpuProfiler();
  serveCommands(
    {
      cpu: () => process.cpuUsage(),
      profileStart: () => profiler.start(),
      profileStop: ({ path }: { path: string }) => profiler.stop(path),
    },
    { port: server.port },
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
