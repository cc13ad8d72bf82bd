import { SocketCorker, type RunWriter } from '../../lib/transports/websocket/socket-corker.js';

/** A writer that holds writes back (enlisting the first time), and how often they were let go. */
class FakeWriter implements RunWriter {
  /** 1 while writes are held, as a corked socket's count. */
  writableCorked = 0;
  releases = 0;

  constructor(private readonly corker: () => SocketCorker) {}

  hold(): void {
    if (this.writableCorked > 0) return;
    this.writableCorked = 1;
    this.corker().enlist(this);
  }

  releaseWrites(): void {
    if (this.writableCorked === 0) return;
    this.writableCorked = 0;
    this.releases++;
  }
}

const endOfRun = () => new Promise<void>((resolve) => process.nextTick(resolve));
const checkPhase = () => new Promise<void>((resolve) => setImmediate(resolve));

let corker: SocketCorker;
let a: FakeWriter;
let b: FakeWriter;

beforeEach(() => {
  corker = new SocketCorker();
  a = new FakeWriter(() => corker);
  b = new FakeWriter(() => corker);
});

describe('SocketCorker', () => {
  test('what a run of code writes to a socket leaves in one go when that run ends', async () => {
    a.hold();
    a.hold();
    b.hold();
    expect([a.writableCorked, b.writableCorked]).toEqual([1, 1]);
    await endOfRun();
    expect([a.writableCorked, b.writableCorked]).toEqual([0, 0]);
    expect([a.releases, b.releases]).toEqual([1, 1]);
  });

  test('a hold for broadcasts from another node keeps the writes past the run, and later ones join them', async () => {
    a.hold();
    corker.holdUntilNextPoll();
    await endOfRun();
    await checkPhase();
    expect(a.writableCorked).toBe(1);
    // The rest of a burst, read one event-loop iteration later, goes out with its head.
    a.hold();
    b.hold();
    await checkPhase();
    expect([a.writableCorked, b.writableCorked]).toEqual([0, 0]);
    expect([a.releases, b.releases]).toEqual([1, 1]);
  });

  test('held writes are let go with nothing else happening, and a hold asked meanwhile does not extend it', async () => {
    a.hold();
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
    a.hold();
    await endOfRun();
    expect(a.writableCorked).toBe(0);
  });

  test('a writer may let its writes go before the run ends; the others stay held, and the later release does not touch it again', async () => {
    a.hold();
    b.hold();
    corker.holdUntilNextPoll();
    a.releaseWrites();
    expect([a.writableCorked, b.writableCorked]).toEqual([0, 1]);
    await endOfRun();
    await checkPhase();
    await checkPhase();
    expect([a.releases, b.releases]).toEqual([1, 1]);
    expect(b.writableCorked).toBe(0);
  });
});
