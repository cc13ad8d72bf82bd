/**
 * `nestjs-channels/client`: recovery for the official `phoenix` JS client. A channel that keeps
 * its position, asks for what it missed (`since`) on every rejoin, never hands the same message
 * to its callbacks twice, and says whether each join recovered. One dependency-free ES module: it
 * runs in browsers as it is, and in Node. `phoenix` is the app's own: only its types are named.
 * @packageDocumentation
 */
import type { Channel, Socket } from 'phoenix';

/** What an ok join reply of a {@link RecoverableChannel} said about recovery. */
export interface JoinRecovery {
  /**
   * `true`: every message missed since the channel's last position follows the reply, in order,
   * before any live one. `false`: they could not be recovered (the history moved past them or was
   * lost), nothing is replayed, and the app should reload its state from this join's reply.
   * `undefined`: nothing was asked (a first join) or the topic keeps no history.
   */
  readonly recovered: boolean | undefined;
  /** The topic's position at this join, `"<epoch>:<offset>"` (replayed messages end there), if the reply gave one. */
  readonly position: string | undefined;
}

/** How {@link recoverableChannel} creates its channel. */
export interface RecoverableChannelOptions {
  /**
   * The join params, as `socket.channel()` takes them: an object, or a function that phoenix.js
   * calls on every (re)join. The channel adds `since` to them once it knows a position.
   */
  params?: object | (() => object);
  /**
   * A position to start from, `"<epoch>:<offset>"` (e.g. {@link RecoverableChannel.position}
   * saved before a page reload): the first join then asks for what came after it.
   */
  since?: string;
  /**
   * Called on every ok join reply, first join and rejoins: before the `receive('ok')` callbacks of
   * `channel.join()` and before any replayed message. Reload the state when `recovered` is false.
   */
  onJoin?: (recovery: JoinRecovery) => void;
}

/** A phoenix channel that recovers what it missed while away; see {@link recoverableChannel}. */
export interface RecoverableChannel {
  /**
   * The phoenix channel: join, push, leave and `new Presence(channel)` as usual. Its `on`
   * callbacks never get a message whose position it has already seen; the position is their
   * second argument (`null` for messages without one).
   */
  readonly channel: Channel;
  /** The position of the last message seen (or of the last join reply), `"<epoch>:<offset>"`; undefined before the first. */
  readonly position: string | undefined;
  /** What the last ok join reply said: see {@link JoinRecovery.recovered}. */
  readonly recovered: boolean | undefined;
}

interface Position {
  readonly epoch: string;
  readonly offset: number;
  readonly text: string;
}

const OFFSET = /^(0|[1-9][0-9]*)$/;

function parsePosition(value: unknown): Position | undefined {
  if (typeof value !== 'string') return undefined;
  const colon = value.lastIndexOf(':');
  const offset = value.slice(colon + 1);
  if (colon <= 0 || !OFFSET.test(offset) || !Number.isSafeInteger(Number(offset))) return undefined;
  return { epoch: value.slice(0, colon), offset: Number(offset), text: value };
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Creates the channel of `topic` on `socket` (as `socket.channel()` does) for a topic that keeps
 * history: it tracks the position of every message and of each join reply, sends it as `since`
 * on every rejoin, drops messages at or before the position it has (same epoch) before any `on`
 * callback sees them, and reports each join's `recovered`.
 *
 * It owns the channel's `onMessage` hook, and wraps `on` and `join`: use them as usual, but do
 * not replace them.
 */
export function recoverableChannel(socket: Socket, topic: string, options: RecoverableChannelOptions = {}): RecoverableChannel {
  const { params = {}, onJoin } = options;
  let position = parsePosition(options.since);
  let recovered: boolean | undefined;
  // The position of the message being dropped: set before its callbacks run, within one trigger.
  let duplicate: string | undefined;

  const joinParams = (): object => {
    const own = typeof params === 'function' ? params() : params;
    return position === undefined ? own : { ...own, since: position.text };
  };
  const channel = socket.channel(topic, joinParams);

  const onMessage = channel.onMessage;
  channel.onMessage = function (this: Channel, event: string, payload: unknown, ref: unknown, ...rest: unknown[]): unknown {
    const at = parsePosition(ref);
    if (at !== undefined) {
      const seen = position !== undefined && at.epoch === position.epoch && at.offset <= position.offset;
      duplicate = seen ? at.text : undefined;
      if (!seen) position = at;
    }
    return (onMessage as (...args: unknown[]) => unknown).apply(this, [event, payload, ref, ...rest]);
  };

  const on = channel.on;
  channel.on = function (this: Channel, event: string, callback: (response?: any) => void | Promise<void>): number {
    const call = callback as (...args: unknown[]) => void;
    return on.call(this, event, (payload: unknown, ref?: unknown, joinRef?: unknown) => {
      if (duplicate !== undefined && ref === duplicate) return;
      call(payload, ref, joinRef);
    });
  };

  const join = channel.join;
  channel.join = function (this: Channel, timeout?: number) {
    return join.call(this, timeout).receive('ok', (response: unknown) => {
      const recovery = field(response, 'recovery');
      const top = parsePosition(field(recovery, 'position'));
      const answer = field(recovery, 'recovered');
      recovered = typeof answer === 'boolean' ? answer : undefined;
      duplicate = undefined;
      // Recovered: the replayed messages move the position on to `top`. Otherwise the live
      // stream starts after `top` (a new epoch, or past a gap).
      if (top !== undefined && !(recovered === true && position?.epoch === top.epoch)) position = top;
      onJoin?.({ recovered, position: top?.text });
    });
  };

  return {
    channel,
    get position() {
      return position?.text;
    },
    get recovered() {
      return recovered;
    },
  };
}
