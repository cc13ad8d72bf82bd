import type { BroadcastMessage, PubSubAdapter } from '../../lib/index.js';

/**
 * Joins the PubSubs of several apps in one process, as Redis joins nodes: each adapter delivers
 * another's broadcasts for the topics it subscribed to, asynchronously and through JSON, as a
 * network would. `cut()` isolates an adapter (a network partition) until `heal()`.
 */
export class LinkedPubSubBus {
  private readonly adapters = new Set<LinkedAdapter>();

  adapter(): PubSubAdapter & { cut(): void; heal(): void } {
    return new LinkedAdapter(this.adapters);
  }
}

class LinkedAdapter implements PubSubAdapter {
  private deliver: ((message: BroadcastMessage) => void) | undefined;
  private readonly topics = new Set<string>();
  private isolated = false;

  constructor(private readonly bus: Set<LinkedAdapter>) {}

  init(deliver: (message: BroadcastMessage) => void): void {
    this.deliver = deliver;
    this.bus.add(this);
  }

  publish(message: BroadcastMessage): void {
    if (this.isolated) return;
    const wire = JSON.stringify(message);
    for (const peer of this.bus) {
      if (peer === this || peer.isolated || !peer.topics.has(message.topic)) continue;
      setImmediate(() => peer.deliver?.(JSON.parse(wire) as BroadcastMessage));
    }
  }

  subscribe(topic: string): void {
    this.topics.add(topic);
  }

  unsubscribe(topic: string): void {
    this.topics.delete(topic);
  }

  close(): void {
    this.bus.delete(this);
  }

  cut(): void {
    this.isolated = true;
  }

  heal(): void {
    this.isolated = false;
  }
}
