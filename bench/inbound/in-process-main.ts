import { NestFactory } from '@nestjs/core';
import { ChannelsRuntime } from '../../lib/channels-runtime.js';
import type { TransportConnection } from '../../lib/interfaces/transport.interface.js';
import type { Frame } from '../../lib/protocol/messages.js';
import { selectSerializer } from '../../lib/serializers/serializer-registry.js';
import { INBOUND_BODY, INBOUND_EVENT, INBOUND_TOPIC } from './chat-message.js';
import { inboundAppModule } from './channels-inbound.server.js';

/** Counts the frames the server sends; nothing goes on a network. */
class CountingTransport implements TransportConnection {
  readonly name = 'websocket' as const;
  frames = 0;
  send(_frame: Frame): void {
    this.frames++;
  }
  close(): void {}
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * nestjs-channels' own CPU per client message, with no socket: frames go straight to the
 * connection's frame handler, `batch` per event-loop turn (10, as a pipelining client's arrive; 1
 * as a closed loop's), and the replies are counted. Deterministic enough to compare two versions
 * of the inbound path: `node in-process-main.js [pipe|plain] [messages] [batch]`.
 */
async function main(): Promise<void> {
  const validate = process.argv[2] !== 'plain';
  const messages = Number(process.argv[3] ?? 200_000);
  const batch = Number(process.argv[4] ?? 10);
  const app = await NestFactory.createApplicationContext(inboundAppModule(validate, true), { logger: ['error', 'warn'] });
  const runtime = app.get(ChannelsRuntime, { strict: false });
  const serializer = selectSerializer('2.0.0', runtime.options.serializers)!;
  const info = { transport: 'websocket' as const, headers: {}, address: '127.0.0.1', authToken: undefined, url: '/socket/websocket?vsn=2.0.0' };
  const accepted = (await runtime.authorize({ vsn: '2.0.0' }, info, '2.0.0'))!;
  const transport = new CountingTransport();
  const connection = runtime.open(transport, serializer, accepted);
  connection.handleFrame(Buffer.from(JSON.stringify(['1', '1', INBOUND_TOPIC, 'phx_join', {}])), false);
  await nextTurn();
  const frames = Array.from({ length: batch }, (_, i) => Buffer.from(`["1","${i + 2}","${INBOUND_TOPIC}","${INBOUND_EVENT}",{"body":"${INBOUND_BODY}"}]`));
  const run = async (count: number) => {
    const before = transport.frames;
    const started = process.cpuUsage();
    for (let sent = 0; sent < count; sent += batch) {
      for (const frame of frames) connection.handleFrame(frame, false);
      await nextTurn();
    }
    const used = process.cpuUsage(started);
    if (transport.frames - before !== count) throw new Error(`sent ${count}, got ${transport.frames - before} replies`);
    return (used.user + used.system) / count;
  };
  await run(messages / 4);
  const samples = [await run(messages), await run(messages), await run(messages)];
  console.log(JSON.stringify({ validate, messages, batch, microsPerMessage: samples.map((s) => Number(s.toFixed(2))) }));
  await app.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
