/** Metadata keys written by the decorators and read by the channel explorer. */
export const JOIN_METADATA = 'nestjs-channels:join';
export const HANDLE_IN_METADATA = 'nestjs-channels:handle-in';
export const HANDLE_OUT_METADATA = 'nestjs-channels:handle-out';
export const TERMINATE_METADATA = 'nestjs-channels:terminate';

/** Event name under which a catch-all `@HandleIn()` is registered. */
export const CATCH_ALL_EVENT = '*';

/**
 * The `ExecutionContext.getType()` of channel handlers, so guards and interceptors can tell
 * channel calls from HTTP or gateway calls.
 * @publicApi
 */
export const CHANNELS_CONTEXT_TYPE = 'channels';
export type ChannelsContextType = typeof CHANNELS_CONTEXT_TYPE;
