import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Channel, ChannelSocket, ChannelsModule, ChannelsServer, HandleIn, Join, Payload, Presence, PubSub, type Socket } from '../../lib/index.js';
import type { ChannelsModuleOptions } from '../../lib/index.js';
import { ChannelsRuntime } from '../../lib/channels-runtime.js';
import { serveCommands } from '../harness/ipc.js';
import { GcPauseTally } from './gc-pauses.js';
import { memorySnapshot } from './memory-snapshot.js';

/**
 * The server of the hardening soaks, in a process of its own (`--expose-gc`), driven over IPC.
 * argv[2]: the `ChannelsModule` options as JSON.
 */

/** Joins to `soak:presence:*` are tracked, so the reset soak also counts presences. */
@Channel('soak:*')
class SoakChannel {
  constructor(private readonly presence: Presence) {}

  @Join()
  join(@ChannelSocket() socket: Socket) {
    if (socket.topic.startsWith('soak:presence:')) this.presence.track(socket, `${socket.topic}:${Math.random()}`);
    return {};
  }

  /** The healthy clients' round trip: the reply carries the payload back. */
  @HandleIn('echo')
  echo(@Payload() payload: unknown) {
    return payload;
  }
}

/** Counts of `process.getActiveResourcesInfo()` by kind (Timeout, TCPSocketWrap, ...). */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Wall-clock microseconds comparable across processes of one machine. */
function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ChannelsModuleOptions;

  @Module({ imports: [ChannelsModule.forRoot({ checkOrigin: false, ...options })], providers: [SoakChannel] })
  class SoakAppModule {}

  const app = await NestFactory.create(SoakAppModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const channels = app.get(ChannelsServer);
  const runtime = app.get(ChannelsRuntime);
  const pubsub = app.get(PubSub);
  const presence = app.get(Presence);
  const gcPauses = new GcPauseTally();

  serveCommands(
    {
      /** Memory after a full GC, live counts, and whether anything polluted `Object.prototype`. */
      snapshot: async ({ topics = [] }: { topics?: string[] }) => {
        const memory = await memorySnapshot();
        let presences = 0;
        for (const topic of topics) presences += Object.keys(await presence.list(topic)).length;
        return { ...memory, connections: runtime.connections.size, topics: pubsub.topicCount, presences, resources: activeResources() };
      },
      /** GC pauses since the previous call. */
      gcPauses: () => gcPauses.take(),
      /** Open connections, cheap enough to poll while measuring (no GC). */
      connections: () => runtime.connections.size,
      /** Broadcasts `perTick` messages of `bytes` padding on `topic` every `tickMs` for `durationMs`. */
      paced: ({ topic, perTick, tickMs, durationMs, bytes }: { topic: string; perTick: number; tickMs: number; durationMs: number; bytes: number }) =>
        new Promise<{ sent: number; peakRss: number }>((resolve) => {
          const pad = 'x'.repeat(bytes);
          const started = Date.now();
          let sent = 0;
          let peakRss = 0;
          const timer = setInterval(() => {
            for (let i = 0; i < perTick; i++, sent++) channels.broadcast(topic, 'tick', { at: nowMicros(), pad });
            peakRss = Math.max(peakRss, process.memoryUsage.rss());
            if (Date.now() - started >= durationMs) {
              clearInterval(timer);
              resolve({ sent, peakRss });
            }
          }, tickMs);
        }),
    },
    { port: (app.getHttpServer().address() as { port: number }).port },
  );
}

void main();
