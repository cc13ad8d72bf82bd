import type { IncomingMessage, Server } from 'node:http';

type Listener = (request: IncomingMessage, ...rest: any[]) => void;

/** Every router's dispatcher: a router added later wraps the earlier ones; none adopts another's. */
const dispatchers = new WeakSet<Listener>();

/**
 * Claims some requests of one HTTP server event (`'upgrade'` or `'request'`) and passes every
 * other request to the listeners that were there before or are added later (Express, Fastify,
 * Nest gateways on `@nestjs/platform-ws`). For upgrades this is required: the ws adapter destroys
 * every upgrade whose path it does not know, which would kill ours whichever listener ran first.
 * For requests it keeps the transports independent of the HTTP platform and its body parsers.
 */
export class ServerListenerRouter {
  private readonly others: Listener[] = [];
  private readonly dispatch: Listener = (request, ...rest) => {
    if (this.owns(request)) {
      this.handle(request, ...rest);
      return;
    }
    if (this.others.length === 0) {
      this.unclaimed(request, ...rest);
      return;
    }
    for (const listener of this.others) listener.call(this.server, request, ...rest);
  };
  private readonly adopt = (event: string | symbol, listener: Listener) => {
    if (event !== this.event || dispatchers.has(listener)) return;
    // 'newListener' fires before the listener is added; move it once it is in place.
    queueMicrotask(() => {
      if (!this.server.listeners(this.event).includes(listener)) return;
      this.server.off(this.event, listener);
      this.others.push(listener);
    });
  };

  constructor(
    private readonly server: Server,
    private readonly event: 'upgrade' | 'request',
    private readonly owns: (request: IncomingMessage) => boolean,
    private readonly handle: Listener,
    private readonly unclaimed: Listener,
  ) {}

  install(): void {
    dispatchers.add(this.dispatch);
    for (const listener of this.server.listeners(this.event) as Listener[]) {
      this.server.off(this.event, listener);
      this.others.push(listener);
    }
    this.server.on(this.event, this.dispatch);
    this.server.on('newListener', this.adopt);
  }

  uninstall(): void {
    this.server.off('newListener', this.adopt);
    this.server.off(this.event, this.dispatch);
    for (const listener of this.others.splice(0)) this.server.on(this.event, listener);
  }
}

/** The pathname of a request URL, without parsing the whole URL. */
export function requestPath(request: IncomingMessage): string {
  const url = request.url ?? '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
