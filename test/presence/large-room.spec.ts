import type { Channel as PhoenixChannel } from 'phoenix';
import { PRESENCE_OPTIONS, Presence, type PresenceOptions, type PresenceSummary } from '../../lib/index.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { ClientScope } from '../support/client-scope.js';
import { collect, eventually, join } from '../support/phoenix-client.js';
import { PubSubLink } from '../support/linked-pubsub.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { PresenceJournal, PresenceRoomChannel } from './support/presence-room.channel.js';
import { PresenceWatcher } from './support/presence-watcher.js';

const LARGE: PresenceOptions = { broadcastPeriodMs: 100, downPeriodMs: 1000, deltaBatchMs: 10, largeRoom: { above: 4, listCap: 2 } };

interface Node {
  app: TestApp;
  clients: ClientScope;
}

let link: PubSubLink;
let nodes: Node[] = [];

async function startNode(name: string): Promise<Node> {
  const app = await startTestApp({
    channels: { pubsub: link.adapter(name) },
    providers: [PresenceRoomChannel, PresenceJournal, { provide: PRESENCE_OPTIONS, useValue: { ...LARGE, nodeName: name } }],
    logger: new CapturedLogger(),
  });
  const node = { app, clients: new ClientScope(() => app.socketUrl, {}) };
  nodes.push(node);
  return node;
}

beforeEach(() => {
  link = new PubSubLink();
});

afterEach(async () => {
  for (const node of nodes) await node.clients.disconnectAll();
  for (const node of nodes) await node.app.close();
  nodes = [];
});

/** A client of `node` in `topic` as `user`, with phoenix.js Presence and the summaries it got. */
async function enter(node: Node, topic: string, user: string) {
  const socket = await node.clients.connected();
  const channel = socket.channel(topic, { user });
  const watcher = new PresenceWatcher(channel);
  const summaries = collect<PresenceSummary>(channel, 'presence_summary');
  expect((await join(channel)).status).toBe('ok');
  return { socket, channel, watcher, summaries };
}

function leave(channel: PhoenixChannel): Promise<void> {
  return new Promise((resolve) => channel.leave().receive('ok', () => resolve()));
}

type Client = Awaited<ReturnType<typeof enter>>;
const lastSummary = (client: Client) => client.summaries.at(-1);
const counted = (clients: Client[], keys: number) =>
  eventually(() => clients.every((client) => lastSummary(client)?.keys === keys && lastSummary(client)?.metas === keys), `every client counts ${keys}`);

describe('large-room mode (above 4 keys: a list of 2 and the counts)', () => {
  it('lists everyone up to the limit, then the first two keys and exact counts; back to the whole list under 90%', async () => {
    const node = await startNode('a');
    const topic = 'presence:large1';
    const clients: Client[] = [];
    for (const user of ['u1', 'u2', 'u3', 'u4']) {
      clients.push(await enter(node, topic, user));
      await eventually(() => clients[0]!.watcher.keys().length === clients.length, `${user} listed`);
    }
    expect(clients[0]!.summaries).toEqual([]);

    clients.push(await enter(node, topic, 'u5'), await enter(node, topic, 'u6'));
    await counted(clients, 6);
    await eventually(() => clients.every((client) => client.watcher.keys().join() === 'u1,u2'), 'every client lists u1 and u2');

    await leave(clients[0]!.channel);
    const rest = clients.slice(1);
    await counted(rest, 5);
    // u1 left the list: the next key in join order takes its place, through a standard diff.
    await eventually(() => rest.every((client) => client.watcher.keys().join() === 'u2,u3'), 'u3 listed in place of u1');

    await leave(clients[1]!.channel);
    await leave(clients[2]!.channel);
    const last = clients.slice(3);
    // 3 keys, under 90% of 4: the whole list again, and no more summaries.
    await eventually(() => last.every((client) => client.watcher.keys().join() === 'u4,u5,u6'), 'the whole list again');
    expect(Object.keys(await node.app.app.get(Presence).list(topic)).sort()).toEqual(['u4', 'u5', 'u6']);
  });

  it('counts exactly across nodes, and every client keeps a list of two', async () => {
    const [a, b] = [await startNode('a'), await startNode('b')];
    const topic = 'presence:large2';
    const clients: Client[] = [];
    for (const [node, user] of [[a, 'a1'], [b, 'b1'], [a, 'a2'], [b, 'b2'], [a, 'a3'], [b, 'b3']] as const) {
      clients.push(await enter(node, topic, user));
    }
    await counted(clients, 6);
    await eventually(() => clients.every((client) => client.watcher.keys().length === 2), 'a list of two everywhere');

    await leave(clients[1]!.channel); // b1
    await leave(clients[4]!.channel); // a3
    const rest = clients.filter((_, i) => i !== 1 && i !== 4);
    await counted(rest, 4);
    await eventually(() => rest.every((client) => client.watcher.keys().length === 2), 'still a list of two');
  });
});
