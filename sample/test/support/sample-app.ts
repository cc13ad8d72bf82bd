import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Channel as PhoenixChannel, Socket as PhoenixSocket } from 'phoenix';
import WebSocket from 'ws';
import { connect, createClient, eventually, join, type ClientOptions } from '../../../test/support/phoenix-client.js';
import { AppModule } from '../../src/app.module.js';
import { APP_CONFIG, loadConfig } from '../../src/config/app-config.js';
import { CLIENT_SCRIPT } from '../../src/web/client-script.js';
import { clientScriptFromSources } from './client-script.js';

export interface SampleApp {
  app: INestApplication;
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  /** `ws://127.0.0.1:PORT/socket` */
  socketUrl: string;
  close(): Promise<void>;
}

/**
 * Boots the sample's own AppModule on a free port of 127.0.0.1, as `npm start` would, with
 * `env` over the process environment (e.g. `{ REDIS_URL }`).
 */
export async function startSampleApp(env: Record<string, string> = {}): Promise<SampleApp> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(APP_CONFIG)
    // PORT 0, as it listens: a node name of its own, not "<host>:4000" for every node of a test.
    .useValue(loadConfig({ ...process.env, PORT: '0', ...env }))
    .overrideProvider(CLIENT_SCRIPT)
    .useValue(clientScriptFromSources)
    .compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    socketUrl: `ws://127.0.0.1:${port}/socket`,
    close: () => app.close(),
  };
}

/** `POST /api/session` for `user`: its token. */
export async function signIn(baseUrl: string, user: string): Promise<string> {
  const response = await postJson(`${baseUrl}/api/session`, { user });
  if (response.status !== 201) throw new Error(`sign-in of ${user} answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** The HTTP status the WebSocket upgrade gets: 101 when it opens, else the refusal's status. */
export function upgradeStatus(socketUrl: string, params: Record<string, string>, protocols: string[] = []): Promise<number> {
  const query = new URLSearchParams({ ...params, vsn: '2.0.0' });
  const ws = new WebSocket(`${socketUrl}/websocket?${query}`, protocols);
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_request, response) => {
      ws.terminate();
      resolve(response.statusCode ?? 0);
    });
    ws.once('error', reject);
  });
}

/** Phoenix clients of one test file, all disconnected by `disconnectAll()` (call it after each test). */
export class SampleClients {
  private readonly sockets = new Set<PhoenixSocket>();

  constructor(private readonly socketUrl: () => string) {}

  create(options: ClientOptions): PhoenixSocket {
    const socket = createClient(this.socketUrl(), options);
    this.sockets.add(socket);
    return socket;
  }

  /** A client signed in with `token`, its socket open. */
  async connected(token: string, options: ClientOptions = {}): Promise<PhoenixSocket> {
    const socket = this.create({ params: { token }, ...options });
    await connect(socket);
    return socket;
  }

  /** A channel whose join was answered ok, and the join reply. */
  async joined(socket: PhoenixSocket, topic: string): Promise<{ channel: PhoenixChannel; response: any }> {
    const channel = socket.channel(topic);
    const reply = await join(channel);
    if (reply.status !== 'ok') throw new Error(`join of ${topic} answered ${JSON.stringify(reply)}`);
    return { channel, response: reply.response };
  }

  async disconnectAll(): Promise<void> {
    const sockets = [...this.sockets];
    this.sockets.clear();
    await Promise.all(sockets.map(closeNow));
  }
}

// The client's own disconnect callback polls every 150 ms; waiting on the WebSocket is quicker.
async function closeNow(socket: PhoenixSocket): Promise<void> {
  const transport = (socket as unknown as { conn: { readyState: number } | null }).conn;
  socket.disconnect();
  if (transport) await eventually(() => transport.readyState === WebSocket.CLOSED, 'the client socket to close');
}
