import type { HistoryPolicy } from '../history/history-options.js';

/**
 * A channel handler after Nest's machinery wrapped it: `(socket, payload, ref, event)`. It returns
 * the method's result, or a promise of it while something asynchronous runs (see `ChannelContextCreator`).
 */
export type ChannelHandlerFn = (...args: unknown[]) => unknown;

/** Runs a channel's `@Terminate` method. */
export type TerminateHandlerFn = (reason: string, socket: unknown) => unknown;

/** Everything the runtime needs to run one `@Channel` class, built once at boot. */
export interface ChannelDefinition {
  /** The class name, for logs and errors. */
  readonly name: string;
  /** Its `@Channel` route pattern (`room:*`): what observability labels it by, never the topic. */
  readonly pattern: string;
  /** How its topics keep history; undefined when they keep none. */
  readonly history: HistoryPolicy | undefined;
  readonly join: ChannelHandlerFn;
  readonly handleIn: ReadonlyMap<string, ChannelHandlerFn>;
  readonly catchAll: ChannelHandlerFn | undefined;
  readonly handleOut: ReadonlyMap<string, ChannelHandlerFn>;
  readonly terminate: TerminateHandlerFn | undefined;
}
