import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type * as PromClient from 'prom-client';
import { PUBSUB_ADAPTER } from '../../channels.tokens.js';
import { ChannelsServer } from '../../channels.server.js';
import type { PubSubAdapter } from '../../pubsub/pubsub-adapter.interface.js';
import { EventSubscriptions, markStart, secondsSinceStart } from '../event-subscriptions.js';
import {
  ChannelsEvents,
  type BroadcastEvent,
  type ChannelCrashEvent,
  type ChannelHandleInEvent,
  type ChannelJoinEvent,
  type ChannelLeaveEvent,
  type ChannelRecoverEvent,
  type MessageInEvent,
  type MessageOutEvent,
  type PubSubLossEvent,
  type SocketConnectEvent,
  type SocketDisconnectEvent,
  type SocketOpenEvent,
} from '../events.js';
import { loadOptionalPeer } from '../load-optional-peer.js';
import { FrameTally } from './frame-tally.js';
import { defineMetrics, type ChannelsMetricSet } from './metric-definitions.js';
import { CHANNELS_METRICS_OPTIONS } from './channels-metrics.module-definition.js';
import type { ChannelsMetricsOptions } from './metrics-options.js';

const DEFAULT_PREFIX = 'channels_';

/**
 * The Prometheus metrics of this node, kept up to date from the library's events. prom-client
 * is loaded here, at boot, and only when the app imports `ChannelsMetricsModule`.
 */
@Injectable()
export class ChannelsMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly subscriptions = new EventSubscriptions();
  private readonly inbound = new FrameTally();
  private readonly outbound = new FrameTally();
  private registry: PromClient.Registry | undefined;
  private metrics: ChannelsMetricSet | undefined;

  /** @internal Made by Nest's injector. */
  constructor(
    @Inject(CHANNELS_METRICS_OPTIONS) private readonly options: ChannelsMetricsOptions,
    private readonly server: ChannelsServer,
    @Inject(PUBSUB_ADAPTER) private readonly adapter: PubSubAdapter,
  ) {}

  /** @internal */
  async onModuleInit(): Promise<void> {
    const prom = await loadOptionalPeer<typeof PromClient>('prom-client', 'ChannelsMetricsModule');
    const registry = (this.options.registry as PromClient.Registry | undefined) ?? prom.register;
    this.registry = registry;
    const metrics = defineMetrics(prom, this.options.prefix ?? DEFAULT_PREFIX, [registry], this.options.buckets);
    this.metrics = metrics;
    // Read when scraped: a count the library keeps already costs nothing between scrapes.
    const server = this.server;
    const adapter = this.adapter;
    Object.assign(metrics.topics, { collect: () => metrics.topics.set(server.topicCount) });
    Object.assign(metrics.pubsubUp, { collect: () => metrics.pubsubUp.set(adapter.linkStatus === undefined || adapter.linkStatus.state === 'up' ? 1 : 0) });
    const { inbound, outbound } = this;
    Object.assign(metrics.messagesOut, { collect: () => outbound.flush(metrics.messagesOut, ['transport', 'kind'], metrics.bytesOut, 'transport') });
    Object.assign(metrics.bytesOut, { collect: () => outbound.flush(metrics.messagesOut, ['transport', 'kind'], metrics.bytesOut, 'transport') });
    Object.assign(metrics.bytesIn, { collect: () => inbound.flush(null, null, metrics.bytesIn, 'transport') });
    this.follow(metrics);
  }

  /** @internal */
  onModuleDestroy(): void {
    this.subscriptions.close();
    // Unregistered, so that an app started again in the same process (tests) can register them anew.
    if (this.metrics && this.registry) {
      for (const metric of Object.values(this.metrics)) this.registry.removeSingleMetric((metric as unknown as { name: string }).name);
    }
  }

  private follow(m: ChannelsMetricSet): void {
    this.subscriptions
      .onTrace<SocketConnectEvent>(ChannelsEvents.socketConnect, {
        asyncEnd: (event) => m.socketConnects.inc({ transport: event.transport, result: event.outcome }),
      })
      .on<SocketOpenEvent>(ChannelsEvents.socketOpen, (event) => m.sockets.inc({ transport: event.transport }))
      .on<SocketDisconnectEvent>(ChannelsEvents.socketDisconnect, (event) => {
        m.sockets.dec({ transport: event.transport });
        m.socketDisconnects.inc({ transport: event.transport, reason: event.reason });
      })
      .on<MessageInEvent>(ChannelsEvents.messageIn, (event) => this.inbound.count(event.transport, '', event.bytes))
      .on<MessageOutEvent>(ChannelsEvents.messageOut, (event) => this.outbound.count(event.transport, event.kind, event.bytes))
      .onTrace<ChannelJoinEvent>(ChannelsEvents.channelJoin, {
        start: markStart,
        asyncEnd: (event) => {
          m.joins.inc({ channel: event.channel, result: event.outcome });
          m.joinDuration.observe({ channel: event.channel }, secondsSinceStart(event));
          if (event.outcome === 'ok') m.joinedChannels.inc({ channel: event.channel });
        },
      })
      .on<ChannelLeaveEvent>(ChannelsEvents.channelLeave, (event) => m.joinedChannels.dec({ channel: event.channel }))
      .onTrace<ChannelHandleInEvent>(ChannelsEvents.channelHandleIn, {
        start: markStart,
        asyncEnd: (event) => {
          m.messagesIn.inc({ channel: event.channel });
          m.handleInDuration.observe({ channel: event.channel }, secondsSinceStart(event));
        },
      })
      .on<ChannelCrashEvent>(ChannelsEvents.channelCrash, (event) => m.handlerCrashes.inc({ channel: event.channel }))
      .on<ChannelRecoverEvent>(ChannelsEvents.channelRecover, (event) => m.recoveries.inc({ channel: event.channel, outcome: event.outcome }))
      .onTrace<BroadcastEvent>(ChannelsEvents.broadcast, {
        start: markStart,
        end: (event) => m.broadcastDuration.observe(secondsSinceStart(event)),
      })
      .on(ChannelsEvents.pubsubPublish, () => m.pubsubPublished.inc())
      .on(ChannelsEvents.pubsubReceive, () => m.pubsubReceived.inc())
      .on<PubSubLossEvent>(ChannelsEvents.pubsubDrop, (event) => m.pubsubDropped.inc(event.count))
      .on<PubSubLossEvent>(ChannelsEvents.pubsubMiss, (event) => m.pubsubMissed.inc(event.count))
      .on(ChannelsEvents.presenceTrack, () => m.presences.inc())
      .on(ChannelsEvents.presenceUntrack, () => m.presences.dec());
  }
}
