import { nowMicros } from '../harness/clock.js';
import { serveCommands } from '../harness/ipc.js';
import type { InboundProtocol } from './inbound-kinds.js';
import { RequestLoop, type LoopCounts } from './request-loop.js';
import { openRequester } from './requesters.js';

/** Connections opened at once while connecting. */
const CONNECT_CONCURRENCY = 50;

let loop = new RequestLoop();

/** Opens `count` connections (joined, for Phoenix), `CONNECT_CONCURRENCY` at a time. */
async function connect({ url, protocol, count }: { url: string; protocol: InboundProtocol; count: number }): Promise<{ ms: number }> {
  const started = Date.now();
  for (let first = 0; first < count; first += CONNECT_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(CONNECT_CONCURRENCY, count - first) }, () => openRequester(protocol, url, loop.onReply));
    for (const requester of await Promise.all(batch)) loop.add(requester);
  }
  return { ms: Date.now() - started };
}

/** The client side of the inbound scenario, in its own process pinned to the clients' core. */
serveCommands(
  {
    connect,
    start: ({ depth }: { depth: number }) => loop.start(depth),
    /** The replies so far and when (µs, the shared clock): the runner takes two marks around its window. */
    mark: () => ({ replies: loop.replies, at: nowMicros() }),
    stop: ({ timeoutMs }: { timeoutMs: number }): Promise<LoopCounts> => loop.stop(timeoutMs),
    close: () => {
      loop.close();
      loop = new RequestLoop();
    },
  },
  null,
);
