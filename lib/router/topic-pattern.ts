import { nonEmptyString, OptionValidator } from '../options/option-validator.js';

const FIX = 'Route an exact topic ("lobby") or a prefix ending in one "*" ("room:*"), and read the rest of the topic in the handler.';

/**
 * A channel route: an exact topic (`"lobby"`) or a prefix ending in one `*` (`"room:*"`),
 * as Phoenix's `channel "room:*", RoomChannel`.
 */
export class TopicPattern {
  readonly prefix: string;
  readonly wildcard: boolean;

  /** @param channel the channel that routes it, named in the error of an impossible pattern. */
  constructor(
    readonly source: string,
    channel?: string,
  ) {
    const check = new OptionValidator(channel ? `@Channel() topic of ${channel}` : '@Channel() topic');
    check.check('', source, nonEmptyString, FIX);
    const star = source.indexOf('*');
    if (star !== -1 && star !== source.length - 1) check.fail('', 'may hold "*" only at its end', source, FIX);
    this.wildcard = star !== -1;
    this.prefix = this.wildcard ? source.slice(0, -1) : source;
  }

  matches(topic: string): boolean {
    return this.wildcard ? topic.startsWith(this.prefix) : topic === this.source;
  }
}
