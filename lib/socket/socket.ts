import type { SocketRef } from './socket-ref.js';

/** What a channel `Socket` acts through: its channel process. */
export interface SocketOwner {
  readonly subscriberId: string;
  push(event: string, payload: unknown): void;
  broadcast(event: string, payload: unknown, excludeSelf: boolean): void;
  currentRef(): SocketRef;
  stop(reason: string): void;
  readonly joined: boolean;
}

/**
 * One joined channel as its handlers see it (the `socket` of a Phoenix channel callback).
 * Assigns start as a copy of the connection's assigns; `assign()` changes this channel's only.
 * @publicApi
 */
export class Socket {
  readonly assigns: Record<string, unknown>;

  constructor(
    private readonly owner: SocketOwner,
    /** The joined topic, e.g. `room:lobby`. */
    readonly topic: string,
    /** The ref of the join message; it identifies this join among rejoins of the topic. */
    readonly joinRef: string | null,
    assigns: Record<string, unknown>,
    /** The socket id from the socket handler's `id()`, or null. */
    readonly id: string | null,
    /** `'websocket'` or `'longpoll'`. */
    readonly transport: string,
    /** The client's serializer version. */
    readonly vsn: string,
  ) {
    this.assigns = { ...assigns };
  }

  /** Identifies this channel to `PubSub.broadcastFrom()`. */
  get subscriberId(): string {
    return this.owner.subscriberId;
  }

  /** True until the channel ends. */
  get joined(): boolean {
    return this.owner.joined;
  }

  assign(key: string, value: unknown): this;
  assign(values: Record<string, unknown>): this;
  assign(keyOrValues: string | Record<string, unknown>, value?: unknown): this {
    if (typeof keyOrValues === 'string') this.assigns[keyOrValues] = value;
    else Object.assign(this.assigns, keyOrValues);
    return this;
  }

  /** Sends `event` to this client only. Binary payloads (`Buffer`, `ArrayBuffer`) need serializer 2.0.0. */
  push(event: string, payload: unknown = {}): void {
    this.owner.push(event, payload);
  }

  /** Sends `event` to every subscriber of this topic, this client included, on every node. */
  broadcast(event: string, payload: unknown = {}): void {
    this.owner.broadcast(event, payload, false);
  }

  /** Sends `event` to every subscriber of this topic except this client. */
  broadcastFrom(event: string, payload: unknown = {}): void {
    this.owner.broadcast(event, payload, true);
  }

  /** A reference to the message being handled, to reply to it later. Only valid inside `@HandleIn`. */
  socketRef(): SocketRef {
    return this.owner.currentRef();
  }

  /**
   * Ends the channel once the current handler returns (after its reply): the client gets
   * `phx_close` and does not rejoin; `@Terminate` runs with `reason`.
   */
  stop(reason = 'normal'): void {
    this.owner.stop(reason);
  }
}
