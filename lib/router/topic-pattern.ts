/**
 * A channel route: an exact topic (`"lobby"`) or a prefix ending in one `*` (`"room:*"`),
 * as Phoenix's `channel "room:*", RoomChannel`.
 */
export class TopicPattern {
  readonly prefix: string;
  readonly wildcard: boolean;

  constructor(readonly source: string) {
    if (typeof source !== 'string' || source.length === 0) {
      throw new TypeError('a channel topic pattern must be a non-empty string');
    }
    const star = source.indexOf('*');
    if (star !== -1 && star !== source.length - 1) {
      throw new TypeError(`channel topic pattern "${source}": "*" is only allowed at the end`);
    }
    this.wildcard = star !== -1;
    this.prefix = this.wildcard ? source.slice(0, -1) : source;
  }

  matches(topic: string): boolean {
    return this.wildcard ? topic.startsWith(this.prefix) : topic === this.source;
  }
}
