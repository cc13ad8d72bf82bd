import type { TransportName } from '../interfaces/transport.interface.js';
import type { BroadcastOrigin } from '../pubsub/broadcast-message.js';

/**
 * The `node:diagnostics_channel` names nestjs-channels publishes on. Those marked *tracing* are
 * tracing channels (`diagnostics_channel.tracingChannel(name)`: `start`, `end`, `asyncStart`,
 * `asyncEnd`, `error`), so a subscriber measures the duration between `start` and `asyncEnd`; the
 * others are plain channels. Every payload is built only when the channel has a subscriber.
 * Events are process-wide: every Nest app of the process publishes on the same channels.
 * @publicApi
 */
export const ChannelsEvents = {
  /** *Tracing.* The socket handler decides on a connecting client. Payload {@link SocketConnectEvent}. */
  socketConnect: 'nestjs-channels:socket.connect',
  /** A connection was accepted and opened. Payload {@link SocketOpenEvent}. */
  socketOpen: 'nestjs-channels:socket.open',
  /** A connection ended. Payload {@link SocketDisconnectEvent}. */
  socketDisconnect: 'nestjs-channels:socket.disconnect',
  /** A frame arrived from a client. Payload {@link MessageInEvent}. */
  messageIn: 'nestjs-channels:socket.message_in',
  /** A frame was handed to a client's transport. Payload {@link MessageOutEvent}. */
  messageOut: 'nestjs-channels:socket.message_out',
  /** *Tracing.* A channel join (its `@Join` handler and reply). Payload {@link ChannelJoinEvent}. */
  channelJoin: 'nestjs-channels:channel.join',
  /** *Tracing.* A client message handled by a `@HandleIn`. Payload {@link ChannelHandleInEvent}. */
  channelHandleIn: 'nestjs-channels:channel.handle_in',
  /** A joined channel ended (`@Terminate` runs with the same reason). Payload {@link ChannelLeaveEvent}. */
  channelLeave: 'nestjs-channels:channel.leave',
  /** A join on a history topic asked to recover (`since`): recovered or not. Payload {@link ChannelRecoverEvent}. */
  channelRecover: 'nestjs-channels:channel.recover',
  /** A channel handler threw an error that is not a reply: the channel crashed. Payload {@link ChannelCrashEvent}. */
  channelCrash: 'nestjs-channels:channel.crash',
  /** *Tracing.* A broadcast encoded and written to this node's joined channels. Payload {@link BroadcastEvent}. */
  broadcast: 'nestjs-channels:broadcast',
  /** A broadcast handed to the PubSub adapter for the other nodes. Payload {@link PubSubMessageEvent}. */
  pubsubPublish: 'nestjs-channels:pubsub.publish',
  /** A broadcast from another node arrived. Payload {@link PubSubMessageEvent}. */
  pubsubReceive: 'nestjs-channels:pubsub.receive',
  /** Broadcasts that never reached the other nodes (Redis away with a full queue, a failed PUBLISH). Payload {@link PubSubLossEvent}. */
  pubsubDrop: 'nestjs-channels:pubsub.drop',
  /** Broadcasts of other nodes found missing here (gaps in their numbering). Payload {@link PubSubLossEvent}. */
  pubsubMiss: 'nestjs-channels:pubsub.miss',
  /** The link to the other nodes (Redis) went up or down. Payload {@link PubSubLinkEvent}. */
  pubsubLink: 'nestjs-channels:pubsub.link',
  /** A presence was tracked on this node. Payload {@link PresenceEvent}. */
  presenceTrack: 'nestjs-channels:presence.track',
  /** A presence tracked on this node left. Payload {@link PresenceEvent}. */
  presenceUntrack: 'nestjs-channels:presence.untrack',
  /** *Tracing.* The drain at shutdown: every connection closed with 1012. Payload {@link DrainEvent}. */
  drain: 'nestjs-channels:drain',
} as const;

/** Why a connection ended. @publicApi */
export type DisconnectReason =
  /** The client closed its transport (or its long-poll session expired). */
  | 'client'
  /** Nothing arrived within `idleTimeoutMs`. */
  | 'idle_timeout'
  /** `ChannelsServer.disconnect(socketId)`. */
  | 'server'
  /** The drain at shutdown. */
  | 'shutdown'
  /** Its transport's outbound buffer overflowed. */
  | 'slow_consumer'
  /** It kept sending past its rate limit. */
  | 'rate_limit'
  /** It sent too many malformed frames. */
  | 'malformed'
  /** A transport error: a WebSocket frame `ws` refused (reserved bits, bad opcode, too large, bad UTF-8), or the TCP connection failed (reset). */
  | 'error';

/**
 * What refused a connection: the socket handler (`false`, or its `connect()` threw), the drain at
 * shutdown, or a check before the socket handler: an unsupported serializer `vsn`, an origin not
 * allowed, a WebSocket subprotocol other than the transport's, an upgrade not by GET, or an
 * upgrade to a path no endpoint serves. @publicApi
 */
export type ConnectRefusalReason = 'socket_handler' | 'draining' | 'serializer' | 'origin' | 'subprotocol' | 'method' | 'path' | 'protocol';

/** @publicApi */
export interface SocketConnectEvent {
  readonly transport: TransportName;
  /**
   * Set before `asyncEnd`: accepted, refused (by the socket handler or a check before it, see
   * `reason`), or the socket handler's `connect()` threw.
   */
  outcome: 'ok' | 'refused' | 'error';
  /** Set when not `ok`: what refused it. */
  reason?: ConnectRefusalReason;
}

/** @publicApi */
export interface SocketOpenEvent {
  readonly transport: TransportName;
  readonly socketId: string | null;
}

/** @publicApi */
export interface SocketDisconnectEvent {
  readonly transport: TransportName;
  readonly socketId: string | null;
  readonly reason: DisconnectReason;
}

/** @publicApi */
export interface MessageInEvent {
  readonly transport: TransportName;
  /** The frame's size in bytes. */
  readonly bytes: number;
}

/** @publicApi */
export interface MessageOutEvent {
  readonly transport: TransportName;
  /** A reply to a client message, a push of a channel (`phx_close` and `phx_error` included), or a broadcast. */
  readonly kind: 'reply' | 'push' | 'broadcast';
  /** The frame's size in bytes. */
  readonly bytes: number;
}

/** @publicApi */
export interface ChannelJoinEvent {
  /** The channel's route pattern (`room:*`): bounded, unlike `topic`. */
  readonly channel: string;
  readonly topic: string;
  readonly transport: TransportName;
  /** The join payload (untrusted client data). */
  readonly payload: unknown;
  /**
   * Set before `asyncEnd`: joined; refused with an error reply; crashed (the handler threw an
   * error that is not a reply); or the connection closed while it ran.
   */
  outcome: 'ok' | 'error' | 'crash' | 'closed';
  /** What the handler threw, for `error` and `crash`. */
  error?: unknown;
}

/** @publicApi */
export interface ChannelHandleInEvent {
  readonly channel: string;
  readonly topic: string;
  readonly event: string;
  /** Handled by the catch-all `@HandleIn()`: `event` is then whatever the client sent (unbounded). */
  readonly catchAll: boolean;
  readonly transport: TransportName;
  /** The message payload (untrusted client data). */
  readonly payload: unknown;
  /** Set before `asyncEnd`: replied ok, returned nothing, replied with an error, or crashed the channel. */
  outcome: 'ok' | 'noreply' | 'error' | 'crash';
  /** What the handler threw, for `error` and `crash`. */
  error?: unknown;
}

/** @publicApi */
export interface ChannelLeaveEvent {
  readonly channel: string;
  readonly topic: string;
  readonly transport: TransportName;
  /** `leave`, `closed`, `duplicate_join`, `crash`, `shutdown`, or the reason given to `socket.stop()`. */
  readonly reason: string;
}

/** @publicApi */
export interface ChannelRecoverEvent {
  readonly channel: string;
  readonly topic: string;
  /** `recovered`: every broadcast after `since` was replayed; `not_recovered`: the client must reload (too old, another epoch, malformed, history unreadable). */
  readonly outcome: 'recovered' | 'not_recovered';
  /** Broadcasts replayed. */
  readonly messages: number;
}

/** @publicApi */
export interface ChannelCrashEvent {
  readonly channel: string;
  readonly topic: string;
  /** Where it crashed: `join`, `handle_in "event"`, `handle_out "event"`. */
  readonly where: string;
  readonly error: unknown;
}

/** @publicApi */
export interface BroadcastEvent {
  readonly topic: string;
  readonly event: string;
  readonly origin: BroadcastOrigin;
  /** Joined channels of the topic on this node. */
  readonly subscribers: number;
}

/** @publicApi */
export interface PubSubMessageEvent {
  readonly topic: string;
  readonly event: string;
}

/** @publicApi */
export interface PubSubLossEvent {
  /** How many broadcasts. */
  readonly count: number;
  /** The topic, when one is known. */
  readonly topic?: string;
}

/** The state of a PubSub adapter's link to the other nodes. @publicApi */
export type PubSubLinkState = 'connecting' | 'up' | 'down' | 'ended';

/** @publicApi */
export interface PubSubLinkEvent {
  readonly state: PubSubLinkState;
  /** Where the link goes (`redis://host:port`). */
  readonly target: string;
  /** Why it went down. */
  readonly reason?: string;
}

/** @publicApi */
export interface PresenceEvent {
  readonly topic: string;
  readonly key: string;
}

/** @publicApi */
export interface DrainEvent {
  /** Connections being closed. */
  readonly connections: number;
}
