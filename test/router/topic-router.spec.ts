import { TopicRouter } from '../../lib/router/topic-router.js';
import { expectOptionError, thrownBy } from '../support/thrown.js';

function routerWith(...sources: string[]): TopicRouter<string> {
  const router = new TopicRouter<string>();
  for (const source of sources) router.add(source, `channel for ${source}`);
  return router;
}

describe('TopicRouter', () => {
  test('routes an exact topic and nothing else', () => {
    const router = routerWith('lobby');
    expect(router.match('lobby')).toBe('channel for lobby');
    expect(router.match('lobby:1')).toBeUndefined();
    expect(router.match('other')).toBeUndefined();
  });

  test('routes a wildcard prefix', () => {
    const router = routerWith('room:*');
    expect(router.match('room:42')).toBe('channel for room:*');
    expect(router.match('rooms:42')).toBeUndefined();
  });

  test.each([
    [['room:*', 'room:lobby']],
    [['room:lobby', 'room:*']],
  ])('an exact route wins over a wildcard, whatever the order (%j)', (sources) => {
    const router = routerWith(...sources);
    expect(router.match('room:lobby')).toBe('channel for room:lobby');
    expect(router.match('room:other')).toBe('channel for room:*');
  });

  test.each([
    [['*', 'room:*', 'room:vip:*']],
    [['room:vip:*', 'room:*', '*']],
    [['room:*', '*', 'room:vip:*']],
  ])('the longest wildcard prefix wins, whatever the order (%j)', (sources) => {
    const router = routerWith(...sources);
    expect(router.match('room:vip:1')).toBe('channel for room:vip:*');
    expect(router.match('room:1')).toBe('channel for room:*');
    expect(router.match('lobby')).toBe('channel for *');
  });

  test('"*" alone matches every topic', () => {
    const router = routerWith('*');
    for (const topic of ['a', 'room:1', 'phoenix', 'constructor']) expect(router.match(topic)).toBe('channel for *');
  });

  test('refuses "*" anywhere but the end at add time', () => {
    expectOptionError(() => routerWith('room:*:chat'), '@Channel() topic of channel for room:*:chat may hold "*" only at its end');
  });

  test('a duplicate exact route throws, naming both targets', () => {
    const router = new TopicRouter<{ name: string }>();
    router.add('lobby', { name: 'LobbyChannel' }, (target) => target.name);
    expect(() => router.add('lobby', { name: 'OtherChannel' }, (target) => target.name)).toThrow(
      /"lobby".*LobbyChannel.*OtherChannel/,
    );
    expect(thrownBy(() => router.add('lobby', { name: 'OtherChannel' }))).toMatchObject({ code: 'CHANNELS_ERR_DUPLICATE_ROUTE' });
  });

  test('a duplicate wildcard route throws, naming both targets', () => {
    const router = routerWith('room:*');
    expect(() => router.add('room:*', 'SecondChannel')).toThrow(/"room:\*".*channel for room:\*.*SecondChannel/);
  });

  test('an exact route and a wildcard with the same prefix are not duplicates', () => {
    const router = routerWith('room:', 'room:*');
    expect(router.match('room:')).toBe('channel for room:');
    expect(router.match('room:1')).toBe('channel for room:*');
    expect(router.size).toBe(2);
  });

  test('does not find routes through Object.prototype names', () => {
    const router = routerWith('lobby');
    for (const topic of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(router.match(topic)).toBeUndefined();
  });

  test('counts its routes', () => {
    expect(routerWith().size).toBe(0);
    expect(routerWith('a', 'b:*', '*').size).toBe(3);
  });
});
