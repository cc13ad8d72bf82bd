import type { ChannelsModuleOptions, ResolvedChannelsOptions } from '../interfaces/channels-options.interface.js';
import { validatePubSubOption } from '../pubsub/pubsub-option.js';
import { resolvePresenceOptions } from '../presence/presence-options.js';
import { SUPPORTED_SERIALIZER_VERSIONS } from '../serializers/serializer-registry.js';

const DEFAULTS: Omit<ResolvedChannelsOptions, 'socketHandler' | 'pubsub' | 'presence'> = {
  path: '/socket',
  transports: ['websocket'],
  idleTimeoutMs: 60_000,
  serializers: ['1.0.0', '2.0.0'],
  maxFrameSize: 1024 * 1024,
  checkOrigin: true,
  maxChannelsPerSocket: 100,
  longpoll: { windowMs: 10_000, maxBodyBytes: 1024 * 1024, maxBufferedBytes: 4 * 1024 * 1024 },
  rateLimit: { messagesPerSecond: 200, burst: 500 },
  malformedFrameAllowance: { messagesPerSecond: 10, burst: 100 },
  maxOutboundBufferBytes: 1024 * 1024,
  drain: { batchSize: 1000, batchIntervalMs: 50 },
};

const AVAILABLE_TRANSPORTS = ['websocket', 'longpoll'];

function fail(option: string, message: string): never {
  throw new TypeError(`ChannelsModule option "${option}" ${message}`);
}

function positiveInteger(option: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) <= 0) fail(option, `must be a positive integer, got ${String(value)}`);
}

function tokenBucket(option: string, value: unknown): void {
  if (value === false) return;
  if (typeof value !== 'object' || value === null) fail(option, 'must be false or { messagesPerSecond, burst }');
  const bucket = value as Record<string, unknown>;
  positiveInteger(`${option}.messagesPerSecond`, bucket.messagesPerSecond);
  positiveInteger(`${option}.burst`, bucket.burst);
}

/** Applies defaults and rejects impossible options at boot, naming the option at fault. */
export function resolveOptions(options: ChannelsModuleOptions = {}): ResolvedChannelsOptions {
  const resolved = { ...DEFAULTS, ...stripUndefined(options) } as ResolvedChannelsOptions;
  resolved.longpoll = { ...DEFAULTS.longpoll, ...stripUndefined(options.longpoll ?? {}) };
  resolved.drain = { ...DEFAULTS.drain, ...stripUndefined(options.drain ?? {}) };
  if (typeof resolved.path !== 'string' || !/^\/[^?#\s]*$/.test(resolved.path)) {
    fail('path', `must start with "/" and hold no query, got ${JSON.stringify(resolved.path)}`);
  }
  resolved.path = resolved.path.length > 1 ? resolved.path.replace(/\/+$/, '') : resolved.path;
  if (!Array.isArray(resolved.transports) || resolved.transports.length === 0) {
    fail('transports', 'must list at least one transport');
  }
  for (const transport of resolved.transports) {
    if (!AVAILABLE_TRANSPORTS.includes(transport)) {
      fail('transports', `lists "${transport}"; this version serves: ${AVAILABLE_TRANSPORTS.join(', ')}`);
    }
  }
  if (!Array.isArray(resolved.serializers) || resolved.serializers.length === 0) {
    fail('serializers', 'must list at least one version');
  }
  for (const vsn of resolved.serializers) {
    if (!SUPPORTED_SERIALIZER_VERSIONS.includes(vsn)) {
      fail('serializers', `lists "${vsn}"; supported: ${SUPPORTED_SERIALIZER_VERSIONS.join(', ')}`);
    }
  }
  positiveInteger('idleTimeoutMs', resolved.idleTimeoutMs);
  positiveInteger('maxFrameSize', resolved.maxFrameSize);
  positiveInteger('maxChannelsPerSocket', resolved.maxChannelsPerSocket);
  positiveInteger('maxOutboundBufferBytes', resolved.maxOutboundBufferBytes);
  positiveInteger('drain.batchSize', resolved.drain.batchSize);
  positiveInteger('drain.batchIntervalMs', resolved.drain.batchIntervalMs);
  tokenBucket('rateLimit', resolved.rateLimit);
  tokenBucket('malformedFrameAllowance', resolved.malformedFrameAllowance);
  positiveInteger('longpoll.windowMs', resolved.longpoll.windowMs);
  positiveInteger('longpoll.maxBodyBytes', resolved.longpoll.maxBodyBytes);
  positiveInteger('longpoll.maxBufferedBytes', resolved.longpoll.maxBufferedBytes);
  const secret = resolved.longpoll.secret;
  if (secret !== undefined && (typeof secret !== 'string' || secret.length < 16)) {
    fail('longpoll.secret', 'must be a string of at least 16 characters');
  }
  const origin = resolved.checkOrigin;
  const validOrigin =
    typeof origin === 'boolean' ||
    typeof origin === 'function' ||
    (Array.isArray(origin) && origin.every((entry) => typeof entry === 'string' && entry.length > 0));
  if (!validOrigin) fail('checkOrigin', 'must be a boolean, a list of origins or a function');
  if (resolved.presence !== undefined) resolvePresenceOptions(resolved.presence);
  const handler = resolved.socketHandler;
  if (handler !== undefined && typeof handler !== 'function' && typeof (handler as { connect?: unknown } | null)?.connect !== 'function') {
    fail('socketHandler', 'must be a class or an object with a connect() method');
  }
  validatePubSubOption(resolved.pubsub, fail);
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
