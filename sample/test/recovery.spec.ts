import { jest } from '@jest/globals';
import type { Channel as PhoenixChannel, Socket as PhoenixSocket } from 'phoenix';
import { eventually, join, push, type Reply } from '../../test/support/phoenix-client.js';
import { ROOM_HISTORY } from '../src/chat/room.channel.js';
import { SampleClients, signIn, startSampleApp, type SampleApp } from './support/sample-app.js';

// SAMPLE-CONTRACT "Recovery", on one node: rooms keep their new_msg history (the last 100, for
// 5 minutes), every new_msg carries its position in ref, the join reply carries recovery beside
// messages, and a join with since gets what it missed (recovered true) or nothing (false).

const POSITION = /^[A-Za-z0-9_.-]+:\d+$/;
const offsetOf = (position: string) => Number(position.slice(position.lastIndexOf(':') + 1));
const epochOf = (position: string) => position.slice(0, position.lastIndexOf(':'));

/** What a channel received: event, payload, and the ref phoenix.js hands to `on` callbacks. */
interface Arrival {
  event: string;
  payload: any;
  ref: unknown;
}

function record(channel: PhoenixChannel, events: string[]): Arrival[] {
  const arrivals: Arrival[] = [];
  for (const event of events) {
    channel.on(event, (payload: unknown, ref?: unknown) => void arrivals.push({ event, payload, ref: ref ?? null }));
  }
  return arrivals;
}

const bodies = (arrivals: Arrival[]) => arrivals.filter(({ event }) => event === 'new_msg').map(({ payload }) => payload.body);

/** Pushes `typing`, which gets no reply: its 10 s reply timer is dropped at once. */
function typing(channel: PhoenixChannel): void {
  (channel.push('typing', {}) as unknown as { cancelTimeout(): void }).cancelTimeout();
}

function leave(channel: PhoenixChannel): Promise<void> {
  return new Promise((resolve) => channel.leave().receive('ok', () => resolve()));
}

describe('room recovery, one node', () => {
  let server: SampleApp;
  const clients = new SampleClients(() => server.socketUrl);
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    server = await startSampleApp();
    for (const user of ['ann', 'bob']) tokens[user] = await signIn(server.baseUrl, user);
  });
  afterEach(() => clients.disconnectAll());
  afterAll(() => server.close());

  let roomCounter = 0;
  const freshRoom = () => `room:recovery-${++roomCounter}`;
  const connect = (user: string) => clients.connected(tokens[user]!);

  /** `user`'s channel on `topic` (with `params`), what it receives, and its join reply. */
  async function joinAs(user: string | PhoenixSocket, topic: string, params: object = {}, events = ['new_msg']) {
    const socket = typeof user === 'string' ? await connect(user) : user;
    const channel = socket.channel(topic, params);
    const arrivals = record(channel, events);
    const reply = await join(channel);
    if (reply.status !== 'ok') throw new Error(`join of ${topic} answered ${JSON.stringify(reply)}`);
    return { socket, channel, arrivals, response: reply.response };
  }

  /** Sends `body` as new_msg and waits for its ok reply. */
  async function say(channel: PhoenixChannel, body: string): Promise<Reply> {
    const reply = await push(channel, 'new_msg', { body });
    if (reply.status !== 'ok') throw new Error(`new_msg answered ${JSON.stringify(reply)}`);
    return reply;
  }

  /**
   * Broadcasts reach a channel in order: once `marker`, sent after the join reply, has arrived,
   * anything replayed would have arrived before it.
   */
  async function afterAnyReplay(sender: PhoenixChannel, arrivals: Arrival[], marker: string): Promise<void> {
    await say(sender, marker);
    await eventually(() => bodies(arrivals).includes(marker), `"${marker}" to arrive`);
  }

  test('the room keeps the last 100 new_msg for 5 minutes, typing not', () => {
    expect(ROOM_HISTORY).toEqual({ size: 100, ttlMs: 300_000, ephemeral: ['typing'] });
  });

  test('every new_msg carries its position "<epoch>:<offset>" in ref; typing and presence events carry none', async () => {
    const topic = freshRoom();
    const ann = await joinAs('ann', topic, {}, ['new_msg', 'typing', 'presence_state', 'presence_diff']);
    // The state goes out at the end of its diff window: bob comes after it, so in a diff.
    await eventually(() => ann.arrivals.some(({ event }) => event === 'presence_state'), 'the state of ann');
    const bob = await joinAs('bob', topic);
    await eventually(() => ann.arrivals.some(({ event }) => event === 'presence_diff'), 'bob in a presence_diff');
    typing(bob.channel);
    await say(bob.channel, 'one');
    await say(bob.channel, 'two');
    await eventually(() => bodies(ann.arrivals).length === 2, 'both messages');

    const refs = (event: string) => ann.arrivals.filter((arrival) => arrival.event === event).map(({ ref }) => ref);
    const [first, second] = refs('new_msg') as string[];
    expect(typeof first).toBe('string');
    expect(first).toMatch(POSITION);
    expect(second).toBe(`${epochOf(first!)}:${offsetOf(first!) + 1}`);
    expect(refs('typing')).toEqual([null]);
    expect(refs('presence_state')).toEqual([null]);
    expect(refs('presence_diff')).not.toHaveLength(0);
    expect(new Set(refs('presence_diff'))).toEqual(new Set([null]));
  });

  test("the join reply carries recovery {position} beside messages: the room's current position", async () => {
    const topic = freshRoom();
    const ann = await joinAs('ann', topic);
    expect(ann.response).toEqual({ messages: [], recovery: { position: expect.stringMatching(POSITION) } });
    await say(ann.channel, 'one');
    await say(ann.channel, 'two');
    await eventually(() => ann.arrivals.length === 2, 'both messages');

    const bob = await joinAs('bob', topic);
    expect(Object.keys(bob.response).sort()).toEqual(['messages', 'recovery']);
    expect(bob.response.messages.map((message: { body: string }) => message.body)).toEqual(['one', 'two']);
    expect(bob.response.recovery).toEqual({ position: ann.arrivals[1]!.ref });
  });

  test('a join with since: recovered true, then every new_msg after it, in order, once each, with positions, before any live one', async () => {
    const topic = freshRoom();
    const bob = await joinAs('bob', topic);
    const ann = await joinAs('ann', topic);
    await say(bob.channel, 'seen');
    await eventually(() => ann.arrivals.length === 1, 'the first message');
    const since = ann.arrivals[0]!.ref as string;
    ann.socket.disconnect();

    await say(bob.channel, 'missed 1');
    typing(bob.channel);
    await say(bob.channel, 'missed 2');

    const back = (await connect('ann')).channel(topic, { since });
    const arrivals = record(back, ['new_msg', 'typing']);
    const joined = join(back);
    // Sent while the join runs: whenever it is broadcast, it comes after the replayed ones.
    const live = say(bob.channel, 'live');
    const reply = await joined;
    await live;
    await eventually(() => arrivals.length === 3, 'the missed messages and the live one');

    expect(reply.response.recovery).toEqual({ position: expect.stringMatching(POSITION), recovered: true });
    expect(arrivals.map(({ event, payload, ref }) => [event, payload.body, ref])).toEqual([
      ['new_msg', 'missed 1', `${epochOf(since)}:${offsetOf(since) + 1}`],
      ['new_msg', 'missed 2', `${epochOf(since)}:${offsetOf(since) + 2}`],
      ['new_msg', 'live', `${epochOf(since)}:${offsetOf(since) + 3}`],
    ]);
  });

  test('recovered false, nothing replayed: since older than the last 100, of another epoch, malformed or in the future', async () => {
    const topic = freshRoom();
    const bob = await joinAs('bob', topic);
    const ann = await joinAs('ann', topic);
    for (let n = 1; n <= 101; n++) await say(bob.channel, `m${n}`);
    await eventually(() => ann.arrivals.length === 101, 'the 101 messages');
    const since = ann.arrivals[0]!.ref as string;
    const top = ann.arrivals[100]!.ref as string;
    const socket = await connect('ann');

    // m2 to m101 are the last 100: all there.
    const kept = await joinAs(socket, topic, { since });
    expect(kept.response.recovery).toEqual({ position: top, recovered: true });
    await eventually(() => kept.arrivals.length === 100, 'the 100 kept');
    expect(bodies(kept.arrivals)).toEqual(Array.from({ length: 100 }, (_, i) => `m${i + 2}`));
    await leave(kept.channel);

    await say(bob.channel, 'm102'); // m2 goes: the gap after `since` is no longer covered
    const newTop = `${epochOf(top)}:${offsetOf(top) + 1}`;
    const future = `${epochOf(top)}:${offsetOf(top) + 1000}`;
    for (const [n, lost] of [since, `other-epoch:${offsetOf(since)}`, 'garbage', '42', 42, future].entries()) {
      const rejoin = await joinAs(socket, topic, { since: lost });
      expect({ since: lost, recovery: rejoin.response.recovery }).toEqual({ since: lost, recovery: { position: expect.any(String), recovered: false } });
      expect(offsetOf(rejoin.response.recovery.position)).toBeGreaterThanOrEqual(offsetOf(newTop));
      await afterAnyReplay(bob.channel, rejoin.arrivals, `marker ${n}`);
      expect(bodies(rejoin.arrivals)).toEqual([`marker ${n}`]);
      await leave(rejoin.channel);
    }
  });

  test('a restarted app (history in memory) answers recovered false', async () => {
    const topic = freshRoom();
    const ann = await joinAs('ann', topic);
    await say(ann.channel, 'before the restart');
    await eventually(() => ann.arrivals.length === 1, 'the message');
    const since = ann.arrivals[0]!.ref as string;

    const restarted = await startSampleApp();
    const others = new SampleClients(() => restarted.socketUrl);
    try {
      const socket = await others.connected(await signIn(restarted.baseUrl, 'ann'));
      const channel = socket.channel(topic, { since });
      const arrivals = record(channel, ['new_msg']);
      const reply = await join(channel);
      expect(reply.response).toEqual({ messages: [], recovery: { position: expect.stringMatching(POSITION), recovered: false } });
      expect(epochOf(reply.response.recovery.position)).not.toBe(epochOf(since));
      await afterAnyReplay(channel, arrivals, 'after the restart');
      expect(bodies(arrivals)).toEqual(['after the restart']);
    } finally {
      await others.disconnectAll();
      await restarted.close();
    }
  });
});

describe('room recovery after 5 minutes', () => {
  // Only Date is faked, and only moves when the test moves it: timers and I/O run as usual.
  const REAL = ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] as const;
  const START = Date.UTC(2030, 0, 1);
  let server: SampleApp;
  const clients = new SampleClients(() => server.socketUrl);
  let token: string;
  beforeAll(async () => {
    jest.useFakeTimers({ doNotFake: [...REAL], now: START });
    server = await startSampleApp();
    token = await signIn(server.baseUrl, 'ann');
  });
  afterEach(() => clients.disconnectAll());
  afterAll(async () => {
    await server?.close();
    jest.useRealTimers();
  });

  test('a message is recovered until it is 5 minutes old, not after', async () => {
    const topic = 'room:recovery-ttl';
    const first = await clients.connected(token);
    const channel = first.channel(topic);
    const seen = record(channel, ['new_msg']);
    await join(channel);
    await push(channel, 'new_msg', { body: 'one' });
    await eventually(() => seen.length === 1, 'the first message');
    await push(channel, 'new_msg', { body: 'two' });
    await eventually(() => seen.length === 2, 'the second message');
    const since = seen[0]!.ref as string;

    const rejoin = async () => {
      const socket = await clients.connected(token);
      const again = socket.channel(topic, { since });
      const arrivals = record(again, ['new_msg']);
      const reply = await join(again);
      return { reply, arrivals };
    };

    jest.setSystemTime(START + ROOM_HISTORY.ttlMs - 1000);
    const inTime = await rejoin();
    expect(inTime.reply.response.recovery.recovered).toBe(true);
    await eventually(() => inTime.arrivals.length === 1, '"two", recovered');
    expect(bodies(inTime.arrivals)).toEqual(['two']);

    jest.setSystemTime(START + ROOM_HISTORY.ttlMs + 1000);
    const late = await rejoin();
    expect(late.reply.response.recovery.recovered).toBe(false);
  });
});
