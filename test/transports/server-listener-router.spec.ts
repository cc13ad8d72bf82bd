import { createServer, type IncomingMessage } from 'node:http';
import { ServerListenerRouter } from '../../lib/transports/server-listener-router.js';

function request(url: string): IncomingMessage {
  return { url } as IncomingMessage;
}

describe('ServerListenerRouter', () => {
  test('two routers on one event (WebSocket and STOMP upgrades) each get their own path; other listeners the rest', async () => {
    const server = createServer();
    const seen: string[] = [];
    const claim = (name: string, path: string) =>
      new ServerListenerRouter(
        server,
        'upgrade',
        (req) => req.url === path,
        (req) => seen.push(`${name} ${req.url}`),
        (req) => seen.push(`unclaimed by ${name}: ${req.url}`),
      );
    const websocket = claim('websocket', '/socket/websocket');
    const stomp = claim('stomp', '/socket/stomp');
    websocket.install();
    stomp.install();
    // An app's own gateway, added after both (as @nestjs/platform-ws does at listen time).
    server.on('upgrade', (req: IncomingMessage) => seen.push(`gateway ${req.url}`));
    await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
    expect(server.listeners('upgrade')).toHaveLength(1);
    for (const url of ['/socket/websocket', '/socket/stomp', '/chat']) server.emit('upgrade', request(url));
    expect(seen).toEqual(['websocket /socket/websocket', 'stomp /socket/stomp', 'gateway /chat']);
    stomp.uninstall();
    websocket.uninstall();
    expect(server.listeners('upgrade')).toHaveLength(1);
  });
});
