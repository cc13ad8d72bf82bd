import { TopicPattern } from '../../lib/router/topic-pattern.js';
import { expectOptionError } from '../support/thrown.js';

describe('TopicPattern', () => {
  test('an exact pattern matches only its own topic', () => {
    const pattern = new TopicPattern('lobby');
    expect(pattern).toMatchObject({ wildcard: false, prefix: 'lobby', source: 'lobby' });
    expect(pattern.matches('lobby')).toBe(true);
    expect(pattern.matches('lobby:1')).toBe(false);
    expect(pattern.matches('lobb')).toBe(false);
    expect(pattern.matches('Lobby')).toBe(false);
  });

  test('a trailing * matches every topic with the prefix, the bare prefix included', () => {
    const pattern = new TopicPattern('room:*');
    expect(pattern).toMatchObject({ wildcard: true, prefix: 'room:' });
    expect(pattern.matches('room:1')).toBe(true);
    expect(pattern.matches('room:a:b')).toBe(true);
    expect(pattern.matches('room:')).toBe(true);
    expect(pattern.matches('room')).toBe(false);
    expect(pattern.matches('rooms:1')).toBe(false);
    expect(pattern.matches('xroom:1')).toBe(false);
  });

  test('"*" alone matches every topic', () => {
    const pattern = new TopicPattern('*');
    for (const topic of ['a', 'room:1', 'phoenix', '*', '__proto__']) expect(pattern.matches(topic)).toBe(true);
  });

  test('treats regular-expression characters literally', () => {
    const pattern = new TopicPattern('a.b+*');
    expect(pattern.matches('a.b+1')).toBe(true);
    expect(pattern.matches('axbb1')).toBe(false);
  });

  test.each(['room:*:messages', '*room', 'ro*om', 'room:**', '**'])('refuses "*" anywhere but the end: %s', (source) => {
    expectOptionError(() => new TopicPattern(source), `@Channel() topic may hold "*" only at its end, got "${source}".`);
    expectOptionError(() => new TopicPattern(source, 'RoomChannel'), `@Channel() topic of RoomChannel may hold "*" only at its end`);
  });

  test.each([[''], [undefined], [null], [5]])('refuses the non-pattern %j', (source) => {
    expectOptionError(() => new TopicPattern(source as any), '@Channel() topic must be a non-empty string, got');
  });
});
