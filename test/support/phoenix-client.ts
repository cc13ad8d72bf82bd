import { LongPoll, Socket as PhoenixSocket, type Channel as PhoenixChannel } from 'phoenix';
import WebSocket from 'ws';
import type { TransportName } from '../../lib/index.js';
import { setCodec, transportClassOf, type Codec } from './phoenix-internals.js';

export type Vsn = '1.0.0' | '2.0.0';

export interface Reply {
  status: string;
  response: any;
}

/** The 1.0.0 wire format: the phoenix client needs these to speak it (its default is 2.0.0). */
const v1Codec: Codec = {
  encode: (msg: unknown, callback: (encoded: string) => void) => callback(JSON.stringify(msg)),
  decode: (raw: string, callback: (decoded: unknown) => void) => callback(JSON.parse(raw)),
};

export interface ClientOptions {
  vsn?: Vsn;
  /** `websocket` (on `ws`, the default) or `longpoll` (the client's `LongPoll`, on Node's fetch). */
  via?: TransportName;
  params?: Record<string, unknown> | (() => Record<string, unknown>);
  authToken?: string;
  heartbeatIntervalMs?: number;
  rejoinAfterMs?: (tries: number) => number;
  reconnectAfterMs?: (tries: number) => number;
  timeout?: number;
}

/** The official phoenix client, on `ws` as its WebSocket implementation or on its `LongPoll`. */
export function createClient(url: string, options: ClientOptions = {}): PhoenixSocket {
  const { vsn = '2.0.0', via = 'websocket', ...rest } = options;
  const socket = new PhoenixSocket(url, {
    transport: via === 'longpoll' ? LongPoll : (WebSocket as any),
    vsn,
    ...(vsn === '1.0.0' ? v1Codec : {}),
    heartbeatIntervalMs: 30_000,
    reconnectAfterMs: () => 50,
    rejoinAfterMs: () => 50,
    ...rest,
  } as any);
  // Over LongPoll the client keeps its 2.0.0 codec whatever the options say; 1.0.0 is what
  // clients before phoenix 1.4 spoke over long-poll, so the codec is set on the socket itself.
  if (vsn === '1.0.0' && transportClassOf(socket) === LongPoll) setCodec(socket, v1Codec);
  return socket;
}

/** Connects and resolves once the socket is open; rejects on the first error. */
export function connect(socket: PhoenixSocket, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket did not open')), timeoutMs);
    const openRef = socket.onOpen(() => {
      clearTimeout(timer);
      socket.off([openRef, errorRef]);
      resolve();
    });
    const errorRef = socket.onError((error: unknown) => {
      clearTimeout(timer);
      socket.off([openRef, errorRef]);
      reject(error instanceof Error ? error : new Error('socket error'));
    });
    socket.connect();
  });
}

/** Resolves with the join reply, ok or error. */
export function join(channel: PhoenixChannel, timeoutMs = 3000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    channel
      .join(timeoutMs)
      .receive('ok', (response: unknown) => resolve({ status: 'ok', response }))
      .receive('error', (response: unknown) => resolve({ status: 'error', response }))
      .receive('timeout', () => reject(new Error(`join of ${channel.topic} timed out`)));
  });
}

/** Pushes and resolves with the reply; rejects if none comes within `timeoutMs`. */
export function push(channel: PhoenixChannel, event: string, payload: any = {}, timeoutMs = 3000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    channel
      .push(event, payload, timeoutMs)
      .receive('ok', (response: unknown) => resolve({ status: 'ok', response }))
      .receive('error', (response: unknown) => resolve({ status: 'error', response }))
      .receive('timeout', () => reject(new Error(`no reply to ${event} within ${timeoutMs} ms`)));
  });
}

/** Resolves with the next `event` on `channel`. */
export function nextEvent<T = any>(channel: PhoenixChannel, event: string, timeoutMs = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      channel.off(event, ref);
      reject(new Error(`no "${event}" on ${channel.topic} within ${timeoutMs} ms`));
    }, timeoutMs);
    const ref = channel.on(event, (payload: T) => {
      clearTimeout(timer);
      channel.off(event, ref);
      resolve(payload);
    });
  });
}

/** Collects every `event` on `channel` from now on. */
export function collect<T = any>(channel: PhoenixChannel, event: string): T[] {
  const seen: T[] = [];
  channel.on(event, (payload: T) => {
    seen.push(payload);
  });
  return seen;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` until it holds; fails with `message` after `timeoutMs`. */
export async function eventually(condition: () => boolean, message: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${message}`);
    await sleep(10);
  }
}

/** Disconnects and waits for the socket to be closed. */
export function disconnect(socket: PhoenixSocket): Promise<void> {
  return new Promise((resolve) => socket.disconnect(() => resolve()));
}
