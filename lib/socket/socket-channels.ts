/** What the table needs of a channel: the topic it is joined on. */
export interface TopicKeyed {
  readonly topic: string;
}

/**
 * The channels of one connection by topic. Nearly every connection joins one topic: that one is
 * kept in a field, and a Map is made only for a second (an idle connection's empty Map and its
 * backing store cost more than the rest of this object).
 */
export class SocketChannels<T extends TopicKeyed> {
  private first: T | undefined;
  private others: Map<string, T> | undefined;

  get size(): number {
    return (this.first === undefined ? 0 : 1) + (this.others?.size ?? 0);
  }

  get(topic: string): T | undefined {
    return this.first?.topic === topic ? this.first : this.others?.get(topic);
  }

  /** Adds `channel`, which must be the only one on its topic (delete the current one first). */
  add(channel: T): void {
    if (this.first === undefined) this.first = channel;
    else (this.others ??= new Map()).set(channel.topic, channel);
  }

  /** Removes the channel on `topic`, if it is `channel` (or whichever it is, without one). */
  delete(topic: string, channel?: T): void {
    const current = this.get(topic);
    if (current === undefined || (channel !== undefined && current !== channel)) return;
    if (this.first === current) this.first = undefined;
    else this.others!.delete(topic);
    if (this.others?.size === 0) this.others = undefined;
  }

  /** Every channel, the table left empty. */
  takeAll(): T[] {
    const all = this.first === undefined ? [] : [this.first];
    if (this.others !== undefined) all.push(...this.others.values());
    this.first = undefined;
    this.others = undefined;
    return all;
  }
}
