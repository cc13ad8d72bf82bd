import { ChannelsOptionError } from '../../lib/index.js';
import {
  aBoolean,
  aFunction,
  anObject,
  anyOf,
  integerAtLeast,
  listOf,
  nonEmptyString,
  numberAtLeast,
  oneOf,
  OptionValidator,
  positiveInteger,
  rule,
} from '../../lib/options/option-validator.js';
import { thrownBy } from '../support/thrown.js';

describe('rules', () => {
  test.each([
    [positiveInteger, 'a positive integer', [1, 60_000], [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', null]],
    [integerAtLeast(0), 'an integer >= 0', [0, 3], [-1, 0.5, '0']],
    [numberAtLeast(0), 'a number >= 0', [0, 0.5, 100], [-0.1, Number.NaN, Number.POSITIVE_INFINITY, '1']],
    [nonEmptyString, 'a non-empty string', ['a'], ['', 1, undefined]],
    [aBoolean, 'a boolean', [true, false], [0, 'true']],
    [anObject, 'an object', [{}, { a: 1 }], [null, [], 'x', () => 1]],
    [oneOf(['websocket', 'longpoll']), '"websocket" or "longpoll"', ['websocket', 'longpoll'], ['ws', undefined]],
    [oneOf(['only']), '"only"', ['only'], ['other']],
    [listOf(nonEmptyString, 'a list of names'), 'a list of names', [[], ['a', 'b']], [[''], 'a', [1]]],
    [listOf(nonEmptyString, 'a non-empty list of names', 1), 'a non-empty list of names', [['a']], [[]]],
    [aFunction('a function () => void'), 'a function () => void', [() => undefined, class {}], [{}, 'f']],
    [anyOf(aBoolean, listOf(nonEmptyString, 'a list of origins'), aFunction()), 'a boolean, a list of origins or a function', [true, ['x'], () => true], ['x', 1, null]],
  ])('%#: %s', (checked, expected, valid, invalid) => {
    expect(checked.expected).toBe(expected);
    for (const value of valid as unknown[]) expect(checked.accepts(value)).toBe(true);
    for (const value of invalid as unknown[]) expect(checked.accepts(value)).toBe(false);
  });
});

describe('OptionValidator', () => {
  const options = new OptionValidator('ChannelsModule');

  test('check returns the value when the rule accepts it', () => {
    expect(options.check('idleTimeoutMs', 5, positiveInteger)).toBe(5);
    expect(options.optional('idleTimeoutMs', undefined, positiveInteger)).toBeUndefined();
    expect(options.optional('idleTimeoutMs', 7, positiveInteger)).toBe(7);
  });

  test('a failure reads "<owner> option "<path>" <what is wrong>, got <value>. <fix>"', () => {
    const error = thrownBy(() => options.check('idleTimeoutMs', undefined, positiveInteger, 'Leave it out for the default, 60000.'));
    expect(error).toBeInstanceOf(ChannelsOptionError);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({
      code: 'CHANNELS_ERR_INVALID_OPTION',
      owner: 'ChannelsModule',
      option: 'idleTimeoutMs',
      message: 'ChannelsModule option "idleTimeoutMs" must be a positive integer, got undefined. Leave it out for the default, 60000.',
    });
  });

  test('without a fix the message ends after the value', () => {
    expect(() => options.check('path', 5, nonEmptyString)).toThrow(/^ChannelsModule option "path" must be a non-empty string, got 5\.$/);
  });

  test('optional still rejects null: only undefined means "not given"', () => {
    expect(() => options.optional('path', null, nonEmptyString)).toThrow('got null.');
  });

  test('at() nests paths, and an index joins without a dot', () => {
    const longpoll = options.at('longpoll');
    expect(() => longpoll.check('windowMs', 0, positiveInteger)).toThrow('ChannelsModule option "longpoll.windowMs" must be');
    expect(() => options.at('checkOrigin').fail('[2]', 'is not an origin', 'ftp://x')).toThrow('ChannelsModule option "checkOrigin[2]" is not an origin, got "ftp://x".');
    expect(() => options.at('pubsub').at('redis').fail('cluster', 'must list at least one node', [])).toThrow('"pubsub.redis.cluster"');
    expect(thrownBy(() => longpoll.check('windowMs', 0, positiveInteger))).toMatchObject({ option: 'longpoll.windowMs' });
  });

  test('an empty path names the option the validator is at, or the owner alone', () => {
    expect(() => options.at('pubsub').fail('', 'must be a redis:// URL', 42)).toThrow('ChannelsModule option "pubsub" must be a redis:// URL, got 42.');
    expect(() => new OptionValidator('@Channel() topic').check('', '', nonEmptyString)).toThrow(/^@Channel\(\) topic must be a non-empty string, got ""\.$/);
  });

  test('a rule may show the value its own way, e.g. a secret by its size', () => {
    const secret = rule<string>('a string of at least 16 characters', (value) => typeof value === 'string' && value.length >= 16, () => 'a short string');
    const error = thrownBy(() => options.check('longpoll.secret', 'hunter2', secret));
    expect(error.message).toBe('ChannelsModule option "longpoll.secret" must be a string of at least 16 characters, got a short string.');
  });

  test('knownKeys names an unknown key without showing its value', () => {
    const redis = new OptionValidator('RedisPubSubAdapter');
    expect(() => redis.knownKeys('', { redis: 'redis://x', prefix: 'a:' }, ['redis', 'prefix'])).not.toThrow();
    const error = thrownBy(() => redis.knownKeys('', { redis: 'redis://x', password: 'hunter2' }, ['redis', 'prefix'], 'a Redis adapter option'));
    expect(error.message).toBe('RedisPubSubAdapter option "password" is not a Redis adapter option, got a string. Known: redis, prefix.');
    expect(() => options.knownKeys('drain', { batchsize: 1 }, ['batchSize'])).toThrow('ChannelsModule option "drain.batchsize" is not an option');
  });
});
