import { jest } from '@jest/globals';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { SharedFrame } from '../../lib/fanout/shared-frame.js';
import type { Frame } from '../../lib/protocol/messages.js';
import { SocketCorker } from '../../lib/transports/websocket/socket-corker.js';
import { WsTransportConnection } from '../../lib/transports/websocket/ws-transport-connection.js';

/**
 * A TCP socket as Node's Writable treats writes: outside a cork each write is a syscall; corked
 * writes are buffered and the uncork turns them into one (a `writev` when there are several).
 */
class FakeSocket {
  writableCorked = 0;
  writableLength = 0;
  /** What each syscall carried, in order. */
  readonly syscalls: string[][] = [];
  private buffered: string[] = [];

  cork(): void {
    this.writableCorked++;
  }

  uncork(): void {
    if (this.writableCorked === 0 || --this.writableCorked > 0) return;
    if (this.buffered.length > 0) this.syscalls.push(this.buffered);
    this.buffered = [];
  }

  write(chunk: Buffer | string): boolean {
    const text = Buffer.from(chunk).toString().replace(/^[\s\S]{2}/, '');
    if (this.writableCorked > 0) this.buffered.push(text);
    else this.syscalls.push([text]);
    return true;
  }
}

/** `ws` as the connection uses it: open, and `send` frames through the same socket. */
function fakeWs(socket: FakeSocket): WebSocket {
  return { OPEN: 1, readyState: 1, send: (data: string) => socket.write(`..${data}`), once: () => undefined, terminate: () => undefined } as unknown as WebSocket;
}

/** A frame shared by several subscribers (a broadcast), as the fan-out makes it. */
const shared = (text: string, fromOtherNode = false): Frame => new SharedFrame(Buffer.from(text), false, fromOtherNode);
const endOfRun = () => new Promise<void>((resolve) => process.nextTick(resolve));

let corker: SocketCorker;
let sockets: FakeSocket[];
let connections: WsTransportConnection[];

beforeEach(() => {
  corker = new SocketCorker();
  sockets = [new FakeSocket(), new FakeSocket()];
  connections = sockets.map((socket) => new WsTransportConnection(fakeWs(socket), socket as unknown as Socket, corker, 1 << 20));
});

function broadcast(text: string, fromOtherNode = false): void {
  const frame = shared(text, fromOtherNode);
  for (const connection of connections) connection.send(frame);
}

describe('WsTransportConnection writes', () => {
  test('a lone broadcast leaves each socket in one plain write when the run ends', async () => {
    broadcast('a');
    expect(sockets.map((socket) => socket.syscalls)).toEqual([[], []]);
    await endOfRun();
    expect(sockets.map((socket) => socket.syscalls)).toEqual([[['a']], [['a']]]);
    expect(sockets.map((socket) => socket.writableCorked)).toEqual([0, 0]);
  });

  test('a burst leaves each socket in one syscall, its first frame first', async () => {
    broadcast('a');
    broadcast('b');
    broadcast('c');
    await endOfRun();
    expect(sockets.map((socket) => socket.syscalls)).toEqual([[['a', 'b', 'c']], [['a', 'b', 'c']]]);
  });

  test('a reply sent after a held broadcast follows it, in the same syscall', async () => {
    broadcast('a');
    connections[0]!.send({ data: 'reply', binary: false });
    await endOfRun();
    expect(sockets[0]!.syscalls).toEqual([['a', 'reply']]);
    expect(sockets[1]!.syscalls).toEqual([['a']]);
  });

  test('a lone reply leaves in one plain write of its whole frame, framed here rather than by ws', async () => {
    const send = jest.spyOn(fakeWsOf(connections[0]!), 'send');
    connections[0]!.send({ data: 'reply', binary: false });
    expect(sockets[0]!.syscalls).toEqual([]);
    await endOfRun();
    expect(sockets[0]!.syscalls).toEqual([['reply']]);
    expect(sockets[0]!.writableCorked).toBe(0);
    expect(send).not.toHaveBeenCalled();
  });

  test('replies of one run leave together, in order, in one syscall', async () => {
    for (const data of ['r1', 'r2', 'r3']) connections[0]!.send({ data, binary: false });
    await endOfRun();
    expect(sockets[0]!.syscalls).toEqual([['r1', 'r2', 'r3']]);
  });

  test('a binary payload over 16 KiB goes through ws (no copy), in order with the frames around it', async () => {
    const send = jest.spyOn(fakeWsOf(connections[0]!), 'send');
    const big = Buffer.alloc(16 * 1024 + 1, 'x');
    connections[0]!.send({ data: 'before', binary: false });
    connections[0]!.send({ data: big, binary: true });
    connections[0]!.send({ data: 'after', binary: false });
    await endOfRun();
    expect(send).toHaveBeenCalledTimes(1);
    expect(sockets[0]!.syscalls).toEqual([['before', big.toString(), 'after']]);
  });

  test('close writes what is held before the close frame', () => {
    broadcast('a');
    const closes: number[] = [];
    Object.assign(fakeWsOf(connections[0]!), { close: (code: number) => closes.push(code) });
    connections[0]!.close(1000, 'bye');
    expect(sockets[0]!.syscalls).toEqual([['a']]);
    expect(closes).toEqual([1000]);
  });

  test('a socket over the outbound cap gets what was held before it is judged', () => {
    const terminated: boolean[] = [];
    Object.assign(fakeWsOf(connections[0]!), { terminate: () => terminated.push(true) });
    broadcast('a');
    sockets[0]!.writableLength = 2 << 20;
    broadcast('b');
    expect(sockets[0]!.syscalls).toEqual([['a']]);
    expect(terminated).toEqual([true]);
  });

  test('a socket already over the outbound cap is dropped at its next broadcast, unwritten', async () => {
    const terminated: boolean[] = [];
    Object.assign(fakeWsOf(connections[0]!), { terminate: () => terminated.push(true) });
    sockets[0]!.writableLength = 2 << 20;
    broadcast('a');
    expect(terminated).toEqual([true]);
    await endOfRun();
    expect(sockets[0]!.syscalls).toEqual([]);
    expect(sockets[1]!.syscalls).toEqual([['a']]);
  });

  test('a socket closed before the run ends gets nothing written', async () => {
    broadcast('a');
    Object.assign(fakeWsOf(connections[0]!), { readyState: 3 });
    await endOfRun();
    expect(sockets[0]!.syscalls).toEqual([]);
    expect(sockets[1]!.syscalls).toEqual([['a']]);
  });

  test("writes of another node's broadcast are held, and leave with the rest of its burst after the next poll phase", async () => {
    broadcast('a', true);
    await endOfRun();
    broadcast('b', true);
    expect(sockets[0]!.syscalls).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sockets[0]!.syscalls).toEqual([['a', 'b']]);
  });

  test('a point-to-point frame from another node is held the same way', async () => {
    connections[0]!.send({ data: 'a', binary: false, fromOtherNode: true });
    await endOfRun();
    expect(sockets[0]!.syscalls).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sockets[0]!.syscalls).toEqual([['a']]);
  });
});

function fakeWsOf(connection: WsTransportConnection): WebSocket {
  return (connection as unknown as { ws: WebSocket }).ws;
}
