import type { BenchPayload } from '../harness/payload.js';

/** The servers compared; each lives in `<kind>.server.ts`. */
export type ServerKind = 'nestjs-channels' | 'ws-prebuilt' | 'ws-send' | 'socketio' | 'nestjs-channels-stomp' | 'ws-prebuilt-stomp' | 'ws-deflate';

/** Options the runner passes to a server process (JSON in argv). */
export interface ServerOptions {
  /**
   * PubSub option for nestjs-channels (a `redis://` URL), for the two-node scenarios: two
   * processes on one Redis, broadcast on one and subscribers on the other.
   */
  pubsub?: string;
  /** Redis key prefix with `pubsub`: unique per run, so that runs sharing a Redis never cross. */
  redisPrefix?: string;
  /** nestjs-channels Presence timing (the presence churn scenario shortens the defaults). */
  presence?: { broadcastPeriodMs?: number; downPeriodMs?: number; diffWindowMs?: number; largeRoom?: { above: number; listCap: number } };
  /** nestjs-channels idle timeout; default: an hour (heartbeats off, see `heartbeats.ts`). */
  idleTimeoutMs?: number;
  /** nestjs-channels: `bench:*` keeps history (`BENCH_HISTORY`); broadcasts then carry their position in `ref`. */
  history?: boolean;
  /** nestjs-channels: serve STOMP at `/socket/stomp` (the `--stomp` comparison) instead of the Phoenix WebSocket. */
  stomp?: boolean;
  /** nestjs-channels: the `compression` option on (the `--compression` run). */
  compression?: boolean;
  /** Bytes of chat-like text in every broadcast's `body` instead of the 46-byte filler (the `--compression` run). */
  bodyBytes?: number;
  /**
   * nestjs-channels with observability on (the `--observability` comparison): the Prometheus
   * metrics (`ChannelsMetricsModule`), or OpenTelemetry tracing (`ChannelsTracingModule` with an
   * SDK whose spans go nowhere).
   */
  observe?: 'metrics' | 'tracing';
}

/**
 * One server under test, as the broadcast driver sees it: every kind receives the same payload
 * object and puts it on the wire in its own protocol.
 */
export interface BenchServer {
  /** Port on 127.0.0.1. */
  readonly port: number;
  /** Sends `payload` as event `msg` to every client joined to `topic`. */
  broadcast(topic: string, payload: BenchPayload): void;
  /** Bytes of the WebSocket message one subscriber of `topic` receives for `payload` (frame header excluded). */
  messageBytes(topic: string, payload: BenchPayload): number;
  /** Presences (metas) on `topic` as this node lists them; only servers with presence have it. */
  presenceCount?(topic: string): Promise<number>;
  /** Open client connections on this node (nestjs-channels). */
  connectionCount?(): number;
  /**
   * Subscribes this node to `topic` in its PubSub with a handler that only counts (nestjs-channels),
   * so that the node stays subscribed on Redis with no client joined; `heard` reads the count.
   */
  keepSubscribed?(topic: string): void;
  heard?(topic: string): number;
  /** Where `bench:*` keeps its history: the adapter's shared history, this node's memory, or none (no history). */
  historyStore?(): HistoryStore;
}

export type HistoryStore = 'shared' | 'node memory' | 'none';
