import type { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { WebSocket } from 'ws';

/** Below this, a connection's unfinished message is not worth cutting it for. */
const CUT_CANDIDATE_BYTES = 16 * 1024;

const COUNTED = Symbol('nestjs-channels unfinished bytes');

/** One connection's count: bytes read from its TCP socket since its last whole message. */
interface Counted {
  readonly budget: UnfinishedMessageBudget;
  readonly ws: WebSocket;
  bytes: number;
}

type Tracked<T> = T & { [COUNTED]: Counted };

const logger = new Logger('WebSocketTransport');

/**
 * Bounds the bytes of messages received in part that all WebSocket connections of a node hold
 * together. `ws` keeps an unfinished message (frames, or fragments of a message) in memory until
 * its end, up to `maxFrameSize` per connection; many connections that start messages and never
 * finish them would hold that much each. Past the budget, the connections holding the most are
 * cut. Counted from the TCP socket's reads, which `ws` does not expose per message: each read is
 * counted before `ws` parses it, and a whole message sets the count back to zero, so what
 * a read carried past a message's end is not counted (at most one read, 64 KiB, per connection).
 */
export class UnfinishedMessageBudget {
  private held = 0;
  /** Connections holding at least CUT_CANDIDATE_BYTES: the only ones worth cutting. */
  private readonly candidates = new Set<Counted>();
  private cutScheduled = false;

  constructor(private readonly maxBytes: number) {}

  get heldBytes(): number {
    return this.held;
  }

  /** Starts counting what `ws` receives on `socket`, its TCP socket; {@link finished} when it closes. */
  track(ws: WebSocket, socket: Socket): void {
    const counted: Counted = { budget: this, ws, bytes: 0 };
    (socket as Tracked<Socket>)[COUNTED] = counted;
    (ws as Tracked<WebSocket>)[COUNTED] = counted;
    // Before ws's own listener, so that a read is counted before the messages it ends are seen.
    socket.prependListener('data', countRead);
  }

  /** A whole message arrived on `ws`, or it closed: nothing it sent is unfinished any more. */
  static finished(ws: WebSocket): void {
    const counted = (ws as Partial<Tracked<WebSocket>>)[COUNTED];
    if (counted !== undefined && counted.bytes > 0) counted.budget.release(counted);
  }

  /** @internal A read of `bytes` on a counted connection. */
  received(counted: Counted, bytes: number): void {
    counted.bytes += bytes;
    this.held += bytes;
    if (counted.bytes >= CUT_CANDIDATE_BYTES) this.candidates.add(counted);
    // After ws has parsed this read: a connection cut in the middle of its 'data' listeners
    // would still be fed the read.
    if (this.held > this.maxBytes && !this.cutScheduled) {
      this.cutScheduled = true;
      queueMicrotask(() => this.cut());
    }
  }

  /** @internal A counted connection holds nothing unfinished any more. */
  release(counted: Counted): void {
    this.held -= counted.bytes;
    counted.bytes = 0;
    this.candidates.delete(counted);
  }

  // Down to three quarters, so that a node at its budget does not sort per read.
  private cut(): void {
    this.cutScheduled = false;
    if (this.held <= this.maxBytes) return;
    const target = Math.floor(this.maxBytes * 0.75);
    const largestFirst = [...this.candidates].sort((a, b) => b.bytes - a.bytes);
    let cut = 0;
    for (const counted of largestFirst) {
      if (this.held <= target) break;
      this.release(counted);
      counted.ws.terminate();
      cut++;
    }
    logger.warn(`WebSocket connections of this node held over ${this.maxBytes} bytes of unfinished messages; cut the ${cut} holding the most`);
  }
}

// A shared listener, called with the socket as `this`: a closure per connection would add to what
// every idle connection holds.
function countRead(this: Tracked<Socket>, chunk: Buffer): void {
  const counted = this[COUNTED];
  counted.budget.received(counted, chunk.length);
}
