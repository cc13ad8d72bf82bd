import type { BroadcastMessage, PubSubAdapter } from '../../lib/index.js';

/**
 * A test-only network between the PubSubs of several apps in one process: what one node
 * publishes reaches every other node subscribed to the topic, asynchronously, in order, and
 * through JSON as over Redis. A node can be cut off (in both directions) and reconnected, to
 * play a network partition or a killed process.
 */
export class PubSubLink {
  private readonly nodes = new Set<LinkedAdapter>();

  /** A new node's adapter, for `ChannelsModule.forRoot({ pubsub })`. */
  adapter(name: string): LinkedAdapter {
    return new LinkedAdapter(name, this);
  }

  /** Resolves once every message sent so far (and every message that caused) was delivered. */
  async idle(): Promise<void> {
    while ([...this.nodes].some((node) => node.hasPending)) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** @internal */
  attach(node: LinkedAdapter): void {
    this.nodes.add(node);
  }

  /** @internal */
  detach(node: LinkedAdapter): void {
    this.nodes.delete(node);
  }

  /** @internal */
  carry(sender: LinkedAdapter, message: BroadcastMessage): void {
    if (sender.isCut) return;
    const wire = JSON.stringify(message);
    for (const node of this.nodes) {
      if (node !== sender && !node.isCut && node.listensTo(message.topic)) node.receive(wire);
    }
  }
}

export class LinkedAdapter implements PubSubAdapter {
  private readonly topics = new Set<string>();
  private deliver: ((message: BroadcastMessage) => void) | undefined;
  private readonly inbox: string[] = [];
  private draining = false;
  private cut = false;
  /** Messages this node published to the others. */
  published = 0;

  constructor(
    readonly name: string,
    private readonly link: PubSubLink,
  ) {}

  get isCut(): boolean {
    return this.cut;
  }

  /** Stops carrying messages to and from this node; messages in flight are lost. */
  disconnect(): void {
    this.cut = true;
    this.inbox.length = 0;
  }

  reconnect(): void {
    this.cut = false;
  }

  get hasPending(): boolean {
    return this.inbox.length > 0;
  }

  listensTo(topic: string): boolean {
    return this.deliver !== undefined && this.topics.has(topic);
  }

  init(deliver: (message: BroadcastMessage) => void): void {
    this.deliver = deliver;
    this.link.attach(this);
  }

  publish(message: BroadcastMessage): void {
    this.published++;
    this.link.carry(this, message);
  }

  subscribe(topic: string): void {
    this.topics.add(topic);
  }

  unsubscribe(topic: string): void {
    this.topics.delete(topic);
  }

  close(): void {
    this.link.detach(this);
    this.deliver = undefined;
  }

  /** @internal Queues a message from another node; delivered on a later turn, in order. */
  receive(wire: string): void {
    this.inbox.push(wire);
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.draining = false;
    for (const wire of this.inbox.splice(0)) {
      if (this.cut || !this.deliver) return;
      this.deliver(JSON.parse(wire) as BroadcastMessage);
    }
  }
}
