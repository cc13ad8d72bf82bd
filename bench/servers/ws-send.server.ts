import { BROADCAST_EVENT, encodeV2Broadcast } from '../harness/payload.js';
import type { BenchServer } from './bench-server.interface.js';
import { WsTopicServer } from './ws-topic-server.js';

/** (c) What most `ws` code does: encode once, `ws.send(string)` per subscriber. */
export async function startWsSend(): Promise<BenchServer> {
  const server = new WsTopicServer();
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
