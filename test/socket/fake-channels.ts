import type { ChannelDefinition, ChannelHandlerFn } from '../../lib/discovery/channel-definition.js';
import type { HistoryPolicy } from '../../lib/history/history-options.js';
import type { Frame } from '../../lib/protocol/messages.js';
import type { Socket } from '../../lib/socket/socket.js';
import type { SocketRef } from '../../lib/socket/socket-ref.js';

/** A channel handler as the tests write it. */
export type Handler = (socket: Socket, payload: any, ref: SocketRef | null, event: string) => unknown;

/** What a test gives to make a channel; everything left out is absent (join answers `{}`). */
export interface ChannelParts {
  name?: string;
  /** The route pattern, `test:*` unless given. */
  pattern?: string;
  history?: HistoryPolicy;
  join?: Handler;
  handleIn?: Record<string, Handler>;
  catchAll?: Handler;
  handleOut?: Record<string, Handler>;
  terminate?: (reason: string, socket: Socket) => unknown;
}

/** A handler as Nest's context creator hands it to the runtime: async, called `(socket, payload, ref, event)`. */
function wrap(handler: Handler): ChannelHandlerFn {
  return async (...args: unknown[]) => handler(args[0] as Socket, args[1], args[2] as SocketRef | null, args[3] as string);
}

const wrapAll = (handlers: Record<string, Handler> = {}) =>
  new Map(Object.entries(handlers).map(([event, handler]) => [event, wrap(handler)]));

/** A `ChannelDefinition` as the explorer builds it at boot, from plain functions. */
export function defineChannel(parts: ChannelParts = {}): ChannelDefinition {
  const terminate = parts.terminate;
  return {
    name: parts.name ?? 'TestChannel',
    pattern: parts.pattern ?? 'test:*',
    history: parts.history,
    join: wrap(parts.join ?? (() => ({}))),
    handleIn: wrapAll(parts.handleIn),
    catchAll: parts.catchAll ? wrap(parts.catchAll) : undefined,
    handleOut: wrapAll(parts.handleOut),
    terminate: terminate ? (reason, socket) => terminate(reason, socket as Socket) : undefined,
  };
}

/** A server frame as it travels (serializer 2.0.0 text): `[join_ref, ref, topic, event, payload]`. */
export function wire(frame: Frame): unknown[] {
  if (frame.binary) throw new Error('expected a text frame');
  return JSON.parse(frame.data.toString()) as unknown[];
}

/** A promise settled from outside, to hold an async handler mid-way. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run (setImmediate fires after the microtask queue drains). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** True once `promise` has settled, checked after everything pending ran. */
export async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await settle();
  return settled;
}
