import type { ChannelDefinition } from '../discovery/channel-definition.js';
import type { ChannelFanout } from '../fanout/channel-fanout.js';
import type { PubSub } from '../pubsub/pubsub.js';
import type { TopicRouter } from '../router/topic-router.js';
import type { ByteRateLimitOptions, RateLimitOptions } from './inbound-rate-limit.js';
import type { SocketConnection } from './socket-connection.js';

/** What every connection shares: routes, PubSub, limits and the registry of live connections. */
export interface ConnectionContext {
  readonly router: TopicRouter<ChannelDefinition>;
  readonly pubsub: PubSub;
  readonly fanout: ChannelFanout;
  readonly maxChannelsPerSocket: number;
  readonly rateLimit: RateLimitOptions | false;
  readonly joinRateLimit: RateLimitOptions | false;
  readonly byteRateLimit: ByteRateLimitOptions | false;
  readonly maxPayloadDepth: number;
  readonly malformedFrameAllowance: RateLimitOptions | false;
  /** The library's own channel on reserved `topic` (the dashboard's), asked only for reserved topics. */
  reservedChannel(topic: string): ChannelDefinition | undefined;
  connectionClosed(connection: SocketConnection): void;
}
