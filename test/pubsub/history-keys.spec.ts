import { historyKeys, metaTtlMs } from '../../lib/pubsub/redis/history-keys.js';

/** What Redis Cluster hashes of a key: the hash tag `{...}` when there is a non-empty one, else the whole key. */
function hashedPart(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  return close === -1 || close === open + 1 ? key : key.slice(open + 1, close);
}

const TOPICS = ['chat:1', 'room:{a}', 'room:a}b', '}x', '}}', '~}}', '~}x', 'x', '{', '{}', 'ünï:cødé'];

describe('history keys', () => {
  test('a topic\'s two keys hash alike (one Cluster slot), by a tag that is never empty', () => {
    for (const topic of TOPICS) {
      const { meta, stream } = historyKeys('app:', topic);
      expect({ topic, meta: hashedPart(meta) }).toEqual({ topic, meta: hashedPart(stream) });
      expect({ topic, hashed: hashedPart(meta) === meta }).toEqual({ topic, hashed: false });
    }
  });

  test('readable keys: prefix, the topic as hash tag, and what each holds', () => {
    expect(historyKeys('nestjs-channels:', 'room:42')).toEqual({ meta: 'nestjs-channels:{room:42}:h', stream: 'nestjs-channels:{room:42}:s' });
  });

  test('no two topics share a key, even those that need the fallback tag', () => {
    const keys = TOPICS.flatMap((topic) => Object.values(historyKeys('app:', topic)));
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('the epoch and offset outlive the stream: a day, or the ttl when longer', () => {
    expect(metaTtlMs(300_000)).toBe(86_400_000);
    expect(metaTtlMs(2 * 86_400_000)).toBe(2 * 86_400_000);
  });
});
