/**
 * `nestjs-channels`: Phoenix Channels for NestJS: channels, presence and PubSub over WebSocket and
 * long-poll, wire-compatible with the official phoenix JS client.
 * @packageDocumentation
 */
export { ChannelsModule } from './channels.module.js';
export { CHANNELS_MODULE_OPTIONS, type ConfigurableChannelsModule } from './channels.module-definition.js';
export { ChannelsServer } from './channels.server.js';
export { PUBSUB_ADAPTER } from './channels.tokens.js';
export { CHANNELS_CONTEXT_TYPE, type ChannelsContextType } from './constants.js';

export { Channel, type ChannelOptions } from './decorators/channel.decorator.js';
export { Join } from './decorators/join.decorator.js';
export { HandleIn } from './decorators/handle-in.decorator.js';
export { HandleOut } from './decorators/handle-out.decorator.js';
export { Terminate } from './decorators/terminate.decorator.js';
export { Assigns, ChannelSocket, Event, Payload, Reason, Ref, Topic } from './decorators/params.decorators.js';

export { ChannelException } from './errors/channel.exception.js';
export { ChannelsError, type CloseCodeValue } from './errors/channels.error.js';
export { ChannelsOptionError } from './errors/channels-option.error.js';
export { ChannelsTypeError } from './errors/channels-type.error.js';
export { CHANNELS_ERROR_CODES, type ChannelsErrorCode } from './errors/error-codes.js';
export { isChannelsError } from './errors/is-channels-error.js';
export { ProtocolError, type MalformedFrameFields } from './errors/protocol.error.js';

export type {
  ChannelsModuleOptions,
  CompressionOptions,
  DrainOptions,
  LongPollOptions,
  OriginCheck,
  StompHeartbeatOptions,
  StompOptions,
  TransportName,
} from './interfaces/channels-options.interface.js';
export type { ByteRateLimitOptions, RateLimitOptions } from './socket/inbound-rate-limit.js';
export type { ConnectInfo, ConnectingSocket, SocketHandler } from './interfaces/socket-handler.interface.js';

export {
  ChannelsEvents,
  type BroadcastEvent,
  type ChannelCrashEvent,
  type ChannelHandleInEvent,
  type ChannelJoinEvent,
  type ChannelLeaveEvent,
  type ChannelRecoverEvent,
  type ConnectRefusalReason,
  type DisconnectReason,
  type DrainEvent,
  type MessageInEvent,
  type MessageOutEvent,
  type PresenceEvent,
  type PubSubLinkEvent,
  type PubSubLinkState,
  type PubSubLossEvent,
  type PubSubMessageEvent,
  type SocketConnectEvent,
  type SocketDisconnectEvent,
  type SocketOpenEvent,
} from './observability/events.js';

export {
  ChannelsHealthIndicator,
  type ChannelsHealthDetails,
  type ChannelsHealthOptions,
} from './observability/health/channels-health.indicator.js';
export { ChannelsDashboardModule } from './observability/dashboard/channels-dashboard.module.js';
export type { ChannelsDashboardOptions } from './observability/dashboard/dashboard-options.js';
export type { DashboardNode, NodeSnapshot } from './observability/dashboard/node-snapshot.js';
export type { DashboardView } from './observability/dashboard/channels-dashboard.service.js';
export { ChannelsTracingModule } from './observability/tracing/channels-tracing.module.js';
export type { ChannelsTracingOptions } from './observability/tracing/tracing-options.js';
export { ChannelsMetricsModule } from './observability/metrics/channels-metrics.module.js';
export { CHANNELS_METRICS_OPTIONS, type ConfigurableChannelsMetricsModule } from './observability/metrics/channels-metrics.module-definition.js';
export type { ChannelsMetricsOptions, MetricsRegistry } from './observability/metrics/metrics-options.js';

export type { BroadcastMessage, BroadcastOrigin } from './pubsub/broadcast-message.js';
export { InMemoryPubSubAdapter } from './pubsub/in-memory.adapter.js';
export type { AdapterNode, PubSubAdapter, PubSubLinkStatus } from './pubsub/pubsub-adapter.interface.js';
export type { HistoryOptions, HistoryPolicy } from './history/history-options.js';
export { formatPosition, parsePosition, type Position } from './history/position.js';
export type { Recovery } from './history/recovery.js';
export type { SharedHistory } from './history/shared-history.interface.js';
export { PubSub, type BroadcastHandler, type BroadcastSender } from './pubsub/pubsub.js';
export type { PubSubOption } from './pubsub/pubsub-option.js';
export { DEFAULT_REDIS_PREFIX, RedisPubSubAdapter } from './pubsub/redis/redis-pubsub.adapter.js';
export type {
  RedisClusterConnection,
  RedisConnection,
  RedisConnectionOptions,
  RedisPubSubOptions,
  RedisPubSubStats,
} from './pubsub/redis/redis-pubsub-options.interface.js';

export { Presence, type PresenceMetaInput } from './presence/presence.js';
export { PRESENCE_OPTIONS, type LargeRoomOptions, type PresenceOptions } from './presence/presence-options.js';
export type { PresenceDiff, PresenceEntry, PresenceFetch, PresenceMeta, Presences, PresenceSummary } from './presence/presence.types.js';

export type { Frame, InboundMessage, OutboundMessage, ReplyMessage, ReplyStatus } from './protocol/messages.js';
export type { Serializer, SerializerVersion } from './serializers/serializer.interface.js';
export { V1JsonSerializer } from './serializers/v1-json.serializer.js';
export { V2JsonSerializer } from './serializers/v2-json.serializer.js';
export { CloseCode } from './protocol/close-codes.js';
export type { TerminateReason } from './socket/channel-process.js';
export { Socket } from './socket/socket.js';
export { SocketRef } from './socket/socket-ref.js';

export { ChannelsAuthModule } from './auth/channels-auth.module.js';
export { CHANNELS_AUTH_OPTIONS, type ConfigurableChannelsAuthModule } from './auth/channels-auth.module-definition.js';
export type { ChannelsAuthOptions, TokenSecret, TokenSocketOptions } from './auth/auth-options.interface.js';
export { ChannelsTokenService, type VerifyTokenOptions } from './auth/channels-token.service.js';
export type { ResolvedTokenSocketOptions } from './auth/token-socket-options.js';
export type { TokenFailure, TokenVerification } from './auth/token-verification.js';
export { TokenSocketHandler } from './auth/token-socket.handler.js';
export { TopicOwnerGuard, type TopicOwnerOptions } from './auth/topic-owner.guard.js';
