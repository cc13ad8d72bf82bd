import { isClusterConnection } from './redis-client.js';
import type { RedisConnection, RedisPubSubOptions } from './redis-pubsub-options.interface.js';

/** Throws a TypeError naming the option at fault, e.g. `ChannelsModule option "pubsub.redis" ...`. */
export type OptionFailure = (option: string, message: string) => never;

const KNOWN_KEYS = ['redis', 'prefix', 'maxQueuedPublishes', 'clusterSubscriberStallMs'];

/** Rejects Redis adapter options that cannot work, at boot rather than at the first broadcast. */
export function validateRedisPubSubOptions(options: RedisPubSubOptions, fail: OptionFailure, path = ''): void {
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.includes(key)) fail(path + key, `is not a Redis adapter option; known: ${KNOWN_KEYS.join(', ')}`);
  }
  validateConnection(options.redis, fail, `${path}redis`);
  const { prefix, maxQueuedPublishes } = options;
  if (prefix !== undefined && (typeof prefix !== 'string' || prefix.length === 0)) {
    fail(`${path}prefix`, `must be a non-empty string, got ${JSON.stringify(prefix)}`);
  }
  if (maxQueuedPublishes !== undefined && (!Number.isInteger(maxQueuedPublishes) || maxQueuedPublishes < 0)) {
    fail(`${path}maxQueuedPublishes`, `must be an integer >= 0, got ${String(maxQueuedPublishes)}`);
  }
  const { clusterSubscriberStallMs: stallMs } = options;
  if (stallMs !== undefined && (!Number.isInteger(stallMs) || stallMs <= 0)) {
    fail(`${path}clusterSubscriberStallMs`, `must be a positive integer (ms), got ${String(stallMs)}`);
  }
}

function validateConnection(redis: RedisConnection | undefined, fail: OptionFailure, option: string): void {
  if (typeof redis === 'string') {
    if (!isRedisUrl(redis)) fail(option, `must be a redis:// or rediss:// URL, got ${JSON.stringify(redis)}`);
    return;
  }
  if (typeof redis !== 'object' || redis === null || Array.isArray(redis)) {
    fail(option, 'must be a redis:// URL, ioredis options or { cluster: [nodes] }');
  }
  if (isClusterConnection(redis)) {
    if (!Array.isArray(redis.cluster) || redis.cluster.length === 0) fail(`${option}.cluster`, 'must list at least one node');
    return;
  }
  if (redis.sentinels !== undefined) {
    if (!Array.isArray(redis.sentinels) || redis.sentinels.length === 0) fail(`${option}.sentinels`, 'must list at least one sentinel');
    if (typeof redis.name !== 'string' || redis.name.length === 0) fail(`${option}.name`, 'must name the master group when sentinels are given');
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
