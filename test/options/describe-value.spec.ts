import { describeKind, describeSecret, describeValue } from '../../lib/options/describe-value.js';

describe('describeValue', () => {
  class Handler {}
  function named() {}

  test.each([
    [undefined, 'undefined'],
    [null, 'null'],
    [0, '0'],
    [-1.5, '-1.5'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [true, 'true'],
    [10n, '10n'],
    ['', '""'],
    ['socket', '"socket"'],
    ['say "hi"', '"say \\"hi\\""'],
    [[], '[]'],
    [['carrier-pigeon'], '["carrier-pigeon"]'],
    [[1, [2], { a: 1 }, 4, 5], '[1, […], {…}, … 2 more]'],
    [{}, '{}'],
    [{ connect: true }, '{ connect: true }'],
    [{ a: 1, 'b-c': 'x', d: null, e: 2 }, '{ a: 1, "b-c": "x", d: null, … 1 more }'],
    [new Map(), 'an instance of Map'],
    [Object.create(null), '{}'],
    [Handler, 'class Handler'],
    [named, 'function named'],
    [Symbol('s'), 'Symbol(s)'],
  ])('%p reads %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });

  test('an anonymous function or class says so', () => {
    expect(describeValue([() => 1][0])).toBe('an anonymous function');
    expect(describeValue([class {}][0])).toBe('an anonymous class');
  });

  test('a long string is cut short', () => {
    expect(describeValue('x'.repeat(100))).toBe(`"${'x'.repeat(60)}…"`);
  });

  test('a URL shows without its password', () => {
    expect(describeValue('redis://app:s3cret@redis.internal:6379/0')).toBe('"redis://app:***@redis.internal:6379/0"');
    expect(describeValue('rediss://:s3cret@host')).toBe('"rediss://:***@host"');
    expect(describeValue('redis://host:6379')).toBe('"redis://host:6379"');
  });
});

describe('describeKind and describeSecret never show the value', () => {
  test.each([
    ['hunter2', 'a string', 'a string of 7 bytes'],
    [new Uint8Array(5), 'an object', 'a Uint8Array of 5 bytes'],
    [Buffer.from('é'), 'an object', 'a Buffer of 2 bytes'],
    [42, 'a number', 'a number'],
    [undefined, 'undefined', 'undefined'],
    [null, 'null', 'null'],
    [['x'], 'an array', 'an array'],
  ])('%p', (value, kind, secret) => {
    expect(describeKind(value)).toBe(kind);
    expect(describeSecret(value)).toBe(secret);
  });
});
