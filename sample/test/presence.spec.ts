import { Presence, type Channel as PhoenixChannel } from 'phoenix';
import { eventually, join } from '../../test/support/phoenix-client.js';
import { SampleClients, signIn, startSampleApp, type SampleApp } from './support/sample-app.js';

// Who is online, as the page sees it: the official phoenix client's Presence, unchanged.

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
const freshRoom = () => `room:presence-${++roomCounter}`;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

interface Watched {
  channel: PhoenixChannel;
  /** `presence.list()`: user name -> number of metas (tabs), kept current by onSync. */
  online: () => Record<string, number>;
  /** The presence events this client received, in order. */
  events: string[];
}

/** Joins `topic` as `user` on a socket of its own, with phoenix's Presence on the channel. */
async function watchAs(user: string, topic: string): Promise<Watched> {
  const socket = await clients.connected(tokens[user]);
  const channel = socket.channel(topic);
  const events: string[] = [];
  for (const event of ['presence_state', 'presence_diff']) channel.on(event, () => void events.push(event));
  const presence = new Presence(channel);
  let online: Record<string, number> = {};
  presence.onSync(() => {
    online = Object.fromEntries(presence.list((name: string, { metas }: { metas: unknown[] }) => [name, metas.length]));
  });
  expect((await join(channel)).status).toBe('ok');
  return { channel, online: () => online, events };
}

test('after joining, the client gets presence_state with itself: key the user name, a meta with online_at', async () => {
  const topic = freshRoom();
  const socket = await clients.connected(tokens.ann);
  const channel = socket.channel(topic);
  const state = new Promise<any>((resolve) => channel.on('presence_state', resolve));
  expect((await join(channel)).status).toBe('ok');
  expect(await state).toEqual({ ann: { metas: [{ online_at: expect.stringMatching(ISO_TIME), phx_ref: expect.any(String) }] } });
});

test("phoenix's Presence lists who joins and drops who leaves, from presence_diff", async () => {
  const topic = freshRoom();
  const ann = await watchAs('ann', topic);
  await eventually(() => 'ann' in ann.online(), 'ann to see herself online');

  const bob = await watchAs('bob', topic);
  await eventually(() => 'bob' in ann.online(), 'ann to see bob online');
  await eventually(() => 'ann' in bob.online() && 'bob' in bob.online(), 'bob to see both');
  expect(ann.events[0]).toBe('presence_state');
  expect(ann.events.slice(1)).toContain('presence_diff');

  await new Promise<void>((resolve) => bob.channel.leave().receive('ok', () => resolve()));
  await eventually(() => !('bob' in ann.online()), 'bob to leave ann’s list');
  expect(ann.online()).toEqual({ ann: 1 });
});

test('a closed socket leaves the list; two tabs of one user count as one name with two metas', async () => {
  const topic = freshRoom();
  const ann = await watchAs('ann', topic);
  await watchAs('bob', topic);
  const bobSecondTab = await clients.connected(tokens.bob, { reconnectAfterMs: () => 60_000 });
  await clients.joined(bobSecondTab, topic);
  await eventually(() => ann.online().bob === 2, 'ann to see bob with two tabs');

  bobSecondTab.disconnect();
  await eventually(() => ann.online().bob === 1, 'bob to be down to one tab');
});

test('presence is per room', async () => {
  const ann = await watchAs('ann', freshRoom());
  const elsewhere = await watchAs('bob', freshRoom());
  await eventually(() => 'bob' in elsewhere.online(), 'bob to see himself');
  await eventually(() => 'ann' in ann.online(), 'ann to see herself');
  expect(ann.online()).toEqual({ ann: 1 });
});
