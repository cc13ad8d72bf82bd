import { CoalescedReads } from '../../lib/pubsub/redis/coalesced-reads.js';

/** A read the test answers itself. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('CoalescedReads', () => {
  test('10,000 identical reads asked at once cost one read, and all get its result', async () => {
    const reads = new CoalescedReads(4);
    const answer = deferred<string[]>();
    let calls = 0;
    const read = () => {
      calls++;
      return answer.promise;
    };
    const results = Array.from({ length: 10_000 }, () => reads.read('chat:1\u00003\u00009', read));
    answer.resolve(['m4', 'm5']);
    const answered = await Promise.all(results);
    expect(calls).toBe(1);
    expect(new Set(answered).size).toBe(1);
    expect(answered[0]).toEqual(['m4', 'm5']);
  });

  test('different keys read separately; a key read again once settled reads again', async () => {
    const reads = new CoalescedReads(4);
    const calls: string[] = [];
    const read = (key: string) => reads.read(key, async () => (calls.push(key), key));
    await Promise.all([read('a'), read('b'), read('a')]);
    await read('a');
    expect(calls).toEqual(['a', 'b', 'a']);
  });

  test('at most maxConcurrent reads run at a time; the others start in order as slots free up', async () => {
    const reads = new CoalescedReads(2);
    const answers = [0, 1, 2, 3, 4].map(() => deferred<number>());
    const started: number[] = [];
    const results = answers.map((answer, n) =>
      reads.read(`k${n}`, () => {
        started.push(n);
        return answer.promise;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    expect({ active: reads.active, queued: reads.queued }).toEqual({ active: 2, queued: 3 });
    answers[1]!.resolve(1);
    await settle();
    expect(started).toEqual([0, 1, 2]);
    answers[0]!.reject(new Error('gone'));
    await settle();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const answer of answers.slice(2)) answer.resolve(0);
    await Promise.allSettled(results);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect({ active: reads.active, queued: reads.queued }).toEqual({ active: 0, queued: 0 });
  });

  test('a failure reaches every caller that shared the read, and the next read tries again', async () => {
    const reads = new CoalescedReads(1);
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error('Redis is unreachable'));
    };
    const shared = [reads.read('k', failing), reads.read('k', failing)];
    for (const result of await Promise.allSettled(shared)) expect(result).toMatchObject({ status: 'rejected' });
    await expect(reads.read('k', async () => 'back')).resolves.toBe('back');
    expect(calls).toBe(1);
  });
});
