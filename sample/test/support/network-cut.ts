import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the app, for a browser that should lose its network: `cut()` drops
 * every connection through it and refuses new ones until `restore()`. The page sees its socket
 * close and its reconnects fail, as when the network goes, then comes back.
 */
export class NetworkCut {
  private readonly sockets = new Set<Socket>();
  private offline = false;

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:PORT` of the proxy: load the page from here. */
    readonly baseUrl: string,
  ) {}

  /** A proxy to `target` (`http://127.0.0.1:PORT`). */
  static async start(target: string): Promise<NetworkCut> {
    const { hostname, port } = new URL(target);
    let cut: NetworkCut | undefined;
    const server = createServer((client) => cut!.forward(client, hostname, Number(port)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    cut = new NetworkCut(server, `http://127.0.0.1:${address.port}`);
    return cut;
  }

  cut(): void {
    this.offline = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.offline = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket, host: string, port: number): void {
    if (this.offline) {
      client.destroy();
      return;
    }
    const upstream = connect(port, host);
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(socket);
      socket.pipe(other);
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.sockets.delete(socket);
        other.destroy();
      });
    }
  }
}
