import type { BroadcastMessage } from '../../lib/pubsub/broadcast-message.js';
import type { PubSubAdapter } from '../../lib/pubsub/pubsub-adapter.interface.js';

/** A PubSub adapter that records every call; `deliverFromOtherNode` plays a message from another node. */
export class RecordingAdapter implements PubSubAdapter {
  readonly published: BroadcastMessage[] = [];
  readonly subscribed: string[] = [];
  readonly unsubscribed: string[] = [];
  closed = 0;
  failPublish: Error | null = null;
  private deliver: ((message: BroadcastMessage) => void) | null = null;

  init(deliver: (message: BroadcastMessage) => void): void {
    this.deliver = deliver;
  }

  publish(message: BroadcastMessage): void {
    if (this.failPublish) throw this.failPublish;
    this.published.push(message);
  }

  subscribe(topic: string): void {
    this.subscribed.push(topic);
  }

  unsubscribe(topic: string): void {
    this.unsubscribed.push(topic);
  }

  close(): void {
    this.closed++;
  }

  deliverFromOtherNode(message: BroadcastMessage): void {
    if (!this.deliver) throw new Error('init() was not called');
    this.deliver(message);
  }
}
