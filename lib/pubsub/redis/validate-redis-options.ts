import { anObject, integerAtLeast, nonEmptyString, type OptionValidator, positiveInteger, rule } from '../../options/option-validator.js';
import { isClusterConnection } from './redis-client.js';
import type { RedisConnection, RedisPubSubOptions } from './redis-pubsub-options.interface.js';

const KNOWN_KEYS = ['redis', 'prefix', 'maxQueuedPublishes', 'clusterSubscriberStallMs'];

const redisOptions = rule<RedisPubSubOptions>('a redis:// URL or { redis, prefix?, maxQueuedPublishes?, clusterSubscriberStallMs? }', anObject.accepts);
const redisUrl = rule<string>('a redis:// or rediss:// URL', (value) => typeof value === 'string' && isRedisUrl(value));
const connection = rule<Exclude<RedisConnection, string>>('a redis:// URL, ioredis options or { cluster: [nodes] }', anObject.accepts);
const milliseconds = rule<number>('a positive integer (ms)', positiveInteger.accepts);

/**
 * Rejects Redis adapter options that cannot work, at boot rather than at the first broadcast:
 * `check` names them, as `RedisPubSubAdapter option "prefix"` or `ChannelsModule option "pubsub.prefix"`.
 */
export function validateRedisPubSubOptions(options: RedisPubSubOptions, check: OptionValidator): void {
  check.check('', options, redisOptions);
  check.knownKeys('', options, KNOWN_KEYS, 'a Redis adapter option');
  validateRedisConnection(options.redis, check, 'redis');
  check.optional('prefix', options.prefix, nonEmptyString, 'It starts every Redis channel name of this app; leave it out for "nestjs-channels:".');
  check.optional('maxQueuedPublishes', options.maxQueuedPublishes, integerAtLeast(0), 'Leave it out for the default, 1000.');
  check.optional('clusterSubscriberStallMs', options.clusterSubscriberStallMs, milliseconds, 'Leave it out for the default, 500.');
}

/** Rejects a `redis` connection (URL, ioredis options, Sentinel or Cluster settings) that cannot work. */
export function validateRedisConnection(given: RedisConnection | undefined, check: OptionValidator, path: string): void {
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (typeof given === 'string') {
    check.check(path, given, redisUrl, 'For example "redis://127.0.0.1:6379", or rediss:// for TLS.');
    return;
  }
  const redis = check.check(path, given, connection, 'For example "redis://127.0.0.1:6379" or { host: "127.0.0.1", port: 6379 }.');
  if (isClusterConnection(redis)) {
    if (!Array.isArray(redis.cluster) || redis.cluster.length === 0) {
      check.fail(at('cluster'), 'must list at least one node', redis.cluster, 'For example [{ host: "127.0.0.1", port: 7000 }].');
    }
    return;
  }
  if (redis.sentinels !== undefined) {
    if (!Array.isArray(redis.sentinels) || redis.sentinels.length === 0) {
      check.fail(at('sentinels'), 'must list at least one sentinel', redis.sentinels, 'For example [{ host: "sentinel-1", port: 26379 }].');
    }
    if (typeof redis.name !== 'string' || redis.name.length === 0) {
      check.fail(at('name'), 'must name the master group when sentinels are given', redis.name, 'For example name: "mymaster".');
    }
  }
}

function isRedisUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'redis:' || protocol === 'rediss:';
  } catch {
    return false;
  }
}
