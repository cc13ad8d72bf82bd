import { StompSubscriptions, StompTopic } from '../../../lib/transports/stomp/stomp-subscriptions.js';

// One topic lives in a field and the others in a Map made for the second: every path between
// the two must find the same subscriptions.

function subscriptions() {
  const subs = new StompSubscriptions();
  const join = (id: string, topic: string) => subs.subscribe(id, topic, () => subs.nextRef());
  return { subs, join };
}

test('the first topic, further topics and shared joins are all found by id and by name', () => {
  const { subs, join } = subscriptions();
  expect(join('sub-0', 'room:a')).toMatchObject({ isNew: true, topic: { topic: 'room:a', ids: ['sub-0'] } });
  expect(join('sub-1', 'room:b').isNew).toBe(true);
  expect(join('sub-2', 'room:a')).toMatchObject({ isNew: false, topic: { ids: ['sub-0', 'sub-2'] } });
  expect(join('sub-3', 'room:c').isNew).toBe(true);
  expect([subs.size, subs.topicCount]).toEqual([4, 3]);
  expect(['sub-0', 'sub-1', 'sub-2', 'sub-3', 'sub-4'].map((id) => subs.topicOf(id)?.topic)).toEqual(['room:a', 'room:b', 'room:a', 'room:c', undefined]);
  expect(subs.has('sub-3')).toBe(true);
  expect(subs.topic('room:b')?.ids).toEqual(['sub-1']);
});

test('unsubscribing the last id of the first topic leaves the others reachable, and a new topic takes its place', () => {
  const { subs, join } = subscriptions();
  join('sub-0', 'room:a');
  join('sub-1', 'room:b');
  expect(subs.unsubscribe('sub-0')).toMatchObject({ last: true, topic: { topic: 'room:a' } });
  expect(subs.topic('room:a')).toBeUndefined();
  expect(subs.topicOf('sub-1')?.topic).toBe('room:b');
  expect(join('sub-2', 'room:c').isNew).toBe(true);
  expect([subs.size, subs.topicCount]).toEqual([2, 2]);
  expect(subs.unsubscribe('nope')).toBeUndefined();
});

test('drop forgets a topic and all its subscriptions; a stale topic object is ignored', () => {
  const { subs, join } = subscriptions();
  const { topic: a } = join('sub-0', 'room:a');
  join('sub-1', 'room:a');
  const { topic: b } = join('sub-2', 'room:b');
  subs.drop(b);
  expect([subs.size, subs.topicCount, subs.has('sub-2')]).toEqual([2, 1, false]);
  subs.drop(b);
  expect(subs.size).toBe(2);
  subs.drop(a);
  expect([subs.size, subs.topicCount, subs.has('sub-0')]).toEqual([0, 0, false]);
});

test('a topic keeps one id as is and an array for more, in the order they subscribed', () => {
  const topic = new StompTopic('room:a', '1', 'sub-0');
  expect([topic.ids, topic.only, topic.size, topic.has('sub-0'), topic.has('sub-1')]).toEqual([['sub-0'], 'sub-0', 1, true, false]);
  topic.add('sub-1');
  topic.add('sub-2');
  expect([topic.ids, topic.only, topic.size, topic.has('sub-2')]).toEqual([['sub-0', 'sub-1', 'sub-2'], undefined, 3, true]);
  expect(topic.remove('sub-0')).toBe(false);
  expect(topic.remove('sub-2')).toBe(false);
  expect([topic.ids, topic.only, topic.size, topic.has('sub-0')]).toEqual([['sub-1'], 'sub-1', 1, false]);
  expect(topic.remove('sub-1')).toBe(true);
});
