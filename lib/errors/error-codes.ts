/**
 * Every `.code` an error of nestjs-channels carries. Codes are stable: a message may be reworded,
 * a code is never renamed or reused. `docs/errors.md` says when each is thrown and what to do.
 * @publicApi
 */
export const CHANNELS_ERROR_CODES = [
  // Boot: options and setup.
  'CHANNELS_ERR_INVALID_OPTION',
  'CHANNELS_ERR_CHANNEL_NOT_SINGLETON',
  'CHANNELS_ERR_NO_JOIN_HANDLER',
  'CHANNELS_ERR_DUPLICATE_HANDLER',
  'CHANNELS_ERR_DUPLICATE_ROUTE',
  'CHANNELS_ERR_SOCKET_HANDLER_NOT_PROVIDED',
  'CHANNELS_ERR_IOREDIS_MISSING',
  'CHANNELS_ERR_IOREDIS_INCOMPATIBLE',
  'CHANNELS_ERR_OPTIONAL_PEER_MISSING',
  // Runtime: a client's frame.
  'CHANNELS_ERR_MALFORMED_FRAME',
  // Runtime: server code calling the library wrongly.
  'CHANNELS_ERR_INVALID_ARGUMENT',
  'CHANNELS_ERR_RESERVED_TOPIC',
  'CHANNELS_ERR_RESERVED_EVENT',
  'CHANNELS_ERR_BINARY_NEEDS_V2',
  'CHANNELS_ERR_FRAME_FIELD_TOO_LONG',
  'CHANNELS_ERR_SOCKET_REF_UNAVAILABLE',
  'CHANNELS_ERR_PRESENCE_NOT_READY',
  'CHANNELS_ERR_PRESENCE_ALREADY_TRACKED',
  'CHANNELS_ERR_PRESENCE_NOT_TRACKED',
  // Tests: the channels test harness used wrongly.
  'CHANNELS_ERR_HARNESS_NO_CHANNELS_MODULE',
  'CHANNELS_ERR_HARNESS_SERIALIZER',
  'CHANNELS_ERR_TEST_SOCKET_CLOSED',
] as const;

/** The `.code` of an error of nestjs-channels, e.g. `'CHANNELS_ERR_RESERVED_TOPIC'`. @publicApi */
export type ChannelsErrorCode = (typeof CHANNELS_ERROR_CODES)[number];
