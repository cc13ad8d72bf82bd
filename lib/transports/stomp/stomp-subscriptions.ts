/** A SUBSCRIBE whose join has not answered yet: it gets the join reply and its receipt. */
export interface WaitingSubscription {
  readonly id: string;
  readonly receipt: string | undefined;
}

/** One joined (or joining) topic of a STOMP connection and the subscriptions that share its join. */
export class StompTopic {
  readonly ids: string[] = [];
  /** Subscriptions waiting for the join reply; null once joined. */
  waiting: WaitingSubscription[] | null = [];

  constructor(
    readonly topic: string,
    /** The ref of its join: the channel's `joinRef`. */
    readonly joinRef: string,
  ) {}
}

/** What a ref the session gave a message stands for, until its reply. */
export type PendingRequest =
  | { readonly kind: 'join'; readonly topic: StompTopic }
  | { readonly kind: 'send'; readonly topic: string; readonly receipt: string | undefined }
  | { readonly kind: 'leave'; readonly receipt: string | undefined };

/**
 * The subscriptions of one STOMP connection: subscription ids to topics (one channel per topic,
 * however many subscriptions share it), and the refs of messages awaiting a reply. Maps are made
 * on first use, so an idle connection holds none.
 */
export class StompSubscriptions {
  private byId: Map<string, StompTopic> | undefined;
  private byTopic: Map<string, StompTopic> | undefined;
  private pending: Map<string, PendingRequest> | undefined;
  private lastRef = 0;

  get size(): number {
    return this.byId?.size ?? 0;
  }

  /** Topics joined or joining. */
  get topicCount(): number {
    return this.byTopic?.size ?? 0;
  }

  nextRef(): string {
    return String(++this.lastRef);
  }

  has(id: string): boolean {
    return this.byId?.has(id) === true;
  }

  topicOf(id: string): StompTopic | undefined {
    return this.byId?.get(id);
  }

  topic(name: string): StompTopic | undefined {
    return this.byTopic?.get(name);
  }

  /** Adds subscription `id` to `topic`, made with `joinRef` when it is new. */
  subscribe(id: string, name: string, joinRef: () => string): { topic: StompTopic; isNew: boolean } {
    this.byId ??= new Map();
    this.byTopic ??= new Map();
    let topic = this.byTopic.get(name);
    const isNew = topic === undefined;
    if (topic === undefined) {
      topic = new StompTopic(name, joinRef());
      this.byTopic.set(name, topic);
    }
    topic.ids.push(id);
    this.byId.set(id, topic);
    return { topic, isNew };
  }

  /** Removes subscription `id`; returns its topic, and whether that was its last subscription (then the topic is gone too). */
  unsubscribe(id: string): { topic: StompTopic; last: boolean } | undefined {
    const topic = this.byId?.get(id);
    if (topic === undefined) return undefined;
    this.byId!.delete(id);
    topic.ids.splice(topic.ids.indexOf(id), 1);
    if (topic.waiting) topic.waiting = topic.waiting.filter((waiting) => waiting.id !== id);
    const last = topic.ids.length === 0;
    if (last) this.byTopic!.delete(topic.topic);
    return { topic, last };
  }

  /** Forgets `topic` and every subscription to it (its channel ended). */
  drop(topic: StompTopic): void {
    if (this.byTopic?.get(topic.topic) !== topic) return;
    this.byTopic.delete(topic.topic);
    for (const id of topic.ids) this.byId!.delete(id);
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
}
