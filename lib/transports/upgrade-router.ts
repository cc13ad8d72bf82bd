import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Shares the HTTP server's `upgrade` event with other WebSocket servers (Nest gateways on
 * `@nestjs/platform-ws`): requests we own come to us, everything else goes to the listeners that
 * were there before or are added later. Needed because the ws adapter destroys every upgrade
 * whose path it does not know, which would kill ours whichever listener ran first.
 */
export class UpgradeRouter {
  private readonly others: UpgradeListener[] = [];
  private readonly dispatch: UpgradeListener = (request, socket, head) => {
    if (this.owns(request)) {
      this.handle(request, socket, head);
      return;
    }
    if (this.others.length === 0) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    for (const listener of this.others) listener.call(this.server, request, socket, head);
  };
  private readonly adopt = (event: string | symbol, listener: UpgradeListener) => {
    if (event !== 'upgrade' || listener === this.dispatch) return;
    // 'newListener' fires before the listener is added; move it once it is in place.
    queueMicrotask(() => {
      if (!this.server.listeners('upgrade').includes(listener)) return;
      this.server.off('upgrade', listener);
      this.others.push(listener);
    });
  };

  constructor(
    private readonly server: Server,
    private readonly owns: (request: IncomingMessage) => boolean,
    private readonly handle: UpgradeListener,
  ) {}

  install(): void {
    for (const listener of this.server.listeners('upgrade') as UpgradeListener[]) {
      this.server.off('upgrade', listener);
      this.others.push(listener);
    }
    this.server.on('upgrade', this.dispatch);
    this.server.on('newListener', this.adopt);
  }

  uninstall(): void {
    this.server.off('newListener', this.adopt);
    this.server.off('upgrade', this.dispatch);
    for (const listener of this.others.splice(0)) this.server.on('upgrade', listener);
  }
}
