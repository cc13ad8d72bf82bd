import type { Channel as PhoenixChannel } from 'phoenix';
import {
  enter,
  leaveSeen,
  PresenceCluster,
  type PresenceMember,
  type PresenceNode,
} from '../fixtures/nodes/presence-cluster.js';
import { describeWhen, REDIS_URL, redisAnswers, uniquePrefix } from '../fixtures/nodes/redis.js';
import { join } from '../support/phoenix-client.js';

// Presence across real app processes (test/fixtures/nodes/node-app.ts) on one Redis, seen through
// the official phoenix client's Presence. The tests of each block run in order and continue the
// same cluster's story (a node killed in one test is restarted in the next), since a process
// takes seconds to boot. No timing is asserted: the figures are measured and printed, and every
// wait is for a condition, with timeouts far above what a loaded 2-core machine needs.

const describeRedis = describeWhen(await redisAnswers(REDIS_URL), `Redis is not reachable at ${REDIS_URL}`);

const figures: string[] = [];
afterAll(() => {
  if (figures.length > 0) console.log(`Presence on Redis, measured:\n${figures.map((line) => `  - ${line}`).join('\n')}`);
});

const ms = (from: number, to: number) => `${Math.round(to - from)} ms`;

describeRedis('Presence on three app processes on Redis (broadcast every 100 ms, down after 1000 ms)', () => {
  const cluster = new PresenceCluster(uniquePrefix('presence'), { broadcastPeriodMs: 100, downPeriodMs: 1000 });
  let a: PresenceNode;
  let b: PresenceNode;
  let c: PresenceNode;
  /** The nodes alive now. */
  let running: PresenceNode[] = [];

  beforeAll(async () => {
    [a, b, c] = await cluster.startAll(['a', 'b', 'c']);
    running = [a, b, c];
  }, 30_000);
  afterAll(() => cluster.stopAll(), 15_000);

  test('every node lists the same presences, and a user on one node sees the users of the others', async () => {
    const topic = 'presence:lobby';
    const ann = await enter(a, topic, 'ann');
    const bob = await enter(b, topic, 'bob');
    const cat = await enter(c, topic, 'cat');
    // ann's second device, on another node: one key, two metas.
    const annOnB = await enter(b, topic, 'ann');
    const members = [ann, bob, cat, annOnB];

    const list = await cluster.converged(running, members.map((member) => member.watcher), topic);

    expect(Object.keys(list)).toEqual(['ann', 'bob', 'cat']);
    expect(list.ann).toHaveLength(2);
    for (const { watcher } of members) {
      expect(watcher.syncs).toBeGreaterThan(0);
      expect(watcher.presence.list((key: string, { metas }: { metas: unknown[] }) => `${key}:${metas.length}`).sort()).toEqual([
        'ann:2',
        'bob:1',
        'cat:1',
      ]);
      // Each remote user arrived once, whether through presence_state or a diff.
      expect(watcher.eventsOf('join', 'bob').flatMap((event) => event.refs)).toEqual(list.bob);
      expect(watcher.eventsOf('join', 'cat').flatMap((event) => event.refs)).toEqual(list.cat);
    }
  });

  describe('a node killed, then restarted', () => {
    const topic = 'presence:crash';
    let ann: PresenceMember;
    let cat: PresenceMember;
    let bobsOldRef: string;

    test('SIGKILL of node b: its presences leave, with presence_diff leaves, on the clients of a and c', async () => {
      ann = await enter(a, topic, 'ann');
      const bob = await enter(b, topic, 'bob');
      cat = await enter(c, topic, 'cat');
      const before = await cluster.converged(running, [ann, bob, cat].map((member) => member.watcher), topic);
      bobsOldRef = before.bob![0]!;
      const leftOnA = leaveSeen(ann.channel, 'bob', 15_000);
      const leftOnC = leaveSeen(cat.channel, 'bob', 15_000);

      const killedAt = performance.now();
      await cluster.kill(b);
      running = [a, c];
      const [onA, onC] = await Promise.all([leftOnA, leftOnC]);
      figures.push(`SIGKILL of node b -> its presence leaves on a client of a after ${ms(killedAt, onA)}, of c after ${ms(killedAt, onC)} (downPeriodMs 1000, broadcastPeriodMs 100)`);

      const after = await cluster.converged(running, [ann.watcher, cat.watcher], topic);
      expect(after).toEqual({ ann: before.ann, cat: before.cat });
      expect(ann.watcher.eventsOf('leave', 'bob')).toEqual([expect.objectContaining({ refs: [bobsOldRef], remaining: 0 })]);
      // Declared down by failure detection: nothing else could have told a and c.
      expect(a.app.output()).toMatch(/Node "b" silent for over 1000 ms: declared down/);
      expect(c.app.output()).toMatch(/Node "b" silent for over 1000 ms: declared down/);
    }, 30_000);

    test('node b started again under a new name is merged without duplicates, and gets the presences of the others', async () => {
      const b2 = await cluster.start('b2');
      running = [a, b2, c];
      const bob = await enter(b2, topic, 'bob');

      const list = await cluster.converged(running, [ann, bob, cat].map((member) => member.watcher), topic);

      expect(Object.keys(list)).toEqual(['ann', 'bob', 'cat']);
      expect(Object.values(list).every((refs) => refs.length === 1)).toBe(true);
      expect(list.bob).not.toContain(bobsOldRef);
      expect(ann.watcher.eventsOf('join', 'bob').map((event) => event.refs)).toEqual([[bobsOldRef], list.bob]);
      for (const key of ['ann', 'cat']) expect(bob.watcher.eventsOf('join', key)).toHaveLength(1);
    }, 30_000);
  });

  test('1,000 joins and leaves across two nodes converge to identical lists on every node and client', async () => {
    const topic = 'presence:churn';
    const watchers = [(await enter(a, topic, null)).watcher, (await enter(c, topic, null)).watcher];
    const SOCKETS_PER_NODE = 10;
    const CYCLES = 50;
    /** Users left in at the end, with how many sockets each. */
    const stillIn = new Map<string, number>();

    // 20 sockets, half on a and half on c, each joining and leaving 50 times as a user taken from
    // a pool of 15 per node (as the sockets drift apart, a key at times holds metas of several): 1,000 joins. Every
    // other socket stays in after its last join, so the final list is not empty.
    const startedAt = performance.now();
    await Promise.all(
      [a, c].flatMap((node) =>
        Array.from({ length: SOCKETS_PER_NODE }, async (_, index) => {
          const socket = await node.clients.connected();
          for (let cycle = 0; cycle < CYCLES; cycle++) {
            const user = `${node.name}-user${(index * 7 + cycle) % 15}`;
            const channel = socket.channel(topic, { user });
            const reply = await join(channel, 10_000);
            if (reply.status !== 'ok') throw new Error(`join as ${user} on ${node.name} answered ${JSON.stringify(reply)}`);
            if (cycle === CYCLES - 1 && index % 2 === 0) stillIn.set(user, (stillIn.get(user) ?? 0) + 1);
            else await leave(channel);
          }
        }),
      ),
    );
    const churnedAt = performance.now();
    const stayed = [...stillIn.values()].reduce((sum, count) => sum + count, 0);
    const list = await cluster.converged(running, watchers, topic, 20_000);
    figures.push(
      `churn: ${2 * SOCKETS_PER_NODE * CYCLES} joins and ${2 * SOCKETS_PER_NODE * CYCLES - stayed} leaves over a and c in ${ms(startedAt, churnedAt)}, ` +
        `then ${running.length} nodes and 2 clients identical ${ms(churnedAt, performance.now())} later`,
    );

    expect(Object.fromEntries(Object.entries(list).map(([key, refs]) => [key, refs.length]))).toEqual(
      Object.fromEntries([...stillIn].sort(([x], [y]) => x.localeCompare(y))),
    );
  }, 60_000);
});

describeRedis('Presence on two app processes on Redis (broadcast every 100 ms, down after 30 s)', () => {
  // A down period far longer than any wait below: whatever leaves here left without failure detection.
  const cluster = new PresenceCluster(uniquePrefix('presence-slow'), { broadcastPeriodMs: 100, downPeriodMs: 30_000 });
  let d: PresenceNode;
  let e: PresenceNode;

  beforeAll(async () => {
    [d, e] = await cluster.startAll(['d', 'e']);
  }, 30_000);
  afterAll(() => cluster.stopAll(), 15_000);

  test('a node killed and restarted under the same name replaces its previous run at once, without duplicates', async () => {
    const topic = 'presence:restart';
    const dan = await enter(d, topic, 'dan');
    const eve = await enter(e, topic, 'eve');
    const before = await cluster.converged([d, e], [dan.watcher, eve.watcher], topic);
    const oldRef = before.eve![0]!;
    const oldLeft = leaveSeen(dan.channel, 'eve', 20_000);

    const killedAt = performance.now();
    await cluster.kill(e);
    e = await cluster.start('e');
    // The new run joins the other nodes on its first use of Presence: this join.
    const rejoinedAt = performance.now();
    const eveAgain = await enter(e, topic, 'eve');
    const leftAt = await oldLeft;
    figures.push(
      `SIGKILL of node e, restarted under the same name ${ms(killedAt, rejoinedAt)} later -> its previous run's presence leaves on a ` +
        `client of d ${ms(rejoinedAt, leftAt)} after the new run's first join (downPeriodMs 30000)`,
    );

    const list = await cluster.converged([d, e], [dan.watcher, eveAgain.watcher], topic);
    expect(Object.keys(list)).toEqual(['dan', 'eve']);
    expect(list.eve).toHaveLength(1);
    expect(list.eve).not.toContain(oldRef);
    // The old run's leave and the new run's join may share one diff window: then the client sees
    // eve keep one meta throughout (remaining 1), as after an update; otherwise it drops to 0.
    const leaves = dan.watcher.eventsOf('leave', 'eve');
    expect(leaves).toEqual([expect.objectContaining({ refs: [oldRef] })]);
    expect([0, 1]).toContain(leaves[0]!.remaining);
    expect(d.app.output()).not.toMatch(/declared down/);
  }, 40_000);

  test('a graceful shutdown (SIGTERM) makes its presences leave at once, not after the down period', async () => {
    const topic = 'presence:shutdown';
    const dan = await enter(d, topic, 'dan');
    const eve = await enter(e, topic, 'eve');
    await enter(e, topic, 'eli');
    await cluster.converged([d, e], [dan.watcher, eve.watcher], topic);
    const leftOnD = ['eve', 'eli'].map((key) => leaveSeen(dan.channel, key, 10_000));

    const stoppedAt = performance.now();
    await cluster.terminate(e);
    const leftAt = Math.max(...(await Promise.all(leftOnD)));
    figures.push(`SIGTERM of node e -> its presences leave on a client of d after ${ms(stoppedAt, leftAt)} (broadcastPeriodMs 100, downPeriodMs 30000)`);

    expect(Object.keys(await cluster.list(d, topic))).toEqual(['dan']);
    expect(dan.watcher.keys()).toEqual(['dan']);
    expect(d.app.output()).not.toMatch(/declared down/);
  }, 30_000);
});

function leave(channel: PhoenixChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    channel
      .leave(10_000)
      .receive('ok', () => resolve())
      .receive('timeout', () => reject(new Error(`leave of ${channel.topic} timed out`)));
  });
}
