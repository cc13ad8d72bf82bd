import type { Socket } from 'node:net';

/**
 * Coalesces every write a socket gets in one run of synchronous code (one handler, one incoming
 * message, one timer) into one syscall: the first write corks the socket, and one shared
 * `process.nextTick` uncorks every socket corked meanwhile. A burst of broadcasts then costs a
 * socket one `writev` instead of one `write` each, and a lone message waits for nothing but the
 * end of the code that sent it. (Measured against `setImmediate`, which would also coalesce
 * across I/O callbacks: same burst gain, slower single broadcasts.)
 */
export class SocketCorker {
  private corked: Socket[] = [];
  private scheduled = false;
  private readonly uncorkAll = () => {
    const corked = this.corked;
    this.corked = [];
    this.scheduled = false;
    for (const socket of corked) socket.uncork();
  };

  cork(socket: Socket): void {
    if (socket.writableCorked > 0) return;
    socket.cork();
    this.corked.push(socket);
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.uncorkAll);
    }
  }
}
