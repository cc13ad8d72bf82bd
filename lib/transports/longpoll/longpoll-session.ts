import { Logger } from '@nestjs/common';
import type { SharedFrame } from '../../fanout/shared-frame.js';
import type { InboundConnection, TransportConnection } from '../../interfaces/transport.interface.js';
import type { Frame } from '../../protocol/messages.js';
import type { LongPollBudget } from './longpoll-budget.js';
import type { InboundFrame } from './ndjson-batch.js';
import type { PollResponder } from './poll-responder.js';

const logger = new Logger('LongPoll');

export interface LongPollLimits {
  /** How long a poll waits for messages before answering 204. */
  windowMs: number;
  /** Bytes of undelivered messages a session may hold; past it the session ends. */
  maxBufferedBytes: number;
}

/** Names the long-poll preparation of a shared frame: its text, decoded once for every session. */
const LONGPOLL_TEXT = Symbol('long-poll text');
const decodeText = (frame: SharedFrame) => frame.data.toString('utf8');

/**
 * One long-poll client: a `TransportConnection` whose frames wait in a buffer until the next
 * poll collects them. At most one poll waits at a time; a newer poll answers the older with 204.
 */
export class LongPollSession implements TransportConnection {
  readonly name = 'longpoll' as const;
  private readonly connection: InboundConnection;
  private activeAt = Date.now();
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private waiting: { responder: PollResponder; timer: NodeJS.Timeout } | undefined;
  private ended = false;
  private warnedBinary = false;

  /**
   * @param open starts the channel layer's side of this session (called once, here).
   * @param onEnded told once, when the session has ended.
   */
  constructor(
    readonly id: string,
    readonly token: string,
    private readonly limits: LongPollLimits,
    private readonly budget: LongPollBudget,
    open: (session: LongPollSession) => InboundConnection,
    private readonly onEnded: (session: LongPollSession) => void,
  ) {
    this.connection = open(this);
  }

  /** When the client last polled or posted (ms since epoch); the inactivity sweep reads it. */
  get lastActiveAt(): number {
    return this.activeAt;
  }

  /** Bytes (UTF-8) of the messages waiting for the next poll. */
  get heldBytes(): number {
    return this.bufferedBytes;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** True while a poll is held open: the client is there even if it has not asked for a while. */
  get isPolling(): boolean {
    return this.waiting !== undefined;
  }

  send(frame: Frame): void {
    if (this.ended) return;
    if (frame.binary) {
      // The phoenix client decodes long-poll messages as JSON text only; binary frames need WebSocket.
      if (!this.warnedBinary) logger.warn('Binary frames cannot be delivered over long-poll; dropped');
      this.warnedBinary = true;
      return;
    }
    const bytes = typeof frame.data === 'string' ? Buffer.byteLength(frame.data) : frame.data.length;
    if (this.bufferedBytes + bytes > this.limits.maxBufferedBytes) {
      logger.warn(`Long-poll session ${this.id} holds over ${this.limits.maxBufferedBytes} bytes undelivered; closing it`);
      this.end();
      return;
    }
    const text =
      typeof frame.data === 'string'
        ? frame.data
        : frame.shared
          ? (frame as SharedFrame).prepared(LONGPOLL_TEXT, decodeText)
          : frame.data.toString('utf8');
    this.buffer.push(text);
    this.bufferedBytes += bytes;
    // Past the node's budget this may end this very session.
    this.budget.hold(bytes);
    if (this.waiting && !this.ended) this.flush();
  }

  close(): void {
    this.end();
  }

  /** A GET with this session's token, from this node or forwarded by another. */
  poll(responder: PollResponder): void {
    this.activeAt = Date.now();
    if (this.ended) {
      responder.answer({ status: 410 });
      return;
    }
    if (this.waiting) this.answerWaiting(204);
    if (this.buffer.length > 0) {
      this.respondMessages(responder);
      return;
    }
    const timer = setTimeout(() => this.answerWaiting(204), this.limits.windowMs);
    this.waiting = { responder, timer };
    responder.onAbort(() => {
      if (this.waiting?.responder !== responder) return;
      clearTimeout(this.waiting.timer);
      this.waiting = undefined;
      this.activeAt = Date.now();
    });
  }

  /** A POST with this session's token: frames go to the connection in order. */
  post(frames: InboundFrame[]): void {
    this.activeAt = Date.now();
    for (const frame of frames) {
      if (this.ended) return;
      this.connection.handleFrame(frame.data, frame.binary);
    }
  }

  /** Ends the session: a waiting poll learns at once that it is gone (410), channels terminate. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.waiting) this.answerWaiting(410);
    this.dropBuffer();
    this.connection.transportClosed();
    this.onEnded(this);
  }

  private flush(): void {
    const waiting = this.waiting!;
    clearTimeout(waiting.timer);
    this.waiting = undefined;
    // Answer on the next tick so that frames sent in the same turn travel in one response.
    setImmediate(() => this.respondMessages(waiting.responder));
  }

  private respondMessages(responder: PollResponder): void {
    // A client gone since its poll was flushed: the messages wait for its next poll.
    if (!responder.open) return;
    if (this.buffer.length === 0) {
      // A flushed poll whose messages another poll took goes back to waiting; one whose session
      // ended meanwhile learns it at once (poll answers 410).
      this.poll(responder);
      return;
    }
    const messages = this.buffer;
    this.dropBuffer();
    this.activeAt = Date.now();
    responder.answer({ status: 200, token: this.token, messages });
  }

  private dropBuffer(): void {
    this.buffer = [];
    this.budget.release(this.bufferedBytes);
    this.bufferedBytes = 0;
  }

  private answerWaiting(status: 204 | 410): void {
    const waiting = this.waiting;
    if (!waiting) return;
    clearTimeout(waiting.timer);
    this.waiting = undefined;
    this.activeAt = Date.now();
    waiting.responder.answer(status === 204 ? { status, token: this.token, messages: [] } : { status });
  }
}
