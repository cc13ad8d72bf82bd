import type { Socket } from 'node:net';

/**
 * Coalesces every write a socket gets in one event-loop turn into one syscall: the first write
 * of the turn corks the socket, and one shared `setImmediate` uncorks every socket corked in that
 * turn. A burst of broadcasts then costs a socket one `writev` instead of one `write` each, and a
 * lone message waits no longer than the current turn.
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
      setImmediate(this.uncorkAll);
    }
  }
}
