import type { TransportConnection, TransportName } from '../interfaces/transport.interface.js';
import type { Frame } from '../protocol/messages.js';
import { MessageLog } from './message-log.js';
import { decodeServerFrame, type ReceivedMessage, type ReceivedReply } from './wire-codec.js';

/** How the server closed a test socket. @publicApi */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/**
 * A transport with no network: every frame the server sends is decoded at once and recorded,
 * replies and messages apart, for the assertions to wait on.
 */
export class InProcessTransport implements TransportConnection {
  readonly replies = new MessageLog<ReceivedReply>();
  readonly messages = new MessageLog<ReceivedMessage>();
  readonly closes = new MessageLog<CloseInfo>();

  constructor(readonly name: TransportName) {}

  send(frame: Frame): void {
    const decoded = decodeServerFrame(frame);
    if (decoded.kind === 'reply') this.replies.record(decoded.reply);
    else this.messages.record(decoded.message);
  }

  close(code: number, reason: string): void {
    this.closes.record({ code, reason });
  }

  /** Ends every pending wait: the test is tearing down. */
  cancelWaits(error: () => Error): void {
    this.replies.cancelAll(error);
    this.messages.cancelAll(error);
    this.closes.cancelAll(error);
  }
}
