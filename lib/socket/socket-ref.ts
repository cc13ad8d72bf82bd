import type { ReplyStatus } from '../protocol/messages.js';

/** What a `SocketRef` replies through. */
export interface ReplyTarget {
  replyLater(joinRef: string | null, ref: string, status: ReplyStatus, response: unknown): void;
}

/**
 * Points at one client message so it can be answered later (Phoenix's `socket_ref/1` and
 * `reply/2`): return `undefined` from the handler, keep the ref, and call `reply()` when ready.
 * A reply after the channel ended is dropped, as the client already gave up on it.
 * @publicApi
 */
export class SocketRef {
  /** @internal Made by the channel process. */
  constructor(
    private readonly target: ReplyTarget,
    readonly topic: string,
    readonly joinRef: string | null,
    readonly ref: string,
  ) {}

  reply(status: ReplyStatus, response: unknown = {}): void {
    this.target.replyLater(this.joinRef, this.ref, status, response);
  }
}
