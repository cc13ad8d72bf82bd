import { SocketChannels } from '../../lib/socket/socket-channels.js';

// One channel lives in a field and the others in a Map made for the second: every path between
// the two must find the same channels.

const channel = (topic: string) => ({ topic });

test('the first channel and further ones are found by topic, and counted', () => {
  const table = new SocketChannels<{ topic: string }>();
  const [a, b, c] = [channel('room:a'), channel('room:b'), channel('room:c')];
  expect([table.size, table.get('room:a')]).toEqual([0, undefined]);
  table.add(a);
  table.add(b);
  table.add(c);
  expect(table.size).toBe(3);
  expect(['room:a', 'room:b', 'room:c', 'room:d'].map((topic) => table.get(topic))).toEqual([a, b, c, undefined]);
});

test('deleting the first channel leaves the others reachable, and a new channel takes its place', () => {
  const table = new SocketChannels<{ topic: string }>();
  const [a, b, c] = [channel('room:a'), channel('room:b'), channel('room:c')];
  table.add(a);
  table.add(b);
  table.delete('room:a');
  expect([table.size, table.get('room:a'), table.get('room:b')]).toEqual([1, undefined, b]);
  table.add(c);
  expect([table.size, table.get('room:c')]).toEqual([2, c]);
  table.delete('room:b');
  table.delete('room:c');
  expect(table.size).toBe(0);
});

test('delete with a channel removes only that channel: a later join of the topic stays', () => {
  const table = new SocketChannels<{ topic: string }>();
  const [old, rejoined, other] = [channel('room:a'), channel('room:a'), channel('room:b')];
  table.add(other);
  table.add(old);
  table.delete('room:a');
  table.add(rejoined);
  table.delete('room:a', old);
  expect(table.get('room:a')).toBe(rejoined);
  table.delete('room:a', rejoined);
  expect([table.size, table.get('room:a')]).toEqual([1, undefined]);
});

test('takeAll returns every channel and empties the table', () => {
  const table = new SocketChannels<{ topic: string }>();
  const [a, b] = [channel('room:a'), channel('room:b')];
  table.add(a);
  table.add(b);
  expect(table.takeAll()).toEqual([a, b]);
  expect([table.size, table.get('room:a'), table.takeAll()]).toEqual([0, undefined, []]);
});
