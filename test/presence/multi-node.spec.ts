import type { Channel as PhoenixChannel } from 'phoenix';
import { PRESENCE_OPTIONS, Presence, type PresenceOptions, type Presences } from '../../lib/index.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { ClientScope } from '../support/client-scope.js';
import { eventually, join } from '../support/phoenix-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { PubSubLink, type LinkedAdapter } from '../support/linked-pubsub.js';
import { PresenceJournal, PresenceRoomChannel } from './support/presence-room.channel.js';
import { PresenceWatcher } from './support/presence-watcher.js';

// Two Nest apps in this process, their PubSubs joined by an in-process link: the tracker only
// sees the PubSub, so this is the multi-node setup with the network swapped for the link.
const FAST: PresenceOptions = { broadcastPeriodMs: 100, downPeriodMs: 1000, deltaBatchMs: 10 };

interface Node {
  name: string;
  app: TestApp;
  adapter: LinkedAdapter;
  clients: ClientScope;
  presence: Presence;
}

let link: PubSubLink;
/** The running nodes. */
let nodes: Node[] = [];
/** Clients of every node started in the test, stopped ones included (they try to reconnect). */
let scopes: ClientScope[] = [];

async function startNode(name: string, options: PresenceOptions = FAST): Promise<Node> {
  const adapter = link.adapter(name);
  const app = await startTestApp({
    channels: { pubsub: adapter },
    providers: [PresenceRoomChannel, PresenceJournal, { provide: PRESENCE_OPTIONS, useValue: { ...options, nodeName: name } }],
    logger: new CapturedLogger(),
  });
  const node = { name, app, adapter, clients: new ClientScope(() => app.socketUrl, {}), presence: app.app.get(Presence) };
  nodes.push(node);
  scopes.push(node.clients);
  return node;
}

/** Shuts a node down the way `app.close()` does in production (Nest's shutdown hooks run). */
async function stopNode(node: Node): Promise<void> {
  nodes = nodes.filter((running) => running !== node);
  await node.app.close();
}

beforeEach(() => {
  link = new PubSubLink();
});

afterEach(async () => {
  for (const scope of scopes) await scope.disconnectAll();
  for (const node of nodes) await node.app.close();
  nodes = [];
  scopes = [];
});

/** A client of `node` on its own socket, in `topic` as `user` (or only watching), with a Presence. */
async function enter(node: Node, topic: string, user: string | null) {
  const socket = await node.clients.connected();
  const channel = socket.channel(topic, user ? { user } : {});
  const watcher = new PresenceWatcher(channel);
  expect((await join(channel)).status).toBe('ok');
  return { socket, channel, watcher };
}

function leave(channel: PhoenixChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.leave().receive('ok', () => resolve()).receive('timeout', () => reject(new Error('leave timed out')));
  });
}

/** `key -> sorted phx_refs`: a list compared across nodes, whatever order metas came in. */
function normalize(presences: Presences): Record<string, string[]> {
  return Object.fromEntries(
    Object.keys(presences)
      .sort()
      .map((key) => [key, presences[key]!.metas.map((meta) => meta.phx_ref).sort()]),
  );
}

function normalizeClient(watcher: PresenceWatcher): Record<string, string[]> {
  const state = watcher.state();
  return Object.fromEntries(Object.keys(state).sort().map((key) => [key, state[key]!.map((meta) => meta.phx_ref).sort()]));
}

/** Waits until every node lists the same presences on `topic`, and returns that list. */
async function converged(topic: string, timeoutMs = 5000): Promise<Record<string, string[]>> {
  let lists: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    lists = await Promise.all(nodes.map(async (node) => JSON.stringify(normalize(await node.presence.list(topic)))));
    if (lists.every((list) => list === lists[0])) return JSON.parse(lists[0]!);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the nodes did not converge on ${topic}: ${lists.join(' / ')}`);
}

it('shows a user on one node to the clients of the other, and both nodes list the same presences', async () => {
  const a = await startNode('a');
  const b = await startNode('b');
  const ann = await enter(a, 'presence:lobby', 'ann');
  const bob = await enter(b, 'presence:lobby', 'bob');
  await eventually(() => bob.watcher.keys().join() === 'ann,bob', 'bob, on b, sees ann from a');
  await eventually(() => ann.watcher.keys().join() === 'ann,bob', 'ann, on a, sees bob from b');

  const list = await converged('presence:lobby');
  expect(Object.keys(list)).toEqual(['ann', 'bob']);
  expect(normalizeClient(ann.watcher)).toEqual(list);
  expect(normalizeClient(bob.watcher)).toEqual(list);
});

it('gives a node that starts later the presences of the others', async () => {
  const a = await startNode('a');
  await enter(a, 'presence:lobby', 'ann');
  await enter(a, 'presence:lobby', 'amy');
  const b = await startNode('b');
  const bob = await enter(b, 'presence:lobby', 'bob');
  await eventually(() => bob.watcher.keys().join() === 'amy,ann,bob', 'bob sees the users of a');
  expect(Object.keys(await converged('presence:lobby'))).toEqual(['amy', 'ann', 'bob']);
});

it('declares a node that stops heartbeating down: its users leave on the other node, then come back once', async () => {
  const a = await startNode('a');
  const b = await startNode('b');
  const ann = await enter(a, 'presence:lobby', 'ann');
  const bob = await enter(b, 'presence:lobby', 'bob');
  await eventually(() => bob.watcher.keys().join() === 'ann,bob', 'bob sees ann');
  const before = await converged('presence:lobby');

  const cutAt = Date.now();
  a.adapter.disconnect();
  await eventually(() => bob.watcher.eventsOf('leave', 'ann').length === 1, 'ann leaves for bob', 5000);
  const detectedAfterMs = Date.now() - cutAt;
  if (process.env.PRESENCE_TIMING) console.log(`node a declared down on b ${detectedAfterMs} ms after the cut (downPeriodMs ${FAST.downPeriodMs})`);
  expect(bob.watcher.keys()).toEqual(['bob']);
  expect(Object.keys(await b.presence.list('presence:lobby'))).toEqual(['bob']);
  await eventually(() => ann.watcher.keys().join() === 'ann', 'a, cut off, lets bob go too', 5000);

  a.adapter.reconnect();
  await eventually(() => bob.watcher.keys().join() === 'ann,bob', 'ann is back for bob', 5000);
  expect(await converged('presence:lobby')).toEqual(before);
  expect(normalizeClient(bob.watcher)).toEqual(before);
  expect(bob.watcher.eventsOf('join', 'ann')).toHaveLength(2);
  await eventually(() => JSON.stringify(normalizeClient(ann.watcher)) === JSON.stringify(before), 'ann sees bob again');
});

it('removes the users of a node that shuts down at once, without waiting for the down period', async () => {
  const slow = { broadcastPeriodMs: 1000, downPeriodMs: 60_000 };
  const a = await startNode('a', slow);
  const b = await startNode('b', slow);
  await enter(a, 'presence:lobby', 'ann');
  const bob = await enter(b, 'presence:lobby', 'bob');
  await eventually(() => bob.watcher.keys().join() === 'ann,bob', 'bob sees ann');

  await a.clients.disconnectAll();
  await enter(a, 'presence:lobby', 'amy');
  await eventually(() => bob.watcher.keys().join() === 'amy,bob', 'bob sees amy');
  await stopNode(a);
  await eventually(() => bob.watcher.keys().join() === 'bob', 'amy leaves for bob', 3000);
  expect(Object.keys(await b.presence.list('presence:lobby'))).toEqual(['bob']);
});

it('converges to identical lists on both nodes after 1,000 joins and leaves across them', async () => {
  const a = await startNode('a');
  const b = await startNode('b');
  const topic = 'presence:churn';
  const watchers = [await enter(a, topic, null), await enter(b, topic, null)].map((client) => client.watcher);
  const SOCKETS_PER_NODE = 10;
  const CYCLES = 50;
  const stillIn = new Set<string>();

  // 20 sockets, half on each node, each joining and leaving 50 times: 1,000 joins, ~1,000 leaves.
  // Every other socket stays in after its last join, so the final list is not empty.
  const workers = [a, b].flatMap((node) =>
    Array.from({ length: SOCKETS_PER_NODE }, async (_, index) => {
      const socket = await node.clients.connected();
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const user = `${node.name}-user${(index * 7 + cycle) % 15}`;
        const channel = socket.channel(topic, { user });
        expect((await join(channel)).status).toBe('ok');
        if (cycle === CYCLES - 1 && index % 2 === 0) stillIn.add(user);
        else await leave(channel);
      }
    }),
  );
  await Promise.all(workers);

  const list = await converged(topic, 10_000);
  expect(Object.keys(list).sort()).toEqual([...stillIn].sort());
  expect(Object.values(list).every((refs) => refs.length === 1)).toBe(true);
  for (const watcher of watchers) {
    await eventually(() => JSON.stringify(normalizeClient(watcher)) === JSON.stringify(list), 'a watching client converges', 5000);
  }
});
