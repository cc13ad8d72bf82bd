import { EventSubscriptions } from '../event-subscriptions.js';
import {
  ChannelsEvents,
  type BroadcastEvent,
  type ChannelHandleInEvent,
  type ChannelJoinEvent,
  type ChannelLeaveEvent,
  type DisconnectReason,
  type MessageOutEvent,
  type PubSubLinkEvent,
  type PubSubLossEvent,
  type SocketDisconnectEvent,
  type SocketOpenEvent,
} from '../events.js';
import type { NodeSnapshot } from './node-snapshot.js';

const RECENT_DISCONNECTS = 20;
const BUSIEST_TOPICS = 5;
/** Topics counted at once: past it, new topics wait for old ones to fade (memory stays bounded). */
const MAX_COUNTED_TOPICS = 10_000;
/** A topic's count halves every this many seconds: "busiest" means busy lately. */
const TOPIC_HALF_LIFE_S = 30;

/** This node's figures, kept from the library's events, for the dashboard. */
export class NodeStats {
  private readonly subscriptions = new EventSubscriptions();
  private readonly sockets = new Map<string, number>();
  private readonly channels = new Map<string, number>();
  /** Client messages and broadcasts per topic, fading with time. */
  private readonly topicMessages = new Map<string, number>();
  private messagesIn = 0;
  private messagesOut = 0;
  private presences = 0;
  private readonly pubsub = { published: 0, received: 0, dropped: 0, missed: 0 };
  private link: PubSubLinkEvent['state'] | undefined;
  private readonly disconnects: NodeSnapshot['recentDisconnects'] = [];
  private windowStart = Date.now();

  constructor(private readonly node: string) {}

  start(): void {
    const add = (map: Map<string, number>, key: string, change: number) => map.set(key, (map.get(key) ?? 0) + change);
    this.subscriptions
      .on<SocketOpenEvent>(ChannelsEvents.socketOpen, ({ transport }) => add(this.sockets, transport, 1))
      .on<SocketDisconnectEvent>(ChannelsEvents.socketDisconnect, ({ transport, reason }) => {
        add(this.sockets, transport, -1);
        this.disconnected(transport, reason);
      })
      .onTrace<ChannelJoinEvent>(ChannelsEvents.channelJoin, { asyncEnd: (event) => event.outcome === 'ok' && add(this.channels, event.channel, 1) })
      .on<ChannelLeaveEvent>(ChannelsEvents.channelLeave, ({ channel }) => add(this.channels, channel, -1))
      .onTrace<ChannelHandleInEvent>(ChannelsEvents.channelHandleIn, { start: ({ topic }) => this.countTopic(topic) })
      .onTrace<BroadcastEvent>(ChannelsEvents.broadcast, { start: ({ topic }) => this.countTopic(topic) })
      .on(ChannelsEvents.messageIn, () => this.messagesIn++)
      .on<MessageOutEvent>(ChannelsEvents.messageOut, () => this.messagesOut++)
      .on(ChannelsEvents.presenceTrack, () => this.presences++)
      .on(ChannelsEvents.presenceUntrack, () => this.presences--)
      .on(ChannelsEvents.pubsubPublish, () => this.pubsub.published++)
      .on(ChannelsEvents.pubsubReceive, () => this.pubsub.received++)
      .on<PubSubLossEvent>(ChannelsEvents.pubsubDrop, ({ count }) => (this.pubsub.dropped += count))
      .on<PubSubLossEvent>(ChannelsEvents.pubsubMiss, ({ count }) => (this.pubsub.missed += count))
      .on<PubSubLinkEvent>(ChannelsEvents.pubsubLink, ({ state }) => (this.link = state));
  }

  stop(): void {
    this.subscriptions.close();
  }

  /** The figures now; the per-interval counts start again. */
  snapshot(linkState: NodeSnapshot['pubsub']['state']): NodeSnapshot {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - this.windowStart) / 1000);
    const busiestTopics = [...this.topicMessages]
      .sort((a, b) => b[1] - a[1])
      .slice(0, BUSIEST_TOPICS)
      .map(([topic, messages]) => ({ topic, messages: Math.round(messages) }));
    this.fadeTopics(seconds);
    const snapshot: NodeSnapshot = {
      node: this.node,
      at: now,
      sockets: Object.fromEntries([...this.sockets].filter(([, count]) => count > 0)),
      channels: Object.fromEntries([...this.channels].filter(([, count]) => count > 0)),
      busiestTopics,
      messagesInPerSecond: this.messagesIn / seconds,
      messagesOutPerSecond: this.messagesOut / seconds,
      presences: this.presences,
      pubsub: { state: this.link ?? linkState, ...this.pubsub },
      recentDisconnects: [...this.disconnects],
    };
    this.messagesIn = 0;
    this.messagesOut = 0;
    this.windowStart = now;
    return snapshot;
  }

  private fadeTopics(seconds: number): void {
    const factor = 0.5 ** (seconds / TOPIC_HALF_LIFE_S);
    for (const [topic, count] of this.topicMessages) {
      const faded = count * factor;
      if (faded < 0.5) this.topicMessages.delete(topic);
      else this.topicMessages.set(topic, faded);
    }
  }

  private countTopic(topic: string): void {
    const count = this.topicMessages.get(topic);
    if (count !== undefined) this.topicMessages.set(topic, count + 1);
    else if (this.topicMessages.size < MAX_COUNTED_TOPICS) this.topicMessages.set(topic, 1);
  }

  private disconnected(transport: string, reason: DisconnectReason): void {
    this.disconnects.unshift({ at: Date.now(), transport, reason });
    if (this.disconnects.length > RECENT_DISCONNECTS) this.disconnects.pop();
  }
}
