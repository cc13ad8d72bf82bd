import type { ChannelsModuleOptions, ResolvedChannelsOptions, StompOptions } from '../interfaces/channels-options.interface.js';
import type { SerializerVersion } from '../serializers/serializer.interface.js';
import { endpointPath } from '../transports/endpoint-path.js';
import { validatePubSubOption } from '../pubsub/pubsub-option.js';
import { checkHistoryOptions } from '../history/history-options.js';
import { resolvePresenceOptions } from '../presence/presence-options.js';
import { checkSerializers } from './serializers-option.js';
import { resolveCompressionOption } from './compression-option.js';
import { describeKind, describeValue } from './describe-value.js';
import { aBoolean, aFunction, anObject, anyOf, listOf, nonEmptyString, oneOf, OptionValidator, positiveInteger, rule } from './option-validator.js';

const DEFAULTS: Omit<ResolvedChannelsOptions, 'socketHandler' | 'pubsub' | 'presence' | 'history' | 'stomp' | 'serializers'> & { serializers: SerializerVersion[] } = {
  compression: false,
  compileValidationPipes: true,
  path: '/socket',
  transports: ['websocket'],
  idleTimeoutMs: 60_000,
  serializers: ['1.0.0', '2.0.0'],
  maxFrameSize: 1024 * 1024,
  checkOrigin: true,
  maxChannelsPerSocket: 100,
  longpoll: { windowMs: 10_000, maxBodyBytes: 1024 * 1024, maxBufferedBytes: 4 * 1024 * 1024, maxTotalBufferedBytes: 128 * 1024 * 1024 },
  rateLimit: { messagesPerSecond: 200, burst: 500 },
  joinRateLimit: { messagesPerSecond: 5, burst: 100 },
  malformedFrameAllowance: { messagesPerSecond: 10, burst: 100 },
  byteRateLimit: { bytesPerSecond: 1024 * 1024, burstBytes: 8 * 1024 * 1024 },
  maxPayloadDepth: 32,
  maxOutboundBufferBytes: 1024 * 1024,
  maxTotalUnfinishedBytes: 64 * 1024 * 1024,
  drain: { batchSize: 1000, batchIntervalMs: 50 },
};

const AVAILABLE_TRANSPORTS = ['websocket', 'longpoll', 'stomp'] as const;
const STOMP_DEFAULTS = { connectTimeoutMs: 10_000, maxHeaders: 64, maxHeaderBytes: 8 * 1024 };
const STOMP_HEARTBEAT_DEFAULTS = { sendMs: 10_000, receiveMs: 10_000 };
const MIN_LONGPOLL_SECRET = 16;

const socketPath = rule<string>(
  'a path that starts with "/" and holds no query, fragment or space',
  (value) => typeof value === 'string' && /^\/[^?#\s]*$/.test(value),
);
const transport = oneOf(AVAILABLE_TRANSPORTS);
const transports = listOf(transport, `a non-empty list of ${transport.expected}`, 1);
const tokenBucket = rule<object | false>('false or { messagesPerSecond, burst }', (value) => value === false || anObject.accepts(value));
const byteBucket = rule<{ bytesPerSecond: number; burstBytes: number } | false>(
  'false or { bytesPerSecond, burstBytes }',
  (value) => value === false || anObject.accepts(value),
);
const originCheck = anyOf(aBoolean, listOf(nonEmptyString, 'a list of origins'), aFunction('a function (origin, request) => boolean'));
const socketHandler = rule<object>(
  'a class or an object with a connect() method',
  (value) => typeof value === 'function' || typeof (value as { connect?: unknown } | null)?.connect === 'function',
);
const longpollSecret = rule<string>(
  `a string of at least ${MIN_LONGPOLL_SECRET} characters`,
  (value) => typeof value === 'string' && value.length >= MIN_LONGPOLL_SECRET,
  (value) => (typeof value === 'string' ? `a string of ${value.length} characters` : describeKind(value)),
);

function orDefault(value: unknown): string {
  return `Leave it out for the default, ${describeValue(value)}.`;
}

/** Applies defaults and rejects impossible options at boot, naming the option at fault. */
export function resolveOptions(options: ChannelsModuleOptions = {}): ResolvedChannelsOptions {
  const check = new OptionValidator('ChannelsModule');
  for (const group of ['longpoll', 'drain', 'presence', 'stomp'] as const) check.optional(group, options[group], anObject);
  const resolved = { ...DEFAULTS, ...stripUndefined(options) } as ResolvedChannelsOptions;
  resolved.longpoll = { ...DEFAULTS.longpoll, ...stripUndefined(options.longpoll ?? {}) };
  resolved.drain = { ...DEFAULTS.drain, ...stripUndefined(options.drain ?? {}) };
  const path = check.check('path', resolved.path, socketPath, 'For example "/socket", the default.');
  resolved.path = path.length > 1 ? path.replace(/\/+$/, '') : path;
  check.check('transports', resolved.transports, transports, orDefault(DEFAULTS.transports));
  resolved.stomp = resolveStompOptions(options.stomp ?? {}, resolved.path, check.at('stomp'));
  resolved.serializers = checkSerializers(check, options.serializers ?? DEFAULTS.serializers, orDefault(DEFAULTS.serializers));
  for (const name of ['idleTimeoutMs', 'maxFrameSize', 'maxChannelsPerSocket', 'maxOutboundBufferBytes', 'maxPayloadDepth', 'maxTotalUnfinishedBytes'] as const) {
    check.check(name, resolved[name], positiveInteger, orDefault(DEFAULTS[name]));
  }
  if (resolved.maxTotalUnfinishedBytes < resolved.maxFrameSize) {
    check.fail('maxTotalUnfinishedBytes', `must be at least maxFrameSize (${resolved.maxFrameSize}): a frame that large could never arrive`, resolved.maxTotalUnfinishedBytes);
  }
  for (const name of ['batchSize', 'batchIntervalMs'] as const) {
    check.at('drain').check(name, resolved.drain[name], positiveInteger, orDefault(DEFAULTS.drain[name]));
  }
  for (const name of ['rateLimit', 'joinRateLimit', 'malformedFrameAllowance'] as const) {
    const bucket = check.check(name, resolved[name], tokenBucket, `${orDefault(DEFAULTS[name])} false turns it off.`);
    if (bucket === false) continue;
    for (const field of ['messagesPerSecond', 'burst'] as const) {
      check.at(name).check(field, (bucket as Record<string, unknown>)[field], positiveInteger);
    }
  }
  const bytes = check.check('byteRateLimit', resolved.byteRateLimit, byteBucket, `${orDefault(DEFAULTS.byteRateLimit)} false turns it off.`);
  if (bytes !== false) {
    check.at('byteRateLimit').check('bytesPerSecond', bytes.bytesPerSecond, positiveInteger);
    const burst = check.at('byteRateLimit').check('burstBytes', bytes.burstBytes, positiveInteger);
    if (burst < resolved.maxFrameSize) {
      check.at('byteRateLimit').fail('burstBytes', `must be at least maxFrameSize (${resolved.maxFrameSize}): a frame that large could never pass`, burst);
    }
  }
  for (const name of ['windowMs', 'maxBodyBytes', 'maxBufferedBytes', 'maxTotalBufferedBytes'] as const) {
    check.at('longpoll').check(name, resolved.longpoll[name], positiveInteger, orDefault(DEFAULTS.longpoll[name]));
  }
  const secretFix = 'Give every node the same random secret, e.g. randomBytes(32).toString("base64url").';
  check.at('longpoll').optional('secret', resolved.longpoll.secret, longpollSecret, secretFix);
  check.check('compileValidationPipes', resolved.compileValidationPipes, aBoolean, orDefault(DEFAULTS.compileValidationPipes));
  check.check('checkOrigin', resolved.checkOrigin, originCheck, 'For example ["https://example.com", "https://*.example.com"].');
  resolved.compression = resolveCompressionOption(resolved.compression, check);
  if (resolved.presence !== undefined) resolvePresenceOptions(resolved.presence, check.at('presence'));
  if (resolved.history !== undefined) checkHistoryOptions(resolved.history, check.at('history'));
  const handlerFix = 'Give a class that implements SocketHandler (an @Injectable() provider), or an instance.';
  check.optional('socketHandler', resolved.socketHandler, socketHandler, handlerFix);
  validatePubSubOption(resolved.pubsub, check.at('pubsub'));
  return resolved;
}

function resolveStompOptions(stomp: StompOptions, path: string, check: OptionValidator): ResolvedChannelsOptions['stomp'] {
  check.optional('heartbeat', stomp.heartbeat, anObject);
  const heartbeat = { ...STOMP_HEARTBEAT_DEFAULTS, ...stripUndefined(stomp.heartbeat ?? {}) };
  const resolved = { ...STOMP_DEFAULTS, path: endpointPath(path, 'stomp'), ...stripUndefined(stomp), heartbeat };
  check.check('path', resolved.path, socketPath, 'For example "/socket/stomp", the default.');
  for (const name of ['connectTimeoutMs', 'maxHeaders', 'maxHeaderBytes'] as const) {
    check.check(name, resolved[name], positiveInteger, orDefault(STOMP_DEFAULTS[name]));
  }
  for (const name of ['sendMs', 'receiveMs'] as const) {
    check.at('heartbeat').check(name, heartbeat[name], nonNegativeInteger, `${orDefault(STOMP_HEARTBEAT_DEFAULTS[name])} 0 turns it off.`);
  }
  return resolved;
}

const nonNegativeInteger = rule<number>('an integer of at least 0', (value) => Number.isInteger(value) && (value as number) >= 0);

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
