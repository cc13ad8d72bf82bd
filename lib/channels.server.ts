import { Injectable } from '@nestjs/common';
import { ChannelsRuntime } from './channels-runtime.js';
import { ControlEvent, ControlTopic } from './protocol/reserved.js';
import { PubSub, type BroadcastSender } from './pubsub/pubsub.js';

/**
 * The server-side API for code outside channels (Phoenix's endpoint functions): broadcast to a
 * topic from any service or controller, and disconnect users by socket id.
 * @publicApi
 */
@Injectable()
export class ChannelsServer {
  /** @internal Made by Nest's injector. */
  constructor(
    private readonly pubsub: PubSub,
    private readonly runtime: ChannelsRuntime,
  ) {}

  /** Sends `event` to every client joined to `topic`, on every node. */
  broadcast(topic: string, event: string, payload: unknown = {}): void {
    this.pubsub.broadcast(topic, event, payload);
  }

  /** Like `broadcast`, except to `sender` (a channel `Socket`). */
  broadcastFrom(sender: BroadcastSender, topic: string, event: string, payload: unknown = {}): void {
    this.pubsub.broadcastFrom(sender, topic, event, payload);
  }

  /** Sends `event` to the clients joined to `topic` on this node only. */
  localBroadcast(topic: string, event: string, payload: unknown = {}): void {
    this.pubsub.localBroadcast(topic, event, payload);
  }

  /**
   * Closes every socket whose socket handler gave it `socketId`, on every node (close code
   * 1001, e.g. on logout). Clients reconnect and go through `connect()` again.
   */
  disconnect(socketId: string): void {
    this.pubsub.publishControl(ControlTopic.socket(socketId), ControlEvent.disconnect, {});
  }

  /** Open connections on this node. */
  get connectionCount(): number {
    return this.runtime.connections.size;
  }

  /** Topics with joined channels on this node. */
  get topicCount(): number {
    return this.runtime.fanout.topicCount;
  }

  /** Whether this node is shutting down (closing its connections, accepting none). */
  get isDraining(): boolean {
    return this.runtime.isDraining;
  }
}
