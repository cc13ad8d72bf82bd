import { describeRedisTarget } from '../../lib/pubsub/redis/redis-client.js';

describe('describeRedisTarget (what the outage logs name)', () => {
  test('a URL keeps its host and hides its password', () => {
    const shown = describeRedisTarget('rediss://app:s3cret@redis.internal:6380/2');
    expect(shown).toContain('redis.internal:6380');
    expect(shown).not.toContain('s3cret');
  });

  test('options, Sentinel and Cluster are named without their credentials', () => {
    expect(describeRedisTarget({ host: 'cache', port: 6390, password: 's3cret' })).toBe('cache:6390');
    expect(describeRedisTarget({ sentinels: [{ host: 's1' }], name: 'mymaster', password: 's3cret' })).toBe('sentinel master "mymaster"');
    expect(describeRedisTarget({ cluster: [{ host: 'n1' }, { host: 'n2' }] })).toBe('cluster (2 startup node(s))');
  });
});
