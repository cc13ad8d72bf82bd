import type { Socket } from 'node:net';
import { SocketCorker } from '../../lib/transports/websocket/socket-corker.js';

/** The cork state of a socket, and how many times its corked writes were let go. */
class FakeSocket {
  writableCorked = 0;
  releases = 0;

  cork(): void {
    this.writableCorked++;
  }

  uncork(): void {
    if (this.writableCorked === 0) return;
    this.writableCorked--;
    this.releases++;
  }

  get asSocket(): Socket {
    return this as unknown as Socket;
  }
}

const endOfRun = () => new Promise<void>((resolve) => process.nextTick(resolve));
const checkPhase = () => new Promise<void>((resolve) => setImmediate(resolve));

let corker: SocketCorker;
let a: FakeSocket;
let b: FakeSocket;

beforeEach(() => {
  corker = new SocketCorker();
  a = new FakeSocket();
  b = new FakeSocket();
});

describe('SocketCorker', () => {
  test('what a run of code writes to a socket leaves in one go when that run ends', async () => {
    corker.cork(a.asSocket);
    corker.cork(a.asSocket);
    corker.cork(b.asSocket);
    expect([a.writableCorked, b.writableCorked]).toEqual([1, 1]);
    await endOfRun();
    expect([a.writableCorked, b.writableCorked]).toEqual([0, 0]);
    expect([a.releases, b.releases]).toEqual([1, 1]);
  });

  test('a hold for broadcasts from another node keeps the writes past the run, and later ones join them', async () => {
    corker.cork(a.asSocket);
    corker.holdUntilNextPoll();
    await endOfRun();
    await checkPhase();
    expect(a.writableCorked).toBe(1);
    // The rest of a burst, read one event-loop iteration later, goes out with its head.
    corker.cork(a.asSocket);
    corker.cork(b.asSocket);
    await checkPhase();
    expect([a.writableCorked, b.writableCorked]).toEqual([0, 0]);
    expect([a.releases, b.releases]).toEqual([1, 1]);
  });

  test('held writes are let go with nothing else happening, and a hold asked meanwhile does not extend it', async () => {
    corker.cork(a.asSocket);
    corker.holdUntilNextPoll();
    await endOfRun();
    corker.holdUntilNextPoll();
    await checkPhase();
    await checkPhase();
    expect(a.writableCorked).toBe(0);
  });

  test('a hold with nothing written holds nothing: the next write leaves at the end of its own run', async () => {
    corker.holdUntilNextPoll();
    await endOfRun();
    corker.cork(a.asSocket);
    await endOfRun();
    expect(a.writableCorked).toBe(0);
  });

  test('flush lets one socket go at once; the others stay held, and the later release does not touch it again', async () => {
    corker.cork(a.asSocket);
    corker.cork(b.asSocket);
    corker.holdUntilNextPoll();
    corker.flush(a.asSocket);
    expect([a.writableCorked, b.writableCorked]).toEqual([0, 1]);
    await endOfRun();
    await checkPhase();
    await checkPhase();
    expect([a.releases, b.releases]).toEqual([1, 1]);
    expect(b.writableCorked).toBe(0);
  });
});
