import { randomBytes } from 'node:crypto';
import { describeWhen, OwnRedisServer, REDIS_URL, redisAnswers, redisServerInstalled } from '../../test/fixtures/nodes/redis.js';
import { Presence, type Channel as PhoenixChannel } from 'phoenix';
import { collect, eventually, join, nextEvent, push, sleep } from '../../test/support/phoenix-client.js';
import { SampleClients, signIn, startSampleApp, upgradeStatus, type SampleApp } from './support/sample-app.js';

const describeRedis = describeWhen(await redisAnswers(REDIS_URL), `Redis is not reachable at ${REDIS_URL}`);
const describeOwnRedis = describeWhen(redisServerInstalled(), 'redis-server is not on PATH');

// Names of this run only: other test runs may share the Redis (and its topics) meanwhile.
const run = randomBytes(3).toString('hex');
const ann = `ann-${run}`;
const bob = `bob-${run}`;

/** The new_msg a channel receives, with the position phoenix.js hands to `on` callbacks. */
function positioned(channel: PhoenixChannel): { body: string; ref: string }[] {
  const arrivals: { body: string; ref: string }[] = [];
  channel.on('new_msg', (message: { body: string }, ref?: string) => void arrivals.push({ body: message.body, ref: ref! }));
  return arrivals;
}

describeRedis('two sample nodes on one Redis (REDIS_URL)', () => {
  let nodes: SampleApp[] = [];
  let clientsOf: Map<SampleApp, SampleClients>;
  beforeAll(async () => {
    nodes = await Promise.all([startSampleApp({ REDIS_URL }), startSampleApp({ REDIS_URL })]);
    clientsOf = new Map(nodes.map((node) => [node, new SampleClients(() => node.socketUrl)]));
  });
  afterEach(() => Promise.all([...clientsOf.values()].map((clients) => clients.disconnectAll())));
  afterAll(() => Promise.all(nodes.map((node) => node.close())));

  /** A socket of `user` on `node`, with a token that the other node issued. */
  async function connectAs(user: string, node: SampleApp) {
    const issuer = nodes.find((other) => other !== node)!;
    return clientsOf.get(node)!.connected(await signIn(issuer.baseUrl, user), { reconnectAfterMs: () => 60_000 });
  }

  test('a message sent on one node reaches the room on the other, and is in both histories', async () => {
    const [a, b] = nodes;
    const room = `room:cluster-${run}-1`;
    const { channel: annRoom } = await clientsOf.get(a)!.joined(await connectAs(ann, a), room);
    const { channel: bobRoom } = await clientsOf.get(b)!.joined(await connectAs(bob, b), room);
    const toBob = nextEvent(bobRoom, 'new_msg');

    const reply = await push(annRoom, 'new_msg', { body: 'across nodes' });
    expect(await toBob).toMatchObject({ id: reply.response.id, user: ann, body: 'across nodes' });

    for (const node of nodes) {
      const { response } = await clientsOf.get(node)!.joined(await connectAs(bob, node), room);
      expect(response.messages.map((message: any) => message.id)).toEqual([reply.response.id]);
    }
  });

  test('a mention reaches the user on the other node', async () => {
    const [a, b] = nodes;
    const { channel: bobPrivate } = await clientsOf.get(b)!.joined(await connectAs(bob, b), `user:${bob}`);
    const { channel: annRoom } = await clientsOf.get(a)!.joined(await connectAs(ann, a), `room:cluster-${run}-2`);
    const mention = nextEvent(bobPrivate, 'mention');
    await push(annRoom, 'new_msg', { body: `hi @${bob}` });
    expect(await mention).toEqual({ from: ann, room: `cluster-${run}-2`, body: `hi @${bob}` });
  });

  test("logout on one node closes the user's sockets on every node", async () => {
    const [a, b] = nodes;
    const token = await signIn(a.baseUrl, ann);
    const onB = await clientsOf.get(b)!.connected(token, { reconnectAfterMs: () => 60_000 });
    const closes: number[] = [];
    onB.onClose((event: { code: number }) => void closes.push(event.code));

    const response = await fetch(`${a.baseUrl}/api/session/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(204);
    await eventually(() => closes.length > 0, "ann's socket on the other node to close");
    expect(closes).toEqual([1001]);
    // The revocation reached the other node before the disconnect did: no way back in there.
    expect(await upgradeStatus(b.socketUrl, { token })).toBe(403);
  });

  test('each node lists who is online on the other, and drops them when they leave', async () => {
    const [a, b] = nodes;
    const topic = `room:cluster-${run}-4`;
    const onlineSeenBy = async (user: string, node: SampleApp) => {
      const channel = (await connectAs(user, node)).channel(topic);
      const presence = new Presence(channel);
      let online: string[] = [];
      presence.onSync(() => {
        online = presence.list((name: string) => name).sort();
      });
      expect((await join(channel)).status).toBe('ok');
      return { channel, online: () => online };
    };
    const annView = await onlineSeenBy(ann, a);
    const bobView = await onlineSeenBy(bob, b);
    const both = [ann, bob].sort().join();
    await eventually(() => annView.online().join() === both, 'ann on one node to see bob on the other');
    await eventually(() => bobView.online().join() === both, 'bob to see ann');

    await new Promise<void>((resolve) => bobView.channel.leave().receive('ok', () => resolve()));
    await eventually(() => annView.online().join() === ann, 'bob to leave the list on the other node');
  });

  test('a client that rejoins on the other node with since gets what it missed there, once each, in order: recovered true', async () => {
    const [a, b] = nodes;
    const room = `room:cluster-${run}-5`;
    const { channel: bobRoom } = await clientsOf.get(a)!.joined(await connectAs(bob, a), room);
    const annOnA = await connectAs(ann, a);
    const { channel: annRoom } = await clientsOf.get(a)!.joined(annOnA, room);
    const seen = positioned(annRoom);
    await push(bobRoom, 'new_msg', { body: 'seen' });
    await eventually(() => seen.length === 1, 'the first message');
    const since = seen[0]!.ref;
    annOnA.disconnect();

    await push(bobRoom, 'new_msg', { body: 'missed 1' });
    await push(bobRoom, 'new_msg', { body: 'missed 2' });
    const back = (await connectAs(ann, b)).channel(room, { since });
    const arrivals = positioned(back);
    const reply = await join(back);
    await push(bobRoom, 'new_msg', { body: 'live' });
    await eventually(() => arrivals.some(({ body }) => body === 'live'), 'the live message on the other node');

    expect(reply.response.recovery).toEqual({ position: expect.any(String), recovered: true });
    const epoch = since.slice(0, since.lastIndexOf(':'));
    const offset = Number(since.slice(since.lastIndexOf(':') + 1));
    expect(arrivals).toEqual(['missed 1', 'missed 2', 'live'].map((body, i) => ({ body, ref: `${epoch}:${offset + i + 1}` })));
  });

  test('typing crosses nodes too, and still skips the sender', async () => {
    const [a, b] = nodes;
    const room = `room:cluster-${run}-3`;
    const { channel: annRoom } = await clientsOf.get(a)!.joined(await connectAs(ann, a), room);
    const { channel: bobRoom } = await clientsOf.get(b)!.joined(await connectAs(bob, b), room);
    const seenByAnn = collect(annRoom, 'typing');
    const toBob = nextEvent(bobRoom, 'typing');
    annRoom.push('typing', {});
    expect(await toBob).toEqual({ user: ann });
    const echo = nextEvent(annRoom, 'new_msg');
    await push(annRoom, 'new_msg', { body: 'after typing' });
    await echo;
    expect(seenByAnn).toEqual([]);
  });
});

describeOwnRedis('two sample nodes whose Redis restarts empty', () => {
  let redis: OwnRedisServer;
  let nodes: SampleApp[] = [];
  let clientsOf: Map<SampleApp, SampleClients>;
  beforeAll(async () => {
    redis = await OwnRedisServer.start();
    nodes = await Promise.all([startSampleApp({ REDIS_URL: redis.url }), startSampleApp({ REDIS_URL: redis.url })]);
    clientsOf = new Map(nodes.map((node) => [node, new SampleClients(() => node.socketUrl)]));
  }, 20_000);
  afterAll(async () => {
    await Promise.all([...(clientsOf?.values() ?? [])].map((clients) => clients.disconnectAll()));
    await Promise.all(nodes.map((node) => node.close()));
    await redis?.stop();
  });

  const joinedOn = async (node: SampleApp, user: string, topic: string, params: object = {}) => {
    const socket = await clientsOf.get(node)!.connected(await signIn(node.baseUrl, user), { reconnectAfterMs: () => 60_000 });
    const channel = socket.channel(topic, params);
    const arrivals = positioned(channel);
    const reply = await join(channel);
    return { channel, arrivals, reply };
  };

  test('a rejoin with a position from before the loss answers recovered false and replays nothing', async () => {
    const [a, b] = nodes;
    const room = `room:lost-${run}`;
    const bobOnA = await joinedOn(a, bob, room);
    const annOnA = await joinedOn(a, ann, room);
    await push(bobOnA.channel, 'new_msg', { body: 'before the loss' });
    await eventually(() => annOnA.arrivals.length === 1, 'the first message');
    const since = annOnA.arrivals[0]!.ref;

    await redis.stop();
    await redis.start(); // without the data: nothing is saved
    // One cluster again once a message sent on one node reaches a client on the other.
    const watcher = await joinedOn(b, bob, room);
    const deadline = Date.now() + 20_000;
    while (watcher.arrivals.length === 0) {
      if (Date.now() > deadline) throw new Error('the nodes were not linked again within 20 s of the restart');
      await push(bobOnA.channel, 'new_msg', { body: 'ping' });
      await sleep(200);
    }

    const back = await joinedOn(b, ann, room, { since });
    expect(back.reply.response.recovery).toEqual({ position: expect.any(String), recovered: false });
    await push(bobOnA.channel, 'new_msg', { body: 'after the loss' });
    await eventually(() => back.arrivals.length > 0, 'a live message');
    expect(back.arrivals.map(({ body }) => body)).toEqual(['after the loss']);
  }, 40_000);
});
