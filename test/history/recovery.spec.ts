import type { Channel as PhoenixChannel } from 'phoenix';
import { ChannelsServer } from '../../lib/index.js';
import { useTestApp } from '../support/app-scope.js';
import { useClients } from '../support/client-scope.js';
import { describeEachTarget, servingBothTransports } from '../support/matrix.js';
import { eventually, join } from '../support/phoenix-client.js';
import { HISTORY_PROVIDERS } from './fixtures.js';

/** What a client's channel received: event, payload, and the ref phoenix.js hands to `on` callbacks. */
interface Arrival {
  event: string;
  payload: unknown;
  ref: string | null;
}

function record(channel: PhoenixChannel, events: string[]): Arrival[] {
  const arrivals: Arrival[] = [];
  for (const event of events) {
    channel.on(event, (payload: unknown, ref?: string | null) => void arrivals.push({ event, payload, ref: ref ?? null }));
  }
  return arrivals;
}

const POSITION = /^[A-Za-z0-9_.-]+:\d+$/;
const offsetOf = (position: string) => Number(position.slice(position.lastIndexOf(':') + 1));

describeEachTarget('recovery on rejoin', (target) => {
  const app = useTestApp(() => ({ providers: HISTORY_PROVIDERS, channels: servingBothTransports() }));
  const clients = useClients(app, target);
  const server = () => app.get(ChannelsServer);

  test('the join reply carries the position; broadcasts carry theirs in ref, in order', async () => {
    const socket = await clients.connected();
    const channel = socket.channel('chat:first');
    const arrivals = record(channel, ['said']);
    const reply = await join(channel);
    expect(reply).toEqual({ status: 'ok', response: { welcome: true, recovery: { position: expect.stringMatching(POSITION) } } });
    const start = (reply.response as { recovery: { position: string } }).recovery.position;
    for (let n = 1; n <= 3; n++) server().broadcast('chat:first', 'said', { n });
    await eventually(() => arrivals.length === 3, 'three broadcasts');
    expect(arrivals.map((arrival) => arrival.payload)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const epoch = start.slice(0, start.lastIndexOf(':'));
    expect(arrivals.map((arrival) => arrival.ref)).toEqual([1, 2, 3].map((n) => `${epoch}:${offsetOf(start) + n}`));
  });

  test('away, then back with since: exactly what was missed, in order, then live; recovered true', async () => {
    const first = await clients.connected();
    const before = first.channel('chat:away');
    const seen = record(before, ['said']);
    await join(before);
    server().broadcast('chat:away', 'said', { n: 1 });
    await eventually(() => seen.length === 1, 'the first broadcast');
    const last = seen[0]!.ref!;
    first.disconnect();

    server().broadcast('chat:away', 'said', { n: 2 });
    server().broadcast('chat:away', 'typing', { who: 'ann' }); // ephemeral: not kept, not numbered
    server().broadcast('chat:away', 'said', { n: 3 });

    const second = await clients.connected();
    const after = second.channel('chat:away', () => ({ since: last }));
    const arrivals = record(after, ['said', 'typing']);
    const reply = await join(after);
    expect(reply.response).toEqual({ welcome: true, recovery: { position: expect.stringMatching(POSITION), recovered: true } });
    await eventually(() => arrivals.length === 2, 'the two missed broadcasts');
    server().broadcast('chat:away', 'said', { n: 4 });
    await eventually(() => arrivals.length === 3, 'the live one after them');
    expect(arrivals.map(({ event, payload }) => [event, payload])).toEqual([
      ['said', { n: 2 }],
      ['said', { n: 3 }],
      ['said', { n: 4 }],
    ]);
    expect(arrivals.map((arrival) => offsetOf(arrival.ref!))).toEqual([2, 3, 4].map((n) => offsetOf(last) + n - 1));
    const position = (reply.response as { recovery: { position: string } }).recovery.position;
    expect(position).toBe(arrivals[1]!.ref);
  });

  test('a channel that crashed (phx_error) rejoins by itself with since, and gets what it missed', async () => {
    const socket = await clients.connected();
    let arrivals: Arrival[] = [];
    const channel = socket.channel('chat:crash', () => ({ since: arrivals.at(-1)?.ref ?? undefined }));
    arrivals = record(channel, ['said']);
    // phoenix.js's overridable hook sees every message of the channel, its join replies too.
    const replies: unknown[] = [];
    channel.onMessage = (event, payload) => {
      if (event === 'phx_reply' && (payload as { response?: { recovery?: unknown } }).response?.recovery) replies.push(payload);
      return payload;
    };
    await join(channel);
    server().broadcast('chat:crash', 'said', { n: 1 });
    await eventually(() => arrivals.length === 1, 'a first broadcast');
    let crashed = false;
    channel.onError(() => {
      if (crashed) return;
      crashed = true;
      // Made while the channel is down, before the client's rejoin (a second later).
      server().broadcast('chat:crash', 'said', { n: 2 });
      server().broadcast('chat:crash', 'said', { n: 3 });
    });
    channel.push('crash', {});
    await eventually(() => arrivals.length === 3, 'the two missed broadcasts after the rejoin', 5000);
    expect(arrivals.map((arrival) => arrival.payload)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(arrivals.map((arrival) => offsetOf(arrival.ref!) - offsetOf(arrivals[0]!.ref!))).toEqual([0, 1, 2]);
    expect(replies.at(-1)).toEqual({ status: 'ok', response: { welcome: true, recovery: { position: arrivals[2]!.ref, recovered: true } } });
    expect(replies).toHaveLength(2);
  });

  test('a gap older than the history, another epoch, a future or malformed since: recovered false, nothing replayed', async () => {
    const socket = await clients.connected();
    const watcher = socket.channel('chat:lost');
    const seen = record(watcher, ['said']);
    await join(watcher);
    server().broadcast('chat:lost', 'said', { n: 0 });
    await eventually(() => seen.length === 1, 'a first broadcast');
    const old = seen[0]!.ref!;
    for (let n = 1; n <= 6; n++) server().broadcast('chat:lost', 'said', { n }); // size 5: the one after `old` is gone
    await eventually(() => seen.length === 7, 'the rest');
    const epoch = old.slice(0, old.lastIndexOf(':'));
    const top = offsetOf(seen[6]!.ref!);
    for (const since of [old, `other-epoch:${offsetOf(old)}`, `${epoch}:${top + 5}`, 'garbage', '42', 17]) {
      const channel = socket.channel('chat:lost', { since });
      const arrivals = record(channel, ['said']);
      const reply = await join(channel);
      expect(reply).toEqual({ status: 'ok', response: { welcome: true, recovery: { position: `${epoch}:${top}`, recovered: false } } });
      channel.leave();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(arrivals).toEqual([]);
    }
  });

  test('a since at the top recovers nothing and is still recovered', async () => {
    const socket = await clients.connected();
    const reply = await join(socket.channel('chat:top-2'));
    const position = (reply.response as { recovery: { position: string } }).recovery.position;
    const again = socket.channel('chat:top-2', { since: position });
    expect((await join(again)).response).toEqual({ welcome: true, recovery: { position, recovered: true } });
  });
});

describeEachTarget(
  'recovery edge cases',
  (target) => {
    const app = useTestApp(() => ({ providers: HISTORY_PROVIDERS, channels: servingBothTransports() }));
    const clients = useClients(app, target);

    test('a join that answers a non-object keeps its response; broadcasts still carry positions', async () => {
      const socket = await clients.connected();
      const channel = socket.channel('list:1');
      const arrivals = record(channel, ['news']);
      expect(await join(channel)).toEqual({ status: 'ok', response: ['a', 'b'] });
      app.get(ChannelsServer).broadcast('list:1', 'news', {});
      await eventually(() => arrivals.length === 1, 'a broadcast');
      expect(arrivals[0]!.ref).toMatch(POSITION);
    });

    test('a topic without history: no recovery in the reply, no ref on broadcasts', async () => {
      const socket = await clients.connected();
      const channel = socket.channel('plain:1', { since: 'x:1' });
      const arrivals = record(channel, ['news']);
      expect(await join(channel)).toEqual({ status: 'ok', response: {} });
      app.get(ChannelsServer).broadcast('plain:1', 'news', {});
      await eventually(() => arrivals.length === 1, 'a broadcast');
      expect(arrivals[0]!.ref).toBeNull();
    });
  },
  [{ platform: 'express', vsn: '2.0.0', transport: 'websocket' }],
);
