import type { IncomingMessage } from 'node:http';
import type { Type } from '@nestjs/common';
import type { HistoryOptions } from '../history/history-options.js';
import type { PubSubOption } from '../pubsub/pubsub-option.js';
import type { Serializer, SerializerVersion } from '../serializers/serializer.interface.js';
import type { PresenceOptions } from '../presence/presence-options.js';
import type { ByteRateLimitOptions, RateLimitOptions } from '../socket/inbound-rate-limit.js';
import type { SocketHandler } from './socket-handler.interface.js';
import type { TransportName } from './transport.interface.js';

export type { TransportName } from './transport.interface.js';


/** `false`: any origin; `true`: same host as the request; a list: those origins (`https://*.example.com`). */
export type OriginCheck = boolean | string[] | ((origin: string, request: IncomingMessage) => boolean);

/** Options of the long-poll transport. @publicApi */
export interface LongPollOptions {
  /** How long a poll waits for messages before answering 204; a session with no poll for 1.5x this ends. Default 10 000 ms. */
  windowMs?: number;
  /** Secret that signs session tokens; give every node of a cluster the same one. Default: random per process. */
  secret?: string;
  /** Largest POST body in bytes; larger gets status 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Bytes of undelivered messages a session may hold while its client does not poll; past it the session ends. Default 4 MiB. */
  maxBufferedBytes?: number;
  /**
   * Bytes of undelivered messages all long-poll sessions of this node may hold together; past it,
   * the sessions holding the most end (their clients reconnect and rejoin). Default 128 MiB.
   */
  maxTotalBufferedBytes?: number;
}

/** Heart-beats the STOMP server offers in CONNECTED; each direction runs at the slower of both sides' figures. @publicApi */
export interface StompHeartbeatOptions {
  /** The server can send a heart-beat (an EOL) this often; `0`: never. Default 10 000 ms. */
  sendMs?: number;
  /** The server wants something from the client this often; `0`: it does not ask. Default 10 000 ms. */
  receiveMs?: number;
}

/** Options of the STOMP transport (used when `transports` includes `'stomp'`). See docs/stomp.md. @publicApi */
export interface StompOptions {
  /** Where STOMP over WebSocket is served. Default `{path}/stomp`, e.g. `/socket/stomp`. */
  path?: string;
  /** Heart-beats offered in CONNECTED; a client silent for twice the agreed interval is closed. */
  heartbeat?: StompHeartbeatOptions;
  /** A client that sends no CONNECT this long after the upgrade gets `ERROR` and is closed. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Most headers in one frame; more is an `ERROR`. Default 64. */
  maxHeaders?: number;
  /** Longest header line (name and value) in bytes; longer is an `ERROR`. Default 8 KiB. */
  maxHeaderBytes?: number;
}

/** How `app.close()` / SIGTERM closes sockets: in batches, so clients do not all reconnect at once. @publicApi */
export interface DrainOptions {
  /** Sockets closed (code 1012) per batch. Default 1000. */
  batchSize?: number;
  /** Pause between batches. Default 50 ms. */
  batchIntervalMs?: number;
}

/**
 * `permessage-deflate` on the WebSocket endpoint (see `docs/compression.md`). The server always
 * answers `server_no_context_takeover`, so a broadcast is compressed once for all its subscribers.
 * @publicApi
 */
export interface CompressionOptions {
  /** Messages smaller than this many bytes leave uncompressed (RSV1 clear). Default 1024. */
  thresholdBytes?: number;
  /** zlib level, 1 (fastest) to 9 (smallest). Default 6 (zlib's default). */
  level?: number;
}

/** Options of `ChannelsModule.forRoot()`; every field has a default. @publicApi */
export interface ChannelsModuleOptions {
  /** Socket mount path; transports live under it (`/socket/websocket`). Default `'/socket'`. */
  path?: string;
  /**
   * Transports to serve: `'websocket'` (`{path}/websocket`), `'longpoll'` (`{path}/longpoll`) and
   * `'stomp'` (STOMP 1.2 over WebSocket at `{path}/stomp`, see docs/stomp.md). Default `['websocket']`.
   */
  transports?: TransportName[];
  /** STOMP settings (used when `transports` includes `'stomp'`). */
  stomp?: StompOptions;
  /** Long-poll settings (used when `transports` includes `'longpoll'`). */
  longpoll?: LongPollOptions;
  /** Accepts or refuses connections; a provider class or an instance. Default: accept everyone. */
  socketHandler?: Type<SocketHandler> | SocketHandler;
  /** A socket that sends nothing (not even a heartbeat) for this long is closed. Default 60 000 ms. */
  idleTimeoutMs?: number;
  /**
   * Wire formats accepted from clients, selected by their `vsn`: the built-in `'1.0.0'` and
   * `'2.0.0'` by name, and any {@link Serializer} of the app's (one per major.minor version; a
   * custom `2.0.x` one replaces the built-in). Default `['1.0.0', '2.0.0']`. See docs/serializers.md.
   */
  serializers?: Array<SerializerVersion | Serializer>;
  /** Largest inbound frame in bytes; a larger one closes the socket with 1009. Default 1 MiB. */
  maxFrameSize?: number;
  /** Browser origins allowed to connect (Phoenix's `check_origin`). Default `true` (same host). */
  checkOrigin?: OriginCheck;
  /** Channels one socket may join at once (Phoenix's default 100). */
  maxChannelsPerSocket?: number;
  /** Per-socket inbound rate limit, or `false` for none. Default 200 frames/s with bursts of 500. */
  rateLimit?: RateLimitOptions | false;
  /**
   * Per-socket allowance of joins, within `rateLimit`: a join costs every member of the topic a
   * presence diff and its handler a run, so rejoining in a loop must not go at the message rate.
   * A join past it gets the error reply `{reason: "rate limited"}` (phoenix.js rejoins later).
   * `false` for none. Default 5 joins/s with bursts of 100 (a page joining its channels at once).
   */
  joinRateLimit?: RateLimitOptions | false;
  /**
   * Per-socket allowance of inbound bytes, within `rateLimit`: a frame takes a token per byte, so
   * a socket within every frame limit cannot make the server parse megabytes a second. A frame
   * past it is refused as by `rateLimit`. `burstBytes` must be at least `maxFrameSize`. `false` for
   * none. Default 1 MiB/s with bursts of 8 MiB.
   */
  byteRateLimit?: ByteRateLimitOptions | false;
  /**
   * How deep a client's JSON payload may nest (objects and arrays); a deeper one is a malformed
   * frame (error reply, and counted against `malformedFrameAllowance`): deep nesting only costs
   * the pipes and handlers that walk it (class-transformer recurses). Default 32.
   */
  maxPayloadDepth?: number;
  /**
   * Malformed frames (ones the serializer cannot decode) a socket may send, each answered with an
   * error reply `{reason: "malformed frame", detail}` on topic `phoenix`; the one past the
   * allowance closes the socket with 1007. `false` closes at the first, as Phoenix does.
   * Default 100 at once, then 10 per second: a reply costs the server far less than the
   * reconnect a close provokes, and the inbound `rateLimit` bounds every frame anyway.
   */
  malformedFrameAllowance?: RateLimitOptions | false;
  /** A WebSocket whose unsent outbound data passes this many bytes (a slow consumer) is dropped. Default 1 MiB. */
  maxOutboundBufferBytes?: number;
  /**
   * Bytes of messages received in part (a frame, or fragments of a message, not yet whole) that all
   * WebSocket connections of this node may hold together; past it, the connections holding the most
   * are cut. Each one holds at most `maxFrameSize`; this bounds many of them. Default 64 MiB.
   */
  maxTotalUnfinishedBytes?: number;
  /**
   * Whether Nest's `ValidationPipe` on a handler without guards or interceptors reads each DTO's
   * class-validator rules once, not on every message: a payload that passes is answered
   * synchronously with what the pipe would return, and any other goes through the pipe itself, so
   * its errors are unchanged (docs/channels.md says which pipes and rules qualify). `false`
   * runs every payload through `ValidationPipe.transform`, for instance for a pipe built with its
   * own `validatorPackage`. Default `true`.
   */
  compileValidationPipes?: boolean;
  /**
   * Negotiates `permessage-deflate` with WebSocket clients that offer it (every browser does):
   * `true` for the defaults, or {@link CompressionOptions}. Broadcasts are compressed once per
   * wire format and shared by every subscriber; clients that offer nothing get uncompressed
   * frames. Default `false` (see `docs/compression.md` for what it costs and when it pays).
   */
  compression?: boolean | CompressionOptions;
  /** Batches of the shutdown drain. */
  drain?: DrainOptions;
  /**
   * Defaults for the channels that keep history (`@Channel(topic, { history: true })`): how many
   * broadcasts per topic, for how long, which events are ephemeral. Default: 100, 5 minutes, none.
   */
  history?: HistoryOptions;
  /** `Presence` settings: replication periods, node name, the `fetch` enrichment hook. */
  presence?: PresenceOptions;
  /**
   * How broadcasts reach other nodes. Absent: in-memory, one node. A `redis://` URL or
   * `{ redis, prefix?, maxQueuedPublishes? }` (ioredis options; Sentinel and Cluster pass through)
   * selects the Redis adapter and needs the `ioredis` package. Any `PubSubAdapter` instance works too.
   */
  pubsub?: PubSubOption;
}

/** Options with every default applied. */
export type ResolvedChannelsOptions = Required<Omit<ChannelsModuleOptions, 'socketHandler' | 'longpoll' | 'stomp' | 'pubsub' | 'drain' | 'presence' | 'history' | 'serializers' | 'compression'>> &
  Pick<ChannelsModuleOptions, 'socketHandler' | 'pubsub' | 'presence' | 'history'> & {
    /** The registered serializers, built-in names resolved to their instances. */
    serializers: Serializer[];
    longpoll: Required<Omit<LongPollOptions, 'secret'>> & Pick<LongPollOptions, 'secret'>;
    drain: Required<DrainOptions>;
    stomp: Required<Omit<StompOptions, 'heartbeat'>> & { heartbeat: Required<StompHeartbeatOptions> };
    /** `false` when off. */
    compression: Required<CompressionOptions> | false;
  };
