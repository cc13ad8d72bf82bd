import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Channel,
  ChannelSocket,
  ChannelsModule,
  ChannelsServer,
  formatPosition,
  Join,
  Presence,
  PubSub,
  PUBSUB_ADAPTER,
  type ChannelOptions,
  type PubSubAdapter,
  type Socket,
} from '../../lib/index.js';
import { observabilityModules } from './observability-modules.js';
import { BENCH_HISTORY } from '../config.js';
import { BROADCAST_EVENT, encodeV2Broadcast, MASS_JOIN_TOPIC, PRESENCE_TOPIC } from '../harness/payload.js';
import type { BenchServer, ServerOptions } from './bench-server.interface.js';
import { IDLE_TIMEOUT_MS } from './heartbeats.js';
import { stompMessage } from './ws-prebuilt-stomp.server.js';

/** The library's message ids (a 12-character node prefix, a dash, a counter) are longer than the baseline's `raw-1`. */
const STOMP_ID_EXTRA_BYTES = 10;

/** Presence keys unique across the nodes of a run: this process's id and a counter. */
let presenceKeys = 0;

/**
 * Every `bench:*` topic accepts any join: the bench measures delivery, not authorization. Joins
 * to the presence topic are tracked (the churn scenario), those to the mass-join topic tracked and
 * sent the list; no other join touches Presence. With
 * `options.history`, the topics keep their history.
 */
function benchChannel(options: ChannelOptions) {
  @Channel('bench:*', options)
  class BenchChannel {
    constructor(private readonly presence: Presence) {}

    @Join()
    join(@ChannelSocket() socket: Socket) {
      if (socket.topic === PRESENCE_TOPIC) this.presence.track(socket, `${process.pid}:${presenceKeys++}`);
      if (socket.topic === MASS_JOIN_TOPIC) {
        // As the sample app's rooms do: a key per user, a small meta, the list after the reply.
        this.presence.track(socket, `user${presenceKeys++}`, { online_at: new Date().toISOString() });
        void this.presence.pushState(socket);
      }
      return {};
    }
  }
  return BenchChannel;
}

function pubsubOption(options: ServerOptions) {
  if (!options.pubsub) return {};
  return { pubsub: options.redisPrefix ? { redis: options.pubsub, prefix: options.redisPrefix } : options.pubsub };
}

/** A position as long as the ones this node writes: a node id, an epoch counter and a 4-digit offset. */
const SAMPLE_POSITION = formatPosition({ epoch: `${'x'.repeat(12)}.0`, offset: 1000 });

/** (a) A Nest app with one `@Channel`, broadcasting through the public `ChannelsServer.broadcast`. */
export async function startNestjsChannels(options: ServerOptions): Promise<BenchServer> {
  @Module({
    imports: [
      ChannelsModule.forRoot({
        idleTimeoutMs: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
        checkOrigin: false,
        ...pubsubOption(options),
        ...(options.presence ? { presence: options.presence } : {}),
        // Heart-beats off while measuring, as for the Phoenix clients (see heartbeats.ts).
        ...(options.stomp ? { transports: ['stomp' as const], stomp: { heartbeat: { sendMs: 0, receiveMs: 0 } } } : {}),
        ...(options.compression ? { compression: true } : {}),
      }),
      ...(await observabilityModules(options.observe)),
    ],
    providers: [benchChannel(options.history ? { history: { ...BENCH_HISTORY } } : {})],
  })
  class BenchAppModule {}

  const app = await NestFactory.create(BenchAppModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const channels = app.get(ChannelsServer);
  const presence = app.get(Presence);
  const pubsub = app.get(PubSub);
  const adapter = app.get<PubSubAdapter>(PUBSUB_ADAPTER);
  const heard = new Map<string, number>();
  return {
    port: (app.getHttpServer().address() as { port: number }).port,
    broadcast: (topic, payload) => channels.broadcast(topic, BROADCAST_EVENT, payload),
    messageBytes: (topic, payload) =>
      options.stomp
        ? Buffer.byteLength(stompMessage(topic, payload, 1)) + STOMP_ID_EXTRA_BYTES
        : options.history
        ? Buffer.byteLength(JSON.stringify([null, SAMPLE_POSITION, topic, BROADCAST_EVENT, payload]))
        : Buffer.byteLength(encodeV2Broadcast(topic, BROADCAST_EVENT, payload)),
    presenceCount: async (topic) => {
      const list = await presence.list(topic);
      return Object.values(list).reduce((sum, entry) => sum + entry.metas.length, 0);
    },
    connectionCount: () => channels.connectionCount,
    keepSubscribed: (topic) => {
      if (heard.has(topic)) return;
      heard.set(topic, 0);
      pubsub.subscribe(topic, () => heard.set(topic, heard.get(topic)! + 1));
    },
    heard: (topic) => heard.get(topic) ?? 0,
    historyStore: () => (!options.history ? 'none' : adapter.history ? 'shared' : 'node memory'),
  };
}
