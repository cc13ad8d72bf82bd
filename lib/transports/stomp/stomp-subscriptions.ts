/** A SUBSCRIBE whose join has not answered yet: it gets the join reply and its receipt. */
export interface WaitingSubscription {
  readonly id: string;
  readonly receipt: string | undefined;
}

/** One joined (or joining) topic of a STOMP connection and the subscriptions that share its join. */
export class StompTopic {
  /**
   * Its subscription ids: nearly always one, kept as is; an array is made for a second (an array
   * of one id cost an idle connection 56 B).
   */
  private idOrIds: string | string[];
  /** Subscriptions waiting for the join reply; null once joined (so an idle connection holds none). */
  waiting: WaitingSubscription[] | null = [];

  constructor(
    readonly topic: string,
    /** The ref of its join: the channel's `joinRef`. */
    readonly joinRef: string,
    firstId: string,
  ) {
    this.idOrIds = firstId;
  }

  /** Its subscription ids in the order they subscribed; a copy when there is one (see {@link only}). */
  get ids(): readonly string[] {
    return typeof this.idOrIds === 'string' ? [this.idOrIds] : this.idOrIds;
  }

  /** Its one subscription id, or undefined when it has several: what a broadcast is written for without an array. */
  get only(): string | undefined {
    return typeof this.idOrIds === 'string' ? this.idOrIds : undefined;
  }

  get size(): number {
    return typeof this.idOrIds === 'string' ? 1 : this.idOrIds.length;
  }

  has(id: string): boolean {
    return typeof this.idOrIds === 'string' ? this.idOrIds === id : this.idOrIds.includes(id);
  }

  add(id: string): void {
    if (typeof this.idOrIds === 'string') this.idOrIds = [this.idOrIds, id];
    else this.idOrIds.push(id);
  }

  /** Removes subscription `id` (which it has); returns whether that was its last. */
  remove(id: string): boolean {
    if (typeof this.idOrIds === 'string') return true;
    this.idOrIds.splice(this.idOrIds.indexOf(id), 1);
    if (this.idOrIds.length === 1) this.idOrIds = this.idOrIds[0]!;
    return false;
  }
}

/** What a ref the session gave a message stands for, until its reply. */
export type PendingRequest =
  | { readonly kind: 'join'; readonly topic: StompTopic }
  | { readonly kind: 'send'; readonly topic: string; readonly receipt: string | undefined }
  | { readonly kind: 'leave'; readonly receipt: string | undefined };

/**
 * The subscriptions of one STOMP connection: subscription ids to topics (one channel per topic,
 * however many subscriptions share it), and the refs of messages awaiting a reply. Nearly every
 * connection subscribes to one topic: that one is kept in a field, and a Map is made only for a
 * second (an idle connection's Maps were a third of what STOMP added to its memory). Ids are
 * found by scanning the topics, at most `maxChannelsPerSocket` of them.
 */
export class StompSubscriptions {
  private first: StompTopic | undefined;
  private others: Map<string, StompTopic> | undefined;
  private pending: Map<string, PendingRequest> | undefined;
  private subscriptionCount = 0;
  private lastRef = 0;

  get size(): number {
    return this.subscriptionCount;
  }

  /** Topics joined or joining. */
  get topicCount(): number {
    return (this.first ? 1 : 0) + (this.others?.size ?? 0);
  }

  nextRef(): string {
    return String(++this.lastRef);
  }

  has(id: string): boolean {
    return this.topicOf(id) !== undefined;
  }

  topicOf(id: string): StompTopic | undefined {
    if (this.first?.has(id)) return this.first;
    if (this.others === undefined) return undefined;
    for (const topic of this.others.values()) if (topic.has(id)) return topic;
    return undefined;
  }

  topic(name: string): StompTopic | undefined {
    return this.first?.topic === name ? this.first : this.others?.get(name);
  }

  /** Adds subscription `id` to `topic`, made with `joinRef` when it is new. */
  subscribe(id: string, name: string, joinRef: () => string): { topic: StompTopic; isNew: boolean } {
    this.subscriptionCount++;
    const existing = this.topic(name);
    if (existing !== undefined) {
      existing.add(id);
      return { topic: existing, isNew: false };
    }
    const topic = new StompTopic(name, joinRef(), id);
    if (this.first === undefined) this.first = topic;
    else (this.others ??= new Map()).set(name, topic);
    return { topic, isNew: true };
  }

  /** Removes subscription `id`; returns its topic, and whether that was its last subscription (then the topic is gone too). */
  unsubscribe(id: string): { topic: StompTopic; last: boolean } | undefined {
    const topic = this.topicOf(id);
    if (topic === undefined) return undefined;
    this.subscriptionCount--;
    const last = topic.remove(id);
    if (topic.waiting) topic.waiting = topic.waiting.filter((waiting) => waiting.id !== id);
    if (last) this.forget(topic);
    return { topic, last };
  }

  /** Forgets `topic` and every subscription to it (its channel ended). */
  drop(topic: StompTopic): void {
    if (this.topic(topic.topic) !== topic) return;
    this.subscriptionCount -= topic.size;
    this.forget(topic);
  }

  expect(ref: string, request: PendingRequest): void {
    (this.pending ??= new Map()).set(ref, request);
  }

  /** The request `ref` stood for; it is answered now. */
  take(ref: string | null): PendingRequest | undefined {
    if (ref === null || this.pending === undefined) return undefined;
    const request = this.pending.get(ref);
    this.pending.delete(ref);
    // Most of the time nothing is pending: an idle connection then holds no Map.
    if (this.pending.size === 0) this.pending = undefined;
    return request;
  }

  private forget(topic: StompTopic): void {
    if (this.first === topic) {
      this.first = undefined;
      return;
    }
    this.others?.delete(topic.topic);
    if (this.others?.size === 0) this.others = undefined;
  }
}
