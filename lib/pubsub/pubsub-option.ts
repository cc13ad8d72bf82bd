import type { OptionValidator } from '../options/option-validator.js';
import { InMemoryPubSubAdapter } from './in-memory.adapter.js';
import type { PubSubAdapter } from './pubsub-adapter.interface.js';
import { RedisPubSubAdapter } from './redis/redis-pubsub.adapter.js';
import type { RedisPubSubOptions } from './redis/redis-pubsub-options.interface.js';
import { validateRedisConnection, validateRedisPubSubOptions } from './redis/validate-redis-options.js';

/**
 * The `pubsub` option of `ChannelsModule.forRoot()`: a Redis URL, Redis adapter options, or any
 * `PubSubAdapter` instance. Absent: in-memory (one node).
 * @publicApi
 */
export type PubSubOption = string | RedisPubSubOptions | PubSubAdapter;

const ADAPTER_METHODS = ['init', 'publish', 'subscribe', 'unsubscribe', 'close'] as const;

function isAdapterLike(value: object): boolean {
  return ADAPTER_METHODS.some((method) => typeof (value as Record<string, unknown>)[method] === 'function');
}

/** Rejects a `pubsub` option that cannot work; `check` names the part at fault (`"pubsub.prefix"`). */
export function validatePubSubOption(option: PubSubOption | undefined, check: OptionValidator): void {
  if (option === undefined) return;
  if (typeof option === 'string') {
    validateRedisConnection(option, check, '');
    return;
  }
  if (typeof option !== 'object' || option === null) {
    check.fail('', 'must be a redis:// URL, { redis, prefix?, maxQueuedPublishes? } or a PubSubAdapter instance', option);
  }
  if (isAdapterLike(option)) {
    const missing = ADAPTER_METHODS.filter((method) => typeof (option as unknown as Record<string, unknown>)[method] !== 'function');
    if (missing.length > 0) {
      check.fail('', `looks like a PubSubAdapter but has no ${missing.join(', ')} method`, option, `Implement ${ADAPTER_METHODS.join(', ')}.`);
    }
    return;
  }
  validateRedisPubSubOptions(option as RedisPubSubOptions, check);
}

/** The adapter `option` selects; the Redis one loads ioredis when the module starts. */
export function createPubSubAdapter(option: PubSubOption | undefined): PubSubAdapter {
  if (option === undefined) return new InMemoryPubSubAdapter();
  if (typeof option === 'string') return new RedisPubSubAdapter(option);
  if (isAdapterLike(option)) return option as PubSubAdapter;
  return new RedisPubSubAdapter(option as RedisPubSubOptions);
}
