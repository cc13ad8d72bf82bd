import type { ServerResponse } from 'node:http';
import { sendStatusJson } from './http-io.js';

/** The JSON body of a long-poll answer: the status the client acts on, and for polls the token and messages. */
export interface LongPollBody {
  status: number;
  token?: string;
  messages?: string[];
}

/**
 * Where a poll's answer goes: the HTTP response of a poll that reached this node, or, for a poll
 * that reached another node of the cluster, a message back to that node.
 */
export interface PollResponder {
  /** False once answered or once the client went away. */
  readonly open: boolean;
  answer(body: LongPollBody): void;
  /** Called if the client goes away before the answer. */
  onAbort(callback: () => void): void;
}

export class HttpPollResponder implements PollResponder {
  constructor(private readonly response: ServerResponse) {}

  get open(): boolean {
    return !this.response.writableEnded && !this.response.destroyed;
  }

  answer(body: LongPollBody): void {
    sendStatusJson(this.response, body);
  }

  onAbort(callback: () => void): void {
    this.response.on('close', () => {
      if (!this.response.writableEnded) callback();
    });
  }
}
