import { BROADCAST_EVENT, encodeV2Broadcast } from '../harness/payload.js';
import type { BenchServer } from './bench-server.interface.js';
import { WsTopicServer } from './ws-topic-server.js';

/**
 * (c) of the compression run: `ws` with `perMessageDeflate: true`, as its README shows it, and
 * `send(string)` per socket: each socket's own zlib context compresses every broadcast again
 * (asynchronously, at most 10 at once across the process: ws's `concurrencyLimit`).
 */
export async function startWsDeflate(): Promise<BenchServer> {
  const server = new WsTopicServer({ perMessageDeflate: true });
  const port = await server.listen();
  return {
    port,
    broadcast(topic, payload) {
      const text = encodeV2Broadcast(topic, BROADCAST_EVENT, payload);
      for (const ws of server.subscribers(topic)) ws.send(text);
    },
    messageBytes: (topic, payload) => Buffer.byteLength(encodeV2Broadcast(topic, BROADCAST_EVENT, payload)),
  };
}
