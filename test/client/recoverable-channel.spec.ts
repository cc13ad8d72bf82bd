import type { Socket as PhoenixSocket } from 'phoenix';
import { recoverableChannel, type JoinRecovery, type RecoverableChannel } from '../../lib/client/index.js';
import { ChannelsServer } from '../../lib/index.js';
import { useTestApp } from '../support/app-scope.js';
import { useClients } from '../support/client-scope.js';
import { ALL_TARGETS, describeEachTarget, servingBothTransports } from '../support/matrix.js';
import { connect, eventually, join } from '../support/phoenix-client.js';
import { transportOf } from '../support/phoenix-internals.js';
import { deliverPositionedAgain, FeedChannel, ListChannel } from './fixtures.js';

// nestjs-channels/client with the real phoenix client, over WebSocket and long-poll, serializers
// 1.0.0 and 2.0.0 (the platform does not matter to a client: express only).

/** What the app's callbacks saw, in order: joins (with `recovered`) and messages (with their position). */
type Entry = ['join', boolean | undefined] | [event: string, n: number | string, position: string | null];

function track(room: RecoverableChannel, log: Entry[], events = ['said']): void {
  for (const event of events) {
    room.channel.on(event, (payload: { n?: number; who?: string }, position?: string | null) => {
      log.push([event, payload.n ?? payload.who ?? '?', position ?? null]);
    });
  }
}

const onJoinInto = (log: Entry[]) => (recovery: JoinRecovery) => void log.push(['join', recovery.recovered]);

const offsetOf = (position: string) => Number(position.slice(position.lastIndexOf(':') + 1));
const epochOf = (position: string) => position.slice(0, position.lastIndexOf(':'));
const said = (log: Entry[]) => log.filter((entry) => entry[0] === 'said');
const TARGETS = ALL_TARGETS.filter((target) => target.platform === 'express');

describeEachTarget(
  'nestjs-channels/client',
  (target) => {
    // ListChannel's join answers an array on purpose: its warning about that is expected.
    const app = useTestApp(() => ({ providers: [FeedChannel, ListChannel], channels: servingBothTransports(), logger: ['error'] }));
    const clients = useClients(app, target);
    const broadcast = (topic: string, event: string, payload: object) => app.get(ChannelsServer).broadcast(topic, event, payload);

    /**
     * Drops the socket's connection (its transport closes, as when the network goes) and calls
     * `whileAway` as soon as the client sees it closed: the client reconnects by itself 50 ms later.
     */
    function dropConnection(socket: PhoenixSocket, whileAway: () => void): void {
      const ref = socket.onClose(() => {
        socket.off([ref]);
        whileAway();
      });
      transportOf(socket)!.close();
    }

    test('a socket that drops and reconnects gets what it missed once, in order, after recovered true; then live ones', async () => {
      const socket = await clients.connected();
      const log: Entry[] = [];
      const room = recoverableChannel(socket, 'feed:drop', { onJoin: onJoinInto(log) });
      track(room, log, ['said', 'typing']);
      const first = await join(room.channel);
      const start = first.response.recovery.position as string;
      expect(room.position).toBe(start);
      broadcast('feed:drop', 'said', { n: 1 });
      await eventually(() => said(log).length === 1, 'the first message');

      dropConnection(socket, () => {
        broadcast('feed:drop', 'said', { n: 2 });
        broadcast('feed:drop', 'typing', { who: 'ann' }); // ephemeral: not kept, so not recovered
        broadcast('feed:drop', 'said', { n: 3 });
      });
      await eventually(() => said(log).length === 3, 'the missed messages after the rejoin');
      broadcast('feed:drop', 'said', { n: 4 });
      await eventually(() => said(log).length === 4, 'a live message');

      const at = (n: number) => `${epochOf(start)}:${offsetOf(start) + n}`;
      expect(log).toEqual([
        ['join', undefined],
        ['said', 1, at(1)],
        ['join', true],
        ['said', 2, at(2)],
        ['said', 3, at(3)],
        ['said', 4, at(4)],
      ]);
      expect(room.recovered).toBe(true);
      expect(room.position).toBe(at(4));
    });

    test('a position delivered again (twice in a row, or an older one later) never reaches a callback', async () => {
      const socket = clients.create();
      deliverPositionedAgain(socket);
      const plain = clients.create();
      deliverPositionedAgain(plain);
      await Promise.all([connect(socket), connect(plain)]);
      const log: Entry[] = [];
      const room = recoverableChannel(socket, 'feed:twice', { onJoin: onJoinInto(log) });
      track(room, log, ['said', 'typing']);
      await join(room.channel);
      // The same feed without the helper: proof that the duplicates are there to drop.
      const unguarded: number[] = [];
      const control = plain.channel('feed:twice');
      control.on('said', (payload: { n: number }) => void unguarded.push(payload.n));
      await join(control);

      broadcast('feed:twice', 'said', { n: 1 });
      broadcast('feed:twice', 'typing', { who: 'ann' });
      broadcast('feed:twice', 'said', { n: 2 });
      await eventually(() => said(log).length === 2, 'two messages');
      // Missed while away, replayed after the rejoin, where the older ones arrive again too.
      dropConnection(socket, () => broadcast('feed:twice', 'said', { n: 3 }));
      await eventually(() => said(log).length === 3, 'the replayed one');
      broadcast('feed:twice', 'said', { n: 4 });
      broadcast('feed:twice', 'typing', { who: 'bob' });
      await eventually(() => log.length === 8, 'the live ones');

      expect(log.map((entry) => entry.slice(0, 2))).toEqual([
        ['join', undefined],
        ['said', 1],
        ['typing', 'ann'],
        ['said', 2],
        ['join', true],
        ['said', 3],
        ['said', 4],
        ['typing', 'bob'],
      ]);
      // 1 twice; 2 twice, then 1; 3 twice, then 1 and 2; 4 twice, then 1, 2 and 3.
      await eventually(() => unguarded.length === 14, 'the control to see every duplicate');
      expect(unguarded).toEqual([1, 1, 2, 2, 1, 3, 3, 1, 2, 4, 4, 1, 2, 3]);
    });

    test('a rejoin whose history is gone: recovered false, the callback fires, nothing is replayed, live ones follow', async () => {
      const socket = await clients.connected();
      const log: Entry[] = [];
      const recoveries: JoinRecovery[] = [];
      const room = recoverableChannel(socket, 'feed:gone', { onJoin: (recovery) => (recoveries.push(recovery), onJoinInto(log)(recovery)) });
      track(room, log);
      await join(room.channel);
      broadcast('feed:gone', 'said', { n: 1 });
      await eventually(() => said(log).length === 1, 'the first message');

      // The history keeps 5: the one right after n = 1 is gone by the time the client is back.
      dropConnection(socket, () => {
        for (let n = 2; n <= 8; n++) broadcast('feed:gone', 'said', { n });
      });
      await eventually(() => recoveries.length === 2, 'the rejoin');
      broadcast('feed:gone', 'said', { n: 9 });
      await eventually(() => said(log).length === 2, 'the live message after the rejoin');

      expect(log.map((entry) => entry.slice(0, 2))).toEqual([
        ['join', undefined],
        ['said', 1],
        ['join', false],
        ['said', 9],
      ]);
      const top = recoveries[1]!.position!;
      expect(offsetOf(top)).toBe(offsetOf(recoveries[0]!.position!) + 8);
      expect(log[3]![2]).toBe(`${epochOf(top)}:${offsetOf(top) + 1}`);
      expect(room.recovered).toBe(false);
    });

    test('since from a saved position: the first join recovers what came after it; a future one starts over', async () => {
      const earlier = await clients.connected();
      const before = recoverableChannel(earlier, 'feed:saved');
      await join(before.channel);
      broadcast('feed:saved', 'said', { n: 1 });
      await eventually(() => before.position !== undefined && offsetOf(before.position) === 1, 'the first message');
      const saved = before.position!; // as a page would keep it before a reload
      broadcast('feed:saved', 'said', { n: 2 });
      broadcast('feed:saved', 'said', { n: 3 });

      const socket = await clients.connected();
      const log: Entry[] = [];
      const resumed = recoverableChannel(socket, 'feed:saved', { since: saved, onJoin: onJoinInto(log) });
      track(resumed, log);
      expect((await join(resumed.channel)).response.params).toEqual({ since: saved });
      await eventually(() => said(log).length === 2, 'the two after the saved position');
      expect(log.map((entry) => entry.slice(0, 2))).toEqual([
        ['join', true],
        ['said', 2],
        ['said', 3],
      ]);

      // A position past the topic's (its history was lost and counts again): start from the reply's.
      const future = `${epochOf(saved)}:${offsetOf(saved) + 50}`;
      const fresh: Entry[] = [];
      const restarted = recoverableChannel(await clients.connected(), 'feed:saved', { since: future, onJoin: onJoinInto(fresh) });
      track(restarted, fresh);
      await join(restarted.channel);
      broadcast('feed:saved', 'said', { n: 4 });
      await eventually(() => said(fresh).length === 1, 'the live message');
      expect(fresh.map((entry) => entry.slice(0, 2))).toEqual([
        ['join', false],
        ['said', 4],
      ]);
    });

    test('a message of another epoch than the position (no join reply said so) starts over from it', async () => {
      const log: Entry[] = [];
      const room = recoverableChannel(await clients.connected(), 'list:epoch', { since: 'lost-epoch:50', onJoin: onJoinInto(log) });
      track(room, log);
      expect((await join(room.channel)).response).toEqual(['a', 'b']);
      expect(room.position).toBe('lost-epoch:50');
      broadcast('list:epoch', 'said', { n: 1 });
      broadcast('list:epoch', 'said', { n: 2 });
      await eventually(() => said(log).length === 2, 'both messages');
      expect(log.map((entry) => entry.slice(0, 2))).toEqual([
        ['join', undefined],
        ['said', 1],
        ['said', 2],
      ]);
      expect(room.position).toBe(log[2]![2]);
      expect(offsetOf(room.position!)).toBe(2);
    });

    test("the app's params, an object or a function read on each join, go with since on every rejoin", async () => {
      const socket = await clients.connected();
      let joins = 0;
      const replies: unknown[] = [];
      const room = recoverableChannel(socket, 'feed:params', { params: () => ({ attempt: ++joins, since: 'ignored:1' }) });
      room.channel.join().receive('ok', (response: { params: unknown }) => void replies.push(response.params));
      await eventually(() => replies.length === 1, 'the join');
      broadcast('feed:params', 'said', { n: 1 });
      await eventually(() => room.position !== undefined && offsetOf(room.position) === 1, 'the message');
      const position = room.position;
      dropConnection(socket, () => undefined);
      await eventually(() => replies.length === 2, 'the rejoin');
      // Before any position, the app's own since goes as it is.
      expect(replies).toEqual([
        { attempt: 1, since: 'ignored:1' },
        { attempt: 2, since: position },
      ]);

      const withObject = recoverableChannel(socket, 'feed:params-object', { params: { token: 't' } });
      expect((await join(withObject.channel)).response.params).toEqual({ token: 't' });
    });
  },
  TARGETS,
);
