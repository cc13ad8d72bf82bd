import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PUBSUB_ADAPTER } from '../channels.tokens.js';
import { ChannelsError } from '../errors/channels.error.js';
import type { HistoryPolicy } from '../history/history-options.js';
import { HistoryPolicies } from '../history/history-policies.js';
import { MemoryHistory } from '../history/memory-history.js';
import type { Position } from '../history/position.js';
import type { Recovery } from '../history/recovery.js';
import type { SharedHistory } from '../history/shared-history.interface.js';
import { NODE_ID, nextSubscriberId, randomNodeId } from '../node-identity.js';
import { isReservedEvent, isReservedTopic } from '../protocol/reserved.js';
import { eventChannels } from '../observability/event-channels.js';
import type { BroadcastMessage, BroadcastOrigin } from './broadcast-message.js';
import type { BroadcastSubscriber } from './broadcast-subscriber.interface.js';
import type { PubSubAdapter } from './pubsub-adapter.interface.js';

/** A plain function subscribed with `PubSub.subscribe()`. @publicApi */
export type BroadcastHandler = (message: BroadcastMessage) => void;

/** Who a `broadcastFrom` excludes: a channel `Socket` or a subscriber id. */
export type BroadcastSender = string | { readonly subscriberId: string };

/**
 * Topic-based publish/subscribe (Phoenix.PubSub). Channels use it for broadcasts; inject it in any
 * service to broadcast from outside a channel. Delivery to this node's subscribers is immediate
 * and in order; other nodes are reached through the configured adapter. On topics whose channel
 * keeps history, every broadcast but the ephemeral ones gets its position: from the adapter's
 * shared history when it has one (then this node delivers it once the store numbered it), else
 * from this node's memory.
 * @publicApi
 */
@Injectable()
export class PubSub implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('PubSub');
  private readonly topics = new Map<string, Map<unknown, BroadcastSubscriber>>();
  private readonly sharedHistory: SharedHistory | undefined;
  /** This node's history, when the adapter shares none. */
  private readonly localHistory: MemoryHistory | undefined;

  // Property injection keeps them out of the public constructor; a PubSub made by hand gets these.
  @Optional() @Inject(NODE_ID) private readonly nodeId: string = randomNodeId();
  @Optional() @Inject(HistoryPolicies) private readonly policies: HistoryPolicies = new HistoryPolicies();

  constructor(@Inject(PUBSUB_ADAPTER) private readonly adapter: PubSubAdapter) {
    this.sharedHistory = adapter.history;
    this.localHistory = this.sharedHistory ? undefined : new MemoryHistory();
  }

  async onModuleInit(): Promise<void> {
    await this.adapter.init((message) => this.received(message), { nodeId: this.nodeId });
  }

  async onApplicationShutdown(): Promise<void> {
    this.localHistory?.close();
    await this.adapter.close();
  }

  /** Calls `handler` with every broadcast on `topic`, from this node or any other. */
  subscribe(topic: string, handler: BroadcastHandler): void;
  /** @internal The library's own subscribers (the channel fan-out, sockets, presence), told the origin. */
  subscribe(topic: string, subscriber: BroadcastSubscriber): void;
  subscribe(topic: string, handler: BroadcastHandler | BroadcastSubscriber): void {
    let subscribers = this.topics.get(topic);
    if (subscribers?.has(handler)) return;
    if (!subscribers) {
      subscribers = new Map();
      this.topics.set(topic, subscribers);
      this.adapter.subscribe(topic);
    }
    subscribers.set(handler, typeof handler === 'function' ? wrapHandler(handler) : handler);
  }

  /** Stops calling `handler` for `topic`. */
  unsubscribe(topic: string, handler: BroadcastHandler): void;
  /** @internal */
  unsubscribe(topic: string, subscriber: BroadcastSubscriber): void;
  unsubscribe(topic: string, handler: BroadcastHandler | BroadcastSubscriber): void {
    const subscribers = this.topics.get(topic);
    if (!subscribers?.delete(handler)) return;
    if (subscribers.size === 0) {
      this.topics.delete(topic);
      this.adapter.unsubscribe(topic);
    }
  }

  /**
   * Sends `event` to every subscriber of `topic` on every node (Phoenix's `Endpoint.broadcast/3`).
   * Throws for a topic or event the library reserves (`phoenix`, `phx:*`, `phx_*`).
   */
  broadcast(topic: string, event: string, payload: unknown): void {
    checkPublicName(topic, event);
    this.publish({ topic, event, payload });
  }

  /** Like `broadcast`, except to `sender` (Phoenix's `broadcast_from/4`). */
  broadcastFrom(sender: BroadcastSender, topic: string, event: string, payload: unknown): void {
    checkPublicName(topic, event);
    this.publish({ topic, event, payload, from: typeof sender === 'string' ? sender : sender.subscriberId });
  }

  /** Sends `event` to the subscribers of `topic` on this node only (never kept in history: it reaches no other node). */
  localBroadcast(topic: string, event: string, payload: unknown): void {
    checkPublicName(topic, event);
    this.dispatch({ topic, event, payload }, 'local');
  }

  /**
   * @internal Like `localBroadcast`, except to `skipped`: presence hands its diffs to the channel
   * fan-out itself, in slices, and to the other subscribers (app handlers, test harness) here.
   */
  localBroadcastBeside(skipped: BroadcastSubscriber, topic: string, event: string, payload: unknown): void {
    checkPublicName(topic, event);
    this.dispatch({ topic, event, payload }, 'local', skipped);
  }

  /**
   * @internal Publishes the library's own node-to-node traffic on a reserved topic
   * (`ControlTopic`), which the public methods refuse.
   */
  publishControl(topic: string, event: string, payload: unknown, from?: BroadcastSender): void {
    if (!isReservedTopic(topic)) throw new Error(`"${topic}" is not a control topic`);
    const message: BroadcastMessage = { topic, event, payload };
    if (from !== undefined) message.from = typeof from === 'string' ? from : from.subscriberId;
    this.publish(message);
  }

  /**
   * @internal For a join on a history topic, once this node subscribed to it: the topic's position
   * (the live stream continues right after it) and the kept broadcasts after `since`.
   */
  recover(topic: string, since: Position | null, policy: HistoryPolicy): Recovery | Promise<Recovery> {
    return this.sharedHistory ? this.sharedHistory.recover(topic, since, policy) : this.localHistory!.recover(topic, since, policy);
  }

  /** Number of local subscribers of `topic`. */
  subscriberCount(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  /** Number of topics with local subscribers. */
  get topicCount(): number {
    return this.topics.size;
  }

  private publish(message: BroadcastMessage): void {
    const policy = this.sharedHistory && this.policies.keeps(message.topic, message.event);
    if (eventChannels.pubsubPublish.hasSubscribers) eventChannels.pubsubPublish.publish({ topic: message.topic, event: message.event });
    try {
      // The store numbers it and hands it back to this node too, positioned.
      if (policy) return this.sharedHistory!.publish(message, policy);
      this.dispatch(this.numbered(message), 'local');
      this.adapter.publish(message);
    } catch (error) {
      // A broadcast never throws into channel code: cross-node delivery is at-most-once.
      this.logger.error(`Could not publish on "${message.topic}" to other nodes: ${String(error)}`);
    }
  }

  /** `message` with its position when this node's memory keeps its topic's history. */
  private numbered(message: BroadcastMessage): BroadcastMessage {
    if (this.localHistory === undefined || message.position !== undefined) return message;
    const policy = this.policies.keeps(message.topic, message.event);
    return policy ? this.localHistory.record(message, policy) : message;
  }

  /** A broadcast the adapter brought from another node (or, on history topics, from the shared history). */
  private received(message: BroadcastMessage): void {
    if (eventChannels.pubsubReceive.hasSubscribers) eventChannels.pubsubReceive.publish({ topic: message.topic, event: message.event });
    this.dispatch(this.numbered(message), 'remote');
  }

  /** Delivers to this node's subscribers. */
  private dispatch(message: BroadcastMessage, origin: BroadcastOrigin, skipped?: BroadcastSubscriber): void {
    const subscribers = this.topics.get(message.topic);
    if (!subscribers) return;
    // Map iteration tolerates subscribers leaving mid-dispatch, so no copy is made per broadcast.
    for (const subscriber of subscribers.values()) {
      if (message.from !== undefined && subscriber.subscriberId === message.from) continue;
      if (subscriber === skipped) continue;
      try {
        subscriber.deliver(message, origin);
      } catch (error) {
        this.logger.error(`A subscriber of "${message.topic}" failed: ${String(error)}`);
      }
    }
  }
}

/** Refuses the names that carry the library's own traffic, so that no app code can forge it. */
function checkPublicName(topic: string, event: string): void {
  if (isReservedTopic(topic)) {
    throw new ChannelsError(
      'CHANNELS_ERR_RESERVED_TOPIC',
      `Cannot broadcast on "${topic}": topics "phoenix", "phx:*" and "phx_*" carry nestjs-channels' own traffic; broadcast on another topic`,
    );
  }
  if (isReservedEvent(event)) {
    throw new ChannelsError(
      'CHANNELS_ERR_RESERVED_EVENT',
      `Cannot broadcast "${event}" on "${topic}": events "phx_*" belong to the Phoenix protocol; name the event otherwise`,
    );
  }
}

function wrapHandler(handler: BroadcastHandler): BroadcastSubscriber {
  // Unique across nodes: a broadcastFrom from another node must never skip a handler here.
  return { subscriberId: nextSubscriberId('handler'), deliver: (message) => handler(message) };
}
