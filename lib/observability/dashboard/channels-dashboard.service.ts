import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PUBSUB_ADAPTER } from '../../channels.tokens.js';
import { NODE_ID } from '../../node-identity.js';
import { ControlTopic } from '../../protocol/reserved.js';
import type { BroadcastMessage } from '../../pubsub/broadcast-message.js';
import type { PubSubAdapter } from '../../pubsub/pubsub-adapter.interface.js';
import { PubSub } from '../../pubsub/pubsub.js';
import { ReservedChannels } from '../../router/reserved-channels.js';
import { DashboardChannel } from './dashboard-channel.js';
import { DashboardGrants } from './dashboard-grant.js';
import type { ChannelsDashboardOptions } from './dashboard-options.js';
import { NodeStats } from './node-stats.js';
import type { DashboardNode, NodeSnapshot } from './node-snapshot.js';

export const CHANNELS_DASHBOARD_OPTIONS = Symbol('CHANNELS_DASHBOARD_OPTIONS');
const SNAPSHOT_EVENT = 'snapshot';
/** A node not heard from for this many intervals has left the dashboard. */
const SILENT_INTERVALS = 5;

/** What the page receives: every node heard from recently, this one included. @publicApi */
export interface DashboardView {
  intervalMs: number;
  nodes: DashboardNode[];
}

/**
 * Every node sends its figures to all the others on a reserved topic, once per interval, so the
 * dashboard of any node shows the whole cluster; it goes through the app's own PubSub (Redis).
 * The pages open on this node joined the reserved `phx_dashboard` topic (with the grant their
 * guarded page embeds) and get the cluster view pushed at the same interval.
 */
@Injectable()
export class ChannelsDashboard implements OnApplicationBootstrap, OnModuleDestroy {
  readonly subscriberId = 'channels-dashboard';
  private readonly stats: NodeStats;
  private readonly nodes = new Map<string, DashboardNode>();
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly historyLength: number;
  /** Signs the grants the page embeds and its join presents. */
  readonly grants: DashboardGrants;
  private readonly channel: DashboardChannel;

  constructor(
    @Inject(CHANNELS_DASHBOARD_OPTIONS) options: ChannelsDashboardOptions,
    @Inject(NODE_ID) nodeId: string,
    private readonly pubsub: PubSub,
    @Inject(PUBSUB_ADAPTER) private readonly adapter: PubSubAdapter,
    private readonly reservedChannels: ReservedChannels,
  ) {
    this.stats = new NodeStats(options.nodeName ?? nodeId);
    this.intervalMs = options.intervalMs ?? 1000;
    this.historyLength = options.historyLength ?? 300;
    this.grants = new DashboardGrants(options.secret);
    this.channel = new DashboardChannel(this.grants, () => this.view());
  }

  /** After every `onModuleInit`: the PubSub adapter is connected by then. */
  onApplicationBootstrap(): void {
    this.stats.start();
    this.reservedChannels.add(this.channel.topic, this.channel.definition);
    this.pubsub.subscribe(ControlTopic.dashboard, this);
    this.timer = setInterval(() => this.send(), this.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.stats.stop();
    this.reservedChannels.remove(this.channel.topic, this.channel.definition);
    this.pubsub.unsubscribe(ControlTopic.dashboard, this);
  }

  /** Every node heard from recently, this one included, by name. */
  view(): DashboardView {
    const oldest = Date.now() - SILENT_INTERVALS * this.intervalMs;
    for (const [node, entry] of this.nodes) if (entry.latest.at < oldest) this.nodes.delete(node);
    return { intervalMs: this.intervalMs, nodes: [...this.nodes.values()].sort((a, b) => a.latest.node.localeCompare(b.latest.node)) };
  }

  /** A snapshot from a node (this one's too: a broadcast is delivered to its own node). */
  deliver(message: BroadcastMessage): void {
    if (message.event !== SNAPSHOT_EVENT) return;
    const snapshot = message.payload as NodeSnapshot;
    let entry = this.nodes.get(snapshot.node);
    if (!entry) {
      entry = { latest: snapshot, rates: [] };
      this.nodes.set(snapshot.node, entry);
    }
    entry.latest = snapshot;
    entry.rates.push([snapshot.at, snapshot.messagesInPerSecond, snapshot.messagesOutPerSecond]);
    if (entry.rates.length > this.historyLength) entry.rates.shift();
  }

  private send(): void {
    const link = this.adapter.linkStatus?.state ?? 'in-memory';
    this.pubsub.publishControl(ControlTopic.dashboard, SNAPSHOT_EVENT, this.stats.snapshot(link));
    this.channel.pushView(() => this.view());
  }
}
