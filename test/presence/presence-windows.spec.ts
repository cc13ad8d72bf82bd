import type { Socket as PhoenixSocket } from 'phoenix';
import { PRESENCE_OPTIONS, Presence, type PresenceOptions, type Presences } from '../../lib/index.js';
import { useTestApp } from '../support/app-scope.js';
import { useClients } from '../support/client-scope.js';
import { SERIALIZER_VERSIONS } from '../support/matrix.js';
import { collect, eventually, join, push } from '../support/phoenix-client.js';
import { PresenceJournal, PresenceRoomChannel, type ScriptOp } from './support/presence-room.channel.js';
import { PresenceWatcher } from './support/presence-watcher.js';

let topics = 0;
const freshTopic = () => `presence:window${topics++}`;

/** The changes of one handler: they fall in one diff window, whatever the scheduling. */
const SCRIPT: ScriptOp[] = [
  ['track', 'cursor', { x: 1 }],
  ['update', 'cursor', { x: 2 }],
  ['update', 'cursor', { x: 3 }],
  ['track', 'ghost', {}],
  ['untrack', 'ghost'],
  ['untrack', 'ann'],
  ['track', 'ann', { device: 'tablet' }],
];

/** `Presence.list` as the client's `{ key: metas }`, keys in one order. */
const asClientState = (presences: Presences) =>
  Object.fromEntries(Object.entries(presences).map(([key, entry]) => [key, entry.metas]).sort(([a], [b]) => String(a).localeCompare(String(b))));
const sortedState = (state: Record<string, unknown[]>) => Object.fromEntries(Object.entries(state).sort(([a], [b]) => a.localeCompare(b)));

function useRoom(options: PresenceOptions, vsn: '1.0.0' | '2.0.0' = '2.0.0') {
  const app = useTestApp(() => ({
    providers: [PresenceRoomChannel, PresenceJournal, { provide: PRESENCE_OPTIONS, useValue: options }],
  }));
  const clients = useClients(app, vsn);
  async function enter(topic: string, user: string | null, extra: Record<string, unknown> = {}, on?: PhoenixSocket) {
    const socket = on ?? (await clients.connected());
    const channel = socket.channel(topic, user ? { user, ...extra } : extra);
    const watcher = new PresenceWatcher(channel);
    const states = collect(channel, 'presence_state');
    const diffs = collect<{ joins: Presences; leaves: Presences }>(channel, 'presence_diff');
    const reply = await join(channel);
    if (reply.status !== 'ok') throw new Error(`join refused: ${JSON.stringify(reply)}`);
    return { socket, channel, watcher, states, diffs };
  }
  /** Waits until `watcher` shows what the server lists for `topic`, and returns it. */
  async function converged(watcher: PresenceWatcher, topic: string) {
    let listed: Record<string, unknown[]> = {};
    await eventually(() => {
      void app
        .get(Presence)
        .list(topic)
        .then((presences) => (listed = asClientState(presences)));
      return Object.keys(listed).length > 0 && JSON.stringify(sortedState(watcher.state())) === JSON.stringify(listed);
    }, 'the client shows the server list');
    return listed;
  }
  return { app, clients, enter, converged };
}

describe.each(SERIALIZER_VERSIONS)('diff windows (the default, 30 ms), vsn %s', (vsn) => {
  const room = useRoom({}, vsn);

  it('sends the changes of one window as one presence_diff that leaves phoenix.js Presence as the server lists', async () => {
    const topic = freshTopic();
    const bob = await room.enter(topic, 'bob');
    const ann = await room.enter(topic, 'ann');
    await eventually(() => bob.watcher.keys().join() === 'ann,bob', 'bob sees ann');
    const reply = await push(ann.channel, 'script', { ops: SCRIPT });
    const [, second, third] = reply.response.refs as string[];

    const listed = await room.converged(bob.watcher, topic);
    expect(Object.keys(listed)).toEqual(['ann', 'bob', 'cursor']);
    expect(bob.watcher.state().cursor).toEqual([{ x: 3, phx_ref: third, phx_ref_prev: second }]);
    expect(bob.watcher.state().ann).toEqual([{ device: 'tablet', phx_ref: expect.any(String) }]);
    // One diff carried every change of the handler; the ghost, gone before any diff, never showed.
    expect(bob.diffs.filter((diff) => 'cursor' in diff.joins)).toHaveLength(1);
    expect(bob.watcher.eventsOf('join', 'cursor')).toHaveLength(1);
    expect(bob.watcher.events.filter((event) => event.key === 'ghost')).toEqual([]);
    await room.converged(ann.watcher, topic);
  });

  it('many clients joining at once: each gets one presence_state, sees every user join once, and ends with the server list', async () => {
    const topic = freshTopic();
    const first = await room.enter(topic, 'first');
    // Some joins last over several windows: the diffs of those windows are relayed to them.
    const users = Array.from({ length: 24 }, (_, i) => `user${i}`);
    const entered = await Promise.all(users.map((user, i) => room.enter(topic, user, i % 4 === 0 ? { holdMs: 80 } : {})));
    const everyone = [first, ...entered];
    const keys = ['first', ...users].sort();
    await eventually(() => everyone.every(({ watcher }) => watcher.keys().join() === keys.join()), 'every client lists everyone');
    for (const { watcher, states } of everyone) {
      expect(states).toHaveLength(1);
      for (const key of keys) expect(watcher.eventsOf('join', key)).toHaveLength(1);
      expect(watcher.events.filter((event) => event.kind === 'leave')).toEqual([]);
    }
    expect(asClientState(await room.app.get(Presence).list(topic))).toEqual(sortedState(first.watcher.state()));
  });

  it("sends presence_state after the join reply, with the joiner in it, and no diff of the joiner's own join", async () => {
    const topic = freshTopic();
    await room.enter(topic, 'bob');
    const ann = await room.enter(topic, 'ann');
    await eventually(() => ann.states.length === 1, 'the state');
    expect(Object.keys(ann.states[0]).sort()).toEqual(['ann', 'bob']);
    expect(ann.diffs.filter((diff) => 'ann' in diff.joins)).toEqual([]);
  });
});

describe('with fetch and diff windows', () => {
  const calls: string[][] = [];
  const room = useRoom({
    fetch: (_topic, presences) => {
      calls.push(Object.keys(presences).sort());
      return Object.fromEntries(Object.entries(presences).map(([key, entry]) => [key, { ...entry, name: key.toUpperCase() }]));
    },
  });

  it('fetches once per window half, not once per change, and the client gets the fetched fields', async () => {
    const topic = freshTopic();
    const bob = await room.enter(topic, 'bob');
    const ann = await room.enter(topic, 'ann');
    await eventually(() => bob.watcher.keys().join() === 'ann,bob', 'bob sees ann');
    calls.length = 0;
    await push(ann.channel, 'script', { ops: SCRIPT });
    await eventually(() => bob.watcher.state().cursor?.[0].x === 3 && bob.watcher.state().ann?.[0].device === 'tablet', 'bob sees the script');
    // The joins half (ann's new meta, the cursor's last) in one call; the leaves half has ann's old meta.
    expect(calls).toEqual([['ann', 'cursor'], ['ann']]);
    await room.converged(bob.watcher, topic);
    const entry = bob.watcher.presence.list((key: string, presence: any) => [key, presence.name]);
    expect(Object.fromEntries(entry as Array<[string, string]>)).toEqual({ ann: 'ANN', bob: 'BOB', cursor: 'CURSOR' });
  });
});

describe('diffWindowMs 0: a diff per change, as Phoenix sends them', () => {
  const room = useRoom({ diffWindowMs: 0 });

  it('sends one diff per change of the handler, and the same end state', async () => {
    const topic = freshTopic();
    const bob = await room.enter(topic, 'bob');
    const ann = await room.enter(topic, 'ann');
    await eventually(() => bob.watcher.keys().join() === 'ann,bob', 'bob sees ann');
    await push(ann.channel, 'script', { ops: SCRIPT });
    await room.converged(bob.watcher, topic);
    expect(bob.diffs.filter((diff) => 'cursor' in diff.joins)).toHaveLength(3);
    expect(bob.watcher.eventsOf('join', 'ghost')).toHaveLength(1);
    expect(bob.watcher.eventsOf('leave', 'ghost')).toHaveLength(1);
  });
});
