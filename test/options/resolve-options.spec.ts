import { resolveOptions } from '../../lib/options/resolve-options.js';
import { BUILT_IN_SERIALIZERS } from '../../lib/serializers/serializer-registry.js';
import { V2JsonSerializer } from '../../lib/serializers/v2-json.serializer.js';
import type { ChannelsModuleOptions } from '../../lib/interfaces/channels-options.interface.js';
import { expectOptionError } from '../support/thrown.js';

describe('resolveOptions: defaults', () => {
  const DEFAULTS = {
    path: '/socket',
    transports: ['websocket'],
    idleTimeoutMs: 60_000,
    serializers: [BUILT_IN_SERIALIZERS['1.0.0'], BUILT_IN_SERIALIZERS['2.0.0']],
    maxFrameSize: 1024 * 1024,
    checkOrigin: true,
    maxChannelsPerSocket: 100,
    rateLimit: { messagesPerSecond: 200, burst: 500 },
    malformedFrameAllowance: { messagesPerSecond: 10, burst: 100 },
  };

  test('applies every default when no options are given', () => {
    expect(resolveOptions()).toMatchObject(DEFAULTS);
    expect(resolveOptions({})).toMatchObject(DEFAULTS);
    expect(resolveOptions().socketHandler).toBeUndefined();
  });

  test('fills in long-poll defaults next to the ones given', () => {
    expect(resolveOptions().longpoll).toMatchObject({ windowMs: 10_000 });
    expect(resolveOptions({ longpoll: { windowMs: 500 } }).longpoll).toMatchObject({
      windowMs: 500,
      maxBodyBytes: resolveOptions().longpoll.maxBodyBytes,
    });
  });

  test('an option set to undefined keeps its default', () => {
    expect(resolveOptions({ path: undefined, idleTimeoutMs: undefined, checkOrigin: undefined })).toMatchObject(DEFAULTS);
  });

  test('compression is off unless asked for; true or a partial object fills in the defaults', () => {
    expect(resolveOptions().compression).toBe(false);
    expect(resolveOptions({ compression: false }).compression).toBe(false);
    expect(resolveOptions({ compression: true }).compression).toEqual({ thresholdBytes: 1024, level: 6 });
    expect(resolveOptions({ compression: { level: 1, thresholdBytes: undefined } }).compression).toEqual({ thresholdBytes: 1024, level: 1 });
  });

  test('user options win over defaults and the input is not changed', () => {
    const options: ChannelsModuleOptions = { path: '/live/', maxChannelsPerSocket: 5, checkOrigin: false, serializers: ['2.0.0'] };
    const before = structuredClone(options);
    expect(resolveOptions(options)).toMatchObject({ path: '/live', maxChannelsPerSocket: 5, checkOrigin: false, serializers: [BUILT_IN_SERIALIZERS['2.0.0']] });
    expect(options).toEqual(before);
  });

  test("serializers: an app's Serializer beside a built-in name, or in place of one", () => {
    class RealtimeSerializer extends V2JsonSerializer {}
    const custom = new RealtimeSerializer();
    expect(resolveOptions({ serializers: ['1.0.0', custom] }).serializers).toEqual([BUILT_IN_SERIALIZERS['1.0.0'], custom]);
    const twice = expectOptionError(() => resolveOptions({ serializers: ['2.0.0', custom] }), 'ChannelsModule option "serializers[1]" serves 2.0.x, as serializers[0] does');
    expect(twice.message).toContain('a custom 2.0.0 one replaces "2.0.0"');
  });

  test.each([
    ['/socket/', '/socket'],
    ['/a/b//', '/a/b'],
    ['/', '/'],
  ])('normalises the path %j to %j', (path, expected) => {
    expect(resolveOptions({ path }).path).toBe(expected);
  });

  test('accepts a socket handler class, an instance, an origin list and a function', () => {
    class Handler {
      connect() {
        return true;
      }
    }
    expect(resolveOptions({ socketHandler: Handler }).socketHandler).toBe(Handler);
    const instance = new Handler();
    expect(resolveOptions({ socketHandler: instance }).socketHandler).toBe(instance);
    expect(resolveOptions({ checkOrigin: ['https://*.example.com'] }).checkOrigin).toEqual(['https://*.example.com']);
    const check = () => true;
    expect(resolveOptions({ checkOrigin: check }).checkOrigin).toBe(check);
  });
});

describe('resolveOptions: invalid options throw a TypeError naming the option', () => {
  const invalid: Array<[string, unknown]> = [
    ['path', 'socket'],
    ['path', ''],
    ['path', '/socket?x=1'],
    ['path', '/socket#x'],
    ['path', '/my socket'],
    ['path', 5],
    ['path', null],
    ['transports', []],
    ['transports', 'websocket'],
    ['transports', ['carrier-pigeon']],
    ['transports', null],
    ['serializers', []],
    ['serializers', ['3.0.0']],
    ['serializers', ['2.0.1']],
    ['serializers', '2.0.0'],
    ['serializers', [{ vsn: '2.0.0' }]],
    ['serializers', [{ ...new V2JsonSerializer(), vsn: '2.x', decode: () => null, encodeReply: () => null, encodeMessage: () => null }]],
    ['idleTimeoutMs', 0],
    ['idleTimeoutMs', -1],
    ['idleTimeoutMs', 1.5],
    ['idleTimeoutMs', Number.NaN],
    ['idleTimeoutMs', Number.POSITIVE_INFINITY],
    ['idleTimeoutMs', '60000'],
    ['maxFrameSize', 0],
    ['maxFrameSize', -1024],
    ['maxFrameSize', '1mb'],
    ['maxChannelsPerSocket', 0],
    ['maxChannelsPerSocket', 2.5],
    ['maxChannelsPerSocket', null],
    ['checkOrigin', 'https://example.com'],
    ['checkOrigin', ['']],
    ['checkOrigin', [42]],
    ['checkOrigin', null],
    ['checkOrigin', 1],
    ['socketHandler', 5],
    ['socketHandler', 'handler'],
    ['socketHandler', {}],
    ['socketHandler', { connect: true }],
    ['socketHandler', null],
    ['rateLimit', true],
    ['rateLimit.messagesPerSecond', 0],
    ['malformedFrameAllowance', true],
    ['malformedFrameAllowance', 10],
    ['malformedFrameAllowance', null],
    ['malformedFrameAllowance.messagesPerSecond', 0.5],
    ['longpoll.windowMs', 0],
    ['longpoll.maxBodyBytes', -1],
    ['longpoll.maxBufferedBytes', 0.5],
    ['longpoll.maxTotalBufferedBytes', 0],
    ['maxTotalUnfinishedBytes', 0],
    ['longpoll.secret', 'too short'],
    ['longpoll.secret', 12345678901234567890],
    ['longpoll', 5],
    ['drain', 'fast'],
    ['drain.batchSize', 0],
    ['presence', []],
    ['presence.deltaBatchMs', -1],
    ['compression', 'gzip'],
    ['compression', 1],
    ['compression.thresholdBytes', 0],
    ['compression.level', 0],
    ['compression.level', 10],
    ['compression.level', 4.5],
    ['compression.windowBits', 10],
  ];

  test.each(invalid)('%s: %p', (option, value) => {
    const [name, nested] = option.split('.');
    const error = expectOptionError(() => resolveOptions({ [name]: nested ? { [nested]: value } : value } as ChannelsModuleOptions), `ChannelsModule option "${option}" `);
    expect(error.message).toContain(', got ');
    expect(error).toMatchObject({ owner: 'ChannelsModule', option });
  });

  test.each([
    [{ idleTimeoutMs: 0 }, 'ChannelsModule option "idleTimeoutMs" must be a positive integer, got 0. Leave it out for the default, 60000.'],
    [{ stomp: { heartbeat: { sendMs: -1 } } }, 'ChannelsModule option "stomp.heartbeat.sendMs" must be an integer of at least 0, got -1. Leave it out for the default, 10000. 0 turns it off.'],
    [{ stomp: { path: 'stomp' } }, 'ChannelsModule option "stomp.path" must be a path that starts with "/" and holds no query, fragment or space, got "stomp". For example "/socket/stomp", the default.'],
    [{ path: undefined, transports: ['carrier-pigeon'] }, 'ChannelsModule option "transports" must be a non-empty list of "websocket", "longpoll" or "stomp", got ["carrier-pigeon"]. Leave it out for the default, ["websocket"].'],
    [{ checkOrigin: 'yes' }, 'ChannelsModule option "checkOrigin" must be a boolean, a list of origins or a function (origin, request) => boolean, got "yes". For example ["https://example.com", "https://*.example.com"].'],
    [{ socketHandler: { connect: true } }, 'ChannelsModule option "socketHandler" must be a class or an object with a connect() method, got { connect: true }. Give a class that implements SocketHandler (an @Injectable() provider), or an instance.'],
    [{ rateLimit: true }, 'ChannelsModule option "rateLimit" must be false or { messagesPerSecond, burst }, got true. Leave it out for the default, { messagesPerSecond: 200, burst: 500 }. false turns it off.'],
    [{ maxFrameSize: 2048, maxTotalUnfinishedBytes: 1024 }, 'ChannelsModule option "maxTotalUnfinishedBytes" must be at least maxFrameSize (2048): a frame that large could never arrive, got 1024.'],
    [{ compression: 'gzip' }, 'ChannelsModule option "compression" must be a boolean or { thresholdBytes, level }, got "gzip". Leave it out (or false) to turn it off; true for the defaults, { thresholdBytes: 1024, level: 6 }.'],
    [{ compression: { level: 11 } }, 'ChannelsModule option "compression.level" must be an integer from 1 to 9, got 11. Leave it out for zlib\'s default, 6.'],
    [{ compression: { threshold: 10 } }, 'ChannelsModule option "compression.threshold" is not an option, got a number. Known: thresholdBytes, level.'],
  ])('the message names the option, shows the value received and says what to do: %j', (options, message) => {
    expect(expectOptionError(() => resolveOptions(options as ChannelsModuleOptions), message).message).toBe(message);
  });

  test('the long-poll secret is never shown, only its length', () => {
    const error = expectOptionError(() => resolveOptions({ longpoll: { secret: 'hunter2' } }), 'must be a string of at least 16 characters, got a string of 7 characters.');
    expect(error.message).not.toContain('hunter2');
  });
});
