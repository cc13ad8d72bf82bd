import { PRESENCE_OPTIONS, Presence, PubSub, type PresenceOptions, type Presences } from '../../lib/index.js';
import { useTestApp } from '../support/app-scope.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { useClients } from '../support/client-scope.js';
import { collect, eventually, join, sleep } from '../support/phoenix-client.js';
import { PresenceJournal, PresenceRoomChannel } from './support/presence-room.channel.js';
import { PresenceWatcher } from './support/presence-watcher.js';

/** Every call of the fetch hook: the keys it was given. */
const calls: string[][] = [];

/** `slow*` keys fetched alone already. */
const fetchedSlow = new Set<string>();

/**
 * Adds each user's display name, as an app loading users in one query would. The first fetch of a
 * `slow*` key alone (its join diff) takes longer than any other; `broken` makes the hook throw.
 */
async function fetchUsers(_topic: string, presences: Presences): Promise<Presences> {
  const keys = Object.keys(presences).sort();
  calls.push(keys);
  if (keys.includes('broken')) throw new Error('user store down');
  const slow = keys.length === 1 && keys[0]!.startsWith('slow') && !fetchedSlow.has(keys[0]!);
  if (slow) fetchedSlow.add(keys[0]!);
  await sleep(slow ? 150 : 1);
  return Object.fromEntries(Object.entries(presences).map(([key, entry]) => [key, { ...entry, name: key.toUpperCase() }]));
}

const logger = new CapturedLogger();
const app = useTestApp(() => ({
  providers: [
    PresenceRoomChannel,
    PresenceJournal,
    // A diff per change: these tests follow single joins and leaves through fetch, which a diff
    // window could merge (fetch with windows: presence-windows.spec.ts).
    { provide: PRESENCE_OPTIONS, useFactory: (): PresenceOptions => ({ fetch: fetchUsers, diffWindowMs: 0 }) },
  ],
  logger,
}));
const clients = useClients(app, '2.0.0');

let topics = 0;
const freshTopic = () => `presence:fetched${topics++}`;

async function enter(topic: string, user: string | null) {
  const socket = await clients.connected();
  const channel = socket.channel(topic, user ? { user } : {});
  const watcher = new PresenceWatcher(channel);
  const diffs = collect(channel, 'presence_diff');
  expect((await join(channel)).status).toBe('ok');
  return { socket, channel, watcher, diffs };
}

/** The presences as the client holds them, extra fields included. */
const entries = (watcher: PresenceWatcher) => Object.fromEntries(watcher.presence.list((key: string, entry: any) => [key, entry]));

it('enriches presence_state and every diff, with one call per list or diff', async () => {
  const topic = freshTopic();
  const bob = await enter(topic, 'bob');
  await eventually(() => bob.watcher.keys().join() === 'bob', 'bob sees himself');
  expect(entries(bob.watcher).bob).toEqual({ name: 'BOB', metas: [expect.objectContaining({ phx_ref: expect.any(String) })] });

  await enter(topic, 'ann');
  const annJoined = () => bob.diffs.find((diff) => 'ann' in diff.joins);
  await eventually(() => annJoined() !== undefined, 'bob gets the diff of ann');
  expect(annJoined()).toEqual({ joins: { ann: { name: 'ANN', metas: [expect.anything()] } }, leaves: {} });

  calls.length = 0;
  const listed = await app.get(Presence).list(topic);
  expect(calls).toEqual([['ann', 'bob']]);
  expect(listed).toEqual({ ann: expect.objectContaining({ name: 'ANN' }), bob: expect.objectContaining({ name: 'BOB' }) });
});

it('keeps the diffs of a topic in order when fetching an earlier one takes longer', async () => {
  const topic = freshTopic();
  const watcher = (await enter(topic, 'watcher')).watcher;
  const slow = await enter(topic, 'slow-sam');
  await new Promise((resolve) => slow.channel.leave().receive('ok', resolve));
  // Had the fast leave overtaken the slow join, the client would ignore the leave and keep a ghost.
  await eventually(() => watcher.eventsOf('leave', 'slow-sam').length === 1, 'the leave after the join', 3000);
  expect(watcher.events.filter((event) => event.key === 'slow-sam').map((event) => event.kind)).toEqual(['join', 'leave']);
  expect(watcher.keys()).toEqual(['watcher']);
});

it('sends the presences without the extra fields when the hook fails, and logs it', async () => {
  const topic = freshTopic();
  const bob = await enter(topic, 'bob');
  await enter(topic, 'broken');
  await eventually(() => bob.watcher.keys().join() === 'bob,broken', 'bob sees broken');
  expect(entries(bob.watcher).broken).toEqual({ metas: [expect.anything()] });
  expect(logger.of('error', 'Presence').map((entry) => entry.message)).toContainEqual(expect.stringContaining('user store down'));
});

it('does not fetch for changes on a topic that nobody on this node listens to', async () => {
  const topic = freshTopic();
  calls.length = 0;
  const ann = await enter(topic, 'ann');
  await eventually(() => ann.watcher.keys().join() === 'ann', 'ann gets the state');
  expect(calls).toEqual([['ann']]); // the state; her own join happened before anyone listened

  ann.channel.leave();
  // The channel unsubscribes, then its presence leaves, in one step on the server.
  await eventually(() => app.get(PubSub).subscriberCount(topic) === 0, 'the channel ended');
  expect(await app.get(Presence).list(topic)).toEqual({});
  expect(calls).toEqual([['ann']]);
});
