import { Logger } from '@nestjs/common';
import type { TransportName } from '../interfaces/transport.interface.js';
import { assignInto } from './assigns.js';
import type { SocketRef } from './socket-ref.js';

const logger = new Logger('Channel');

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
 * `TAssigns` types them: `@ChannelSocket() socket: Socket<{ user: User; room: string }>` (a
 * promise of the app to itself; nothing checks them at run time).
 * @publicApi
 */
export class Socket<TAssigns extends object = Record<string, unknown>> {
  readonly assigns: TAssigns;
  /** Callbacks for the end of this channel, made on the first (most channels register none). */
  private endHooks: Set<(reason: string) => void> | undefined;
  /** Why this channel ended; undefined until it does (one field for both: every channel holds it). */
  private endReason: string | undefined;

  /** @internal Made by the channel process. */
  constructor(
    private readonly owner: SocketOwner,
    /** The joined topic, e.g. `room:lobby`. */
    readonly topic: string,
    /** The ref of the join message; it identifies this join among rejoins of the topic. */
    readonly joinRef: string | null,
    assigns: Record<string, unknown>,
    /** The socket id from the socket handler's `id()`, or null. */
    readonly id: string | null,
    /** How the client is connected. */
    readonly transport: TransportName,
    /** The client's serializer version. */
    readonly vsn: string,
  ) {
    this.assigns = { ...assigns } as TAssigns;
  }

  /** Identifies this channel to `PubSub.broadcastFrom()`. */
  get subscriberId(): string {
    return this.owner.subscriberId;
  }

  /** True until the channel ends. */
  get joined(): boolean {
    return this.owner.joined;
  }

  /** True once the channel has ended (and its end hooks ran). */
  get ended(): boolean {
    return this.endReason !== undefined;
  }

  /**
   * Runs `hook` once when this channel ends, however it ends: leave, closed connection, crash,
   * duplicate join, shutdown, `stop()`, or a join that failed. It runs before `@Terminate`, and at
   * once when the channel has already ended. Returns a function that cancels it. For services
   * that keep state per channel (`Presence` untracks with it).
   */
  onEnd(hook: (reason: string) => void): () => void {
    if (this.endReason !== undefined) {
      hook(this.endReason);
      return () => {};
    }
    // A wrapper per call, so that the same function registered twice runs twice.
    const registered = (reason: string) => hook(reason);
    const hooks = (this.endHooks ??= new Set());
    hooks.add(registered);
    return () => {
      hooks.delete(registered);
    };
  }

  /** @internal Called once by the channel process when the channel ends. */
  markEnded(reason: string): void {
    if (this.endReason !== undefined) return;
    this.endReason = reason;
    const hooks = this.endHooks ?? [];
    this.endHooks = undefined;
    for (const hook of hooks) {
      try {
        hook(reason);
      } catch (error) {
        logger.error(`An end hook failed on "${this.topic}": ${String(error)}`);
      }
    }
  }

  /** Sets one assign of this channel, or several at once. */
  assign<K extends keyof TAssigns & string>(key: K, value: TAssigns[K]): this;
  assign(values: Partial<TAssigns>): this;
  assign(keyOrValues: string | Partial<TAssigns>, value?: unknown): this {
    assignInto(this.assigns, keyOrValues, value);
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
