import { InMemoryPubSubAdapter, RedisPubSubAdapter, type PubSubAdapter } from '../../lib/index.js';
import { resolveOptions } from '../../lib/options/resolve-options.js';
import { createPubSubAdapter } from '../../lib/pubsub/pubsub-option.js';
import { expectOptionError } from '../support/thrown.js';

describe('the pubsub option', () => {
  test('absent means in-memory', () => {
    expect(createPubSubAdapter(resolveOptions({}).pubsub)).toBeInstanceOf(InMemoryPubSubAdapter);
  });

  test('a Redis URL or Redis options select the Redis adapter, with the default prefix unless given', () => {
    const byUrl = createPubSubAdapter(resolveOptions({ pubsub: 'redis://127.0.0.1:6379' }).pubsub);
    expect(byUrl).toBeInstanceOf(RedisPubSubAdapter);
    expect((byUrl as RedisPubSubAdapter).prefix).toBe('nestjs-channels:');
    const byOptions = createPubSubAdapter(resolveOptions({ pubsub: { redis: { host: '127.0.0.1' }, prefix: 'app1:' } }).pubsub);
    expect((byOptions as RedisPubSubAdapter).prefix).toBe('app1:');
  });

  test('Sentinel and Cluster settings are accepted as they are', () => {
    expect(() =>
      resolveOptions({ pubsub: { redis: { sentinels: [{ host: 'sentinel-1', port: 26379 }], name: 'mymaster', password: 'x' } } }),
    ).not.toThrow();
    expect(() =>
      resolveOptions({ pubsub: { redis: { cluster: [{ host: '127.0.0.1', port: 7000 }], clusterOptions: { scaleReads: 'master' } } } }),
    ).not.toThrow();
  });

  test('an adapter instance is used as given', () => {
    const adapter: PubSubAdapter = new InMemoryPubSubAdapter();
    expect(createPubSubAdapter(resolveOptions({ pubsub: adapter }).pubsub)).toBe(adapter);
  });

  test.each([
    ['http://127.0.0.1:6379', /"pubsub" must be a redis:\/\/ or rediss:\/\/ URL/],
    [{}, /"pubsub.redis" must be a redis:\/\/ URL, ioredis options/],
    [{ redis: 'localhost:6379' }, /"pubsub.redis" must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ redis: 'redis://x', prefix: '' }, /"pubsub.prefix" must be a non-empty string/],
    [{ redis: 'redis://x', maxQueuedPublishes: -1 }, /"pubsub.maxQueuedPublishes" must be an integer >= 0/],
    [{ redis: { cluster: ['127.0.0.1:7000'] }, clusterSubscriberStallMs: 0 }, /"pubsub.clusterSubscriberStallMs" must be a positive integer \(ms\), got 0/],
    [{ redis: { cluster: ['127.0.0.1:7000'] }, clusterSubscriberStallMs: '1s' }, /"pubsub.clusterSubscriberStallMs" must be a positive integer \(ms\), got "1s"/],
    [{ redis: 'redis://x', prefx: 'typo:' }, /"pubsub.prefx" is not a Redis adapter option, got a string\. Known: redis, prefix/],
    [{ redis: { cluster: [] } }, /"pubsub.redis.cluster" must list at least one node/],
    [{ redis: { sentinels: [{ host: 's' }] } }, /"pubsub.redis.name" must name the master group/],
    [{ publish: () => undefined }, /"pubsub" looks like a PubSubAdapter but has no init, subscribe, unsubscribe, close method/],
    [42, /"pubsub" must be a redis:\/\/ URL/],
  ])('%j fails at boot, naming the option', (pubsub, message) => {
    expectOptionError(() => resolveOptions({ pubsub: pubsub as never }), message);
  });

  test('the adapter validates its own options when constructed directly', () => {
    expectOptionError(
      () => new RedisPubSubAdapter({ redis: 'redis://x', maxQueuedPublishes: 1.5 }),
      'RedisPubSubAdapter option "maxQueuedPublishes" must be an integer >= 0, got 1.5',
    );
    expectOptionError(() => new RedisPubSubAdapter('http://x'), 'RedisPubSubAdapter option "redis" must be a redis:// or rediss:// URL, got "http://x"');
    expectOptionError(() => new RedisPubSubAdapter(undefined as never), /^RedisPubSubAdapter must be a redis:\/\/ URL or \{ redis, prefix\?.*, got undefined\.$/);
  });

  test('a message shows a Redis URL without its password', () => {
    const error = expectOptionError(() => resolveOptions({ pubsub: { redis: 'http://app:s3cret@redis.internal:6379' } }), '"pubsub.redis"');
    expect(error.message).toContain('got "http://app:***@redis.internal:6379"');
    expect(error.message).not.toContain('s3cret');
  });
});
