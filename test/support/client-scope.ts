import type { Channel as PhoenixChannel, Socket as PhoenixSocket } from 'phoenix';
import type { AppHandle } from './app-scope.js';
import type { Target } from './matrix.js';
import { connect, createClient, eventually, join, type ClientOptions, type Vsn } from './phoenix-client.js';
import { transportOf } from './phoenix-internals.js';

/**
 * Phoenix clients that are disconnected after every test, so a client left rejoining or
 * reconnecting (after a refused join, a crash, a closed socket) cannot disturb the next test.
 */
export class ClientScope {
  private readonly sockets = new Set<PhoenixSocket>();

  constructor(
    private readonly url: () => string,
    private readonly defaults: ClientOptions,
  ) {}

  /** A client that has not connected yet. */
  create(options: ClientOptions = {}): PhoenixSocket {
    const socket = createClient(this.url(), { ...this.defaults, ...options });
    this.sockets.add(socket);
    return socket;
  }

  /** A client whose socket is open. */
  async connected(options: ClientOptions = {}): Promise<PhoenixSocket> {
    const socket = this.create(options);
    await connect(socket);
    return socket;
  }

  /** A channel of `socket` whose join was answered ok; fails the test otherwise. */
  async joined(socket: PhoenixSocket, topic: string, params: Record<string, unknown> = {}): Promise<PhoenixChannel> {
    const channel = socket.channel(topic, params);
    const reply = await join(channel);
    if (reply.status !== 'ok') throw new Error(`join of ${topic} answered ${JSON.stringify(reply)}`);
    return channel;
  }

  async disconnectAll(): Promise<void> {
    const sockets = [...this.sockets];
    this.sockets.clear();
    await Promise.all(sockets.map((socket) => closeQuickly(socket)));
  }
}

const CLOSED = 3;

/**
 * Disconnects and waits for the transport itself to close (a LongPoll closes at once, aborting
 * its requests, and polls no more). The client's own disconnect callback polls every 150 ms,
 * which would dominate the suite's run time.
 */
async function closeQuickly(socket: PhoenixSocket): Promise<void> {
  const transport = transportOf(socket);
  socket.disconnect();
  if (transport) await eventually(() => transport.readyState === CLOSED, 'the client socket to close');
}

/**
 * A client scope on the block's app, cleaned up after each test: its clients speak the target's
 * `vsn` over its transport (a bare `vsn`: over WebSocket).
 */
export function useClients(
  app: AppHandle,
  target: Pick<Target, 'vsn' | 'transport'> | Vsn,
  defaults: ClientOptions = {},
): ClientScope {
  const { vsn, transport } = typeof target === 'string' ? { vsn: target, transport: 'websocket' as const } : target;
  const scope = new ClientScope(() => app.current.socketUrl, { vsn, via: transport, ...defaults });
  afterEach(() => scope.disconnectAll());
  return scope;
}
