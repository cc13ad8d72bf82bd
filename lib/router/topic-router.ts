import { ChannelsError } from '../errors/channels.error.js';
import { TopicPattern } from './topic-pattern.js';

interface Route<T> {
  pattern: TopicPattern;
  target: T;
}

/**
 * Finds the channel for a topic. Exact routes win over wildcards, and among wildcards the
 * longest prefix wins, so the answer does not depend on the order channels were discovered in.
 */
export class TopicRouter<T> {
  private readonly exact = new Map<string, Route<T>>();
  private readonly wildcards: Route<T>[] = [];

  add(source: string, target: T, describe: (target: T) => string = String): void {
    const pattern = new TopicPattern(source, describe(target));
    const existing = pattern.wildcard
      ? this.wildcards.find((route) => route.pattern.prefix === pattern.prefix)
      : this.exact.get(source);
    if (existing) {
      throw new ChannelsError(
        'CHANNELS_ERR_DUPLICATE_ROUTE',
        `Channel topic "${source}" is routed twice: by ${describe(existing.target)} and by ${describe(target)}. Give each @Channel() its own topic.`,
      );
    }
    if (pattern.wildcard) {
      this.wildcards.push({ pattern, target });
      this.wildcards.sort((a, b) => b.pattern.prefix.length - a.pattern.prefix.length);
    } else {
      this.exact.set(source, { pattern, target });
    }
  }

  match(topic: string): T | undefined {
    const exact = this.exact.get(topic);
    if (exact) return exact.target;
    return this.wildcards.find((route) => route.pattern.matches(topic))?.target;
  }

  get size(): number {
    return this.exact.size + this.wildcards.length;
  }
}
