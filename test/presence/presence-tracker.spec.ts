import { Logger } from '@nestjs/common';
import { PubSub, type BroadcastMessage } from '../../lib/index.js';
import { PresenceTracker } from '../../lib/presence/presence-tracker.js';
import type { PresenceChanges, TrackedPresence } from '../../lib/presence/tracked-presence.js';
import { TRACKER_TOPIC } from '../../lib/presence/tracker-messages.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { PubSubLink, type LinkedAdapter } from '../support/linked-pubsub.js';

// Periods long enough that the trackers' own timers never fire here: each test ticks by hand
// on a fake clock, so down detection is exact and nothing depends on the machine's speed.
const BROADCAST_PERIOD = 10_000;
const DOWN_PERIOD = 30_000;

interface TestNode {
  name: string;
  adapter: LinkedAdapter;
  pubsub: PubSub;
  tracker: PresenceTracker;
  changes: PresenceChanges[];
  /** Tracker messages this node received from the others. */
  heard: BroadcastMessage[];
}

let link: PubSubLink;
let now: number;
const nodes: TestNode[] = [];
let refs = 0;

async function startNode(name: string): Promise<TestNode> {
  const adapter = link.adapter(name);
  const pubsub = new PubSub(adapter);
  await pubsub.onModuleInit();
  const changes: PresenceChanges[] = [];
  const options = { broadcastPeriodMs: BROADCAST_PERIOD, downPeriodMs: DOWN_PERIOD, deltaBatchMs: 60_000, nodeName: name };
  const tracker = new PresenceTracker(pubsub, options, (change) => changes.push(change), () => now);
  const heard: BroadcastMessage[] = [];
  pubsub.subscribe(TRACKER_TOPIC, (message) => heard.push(message));
  tracker.start();
  const node = { name, adapter, pubsub, tracker, changes, heard };
  nodes.push(node);
  await link.idle();
  return node;
}

function track(node: TestNode, owner: string, topic: string, key: string): TrackedPresence {
  const presence = { topic, key, meta: { phx_ref: `${node.name}-${refs++}`, device: 'web' } };
  node.tracker.track(owner, presence);
  return presence;
}

const keysOn = (node: TestNode, topic: string) => node.tracker.state.list(topic).map((p) => p.key).sort();
const leftKeys = (node: TestNode) => node.changes.flatMap((change) => change.leaves.map((p) => p.key)).sort();

/** Sends pending deltas and waits for every message they cause. */
async function sync(...senders: TestNode[]): Promise<void> {
  for (const node of senders) node.tracker.flush();
  await link.idle();
}

async function tickAll(): Promise<void> {
  for (const node of nodes) node.tracker.tick();
  await link.idle();
}

/** Lets `ms` pass on the fake clock, every tracker ticking once per broadcast period as its timer would. */
async function advance(ms: number): Promise<void> {
  const until = now + ms;
  while (now < until) {
    now = Math.min(until, now + BROADCAST_PERIOD);
    await tickAll();
  }
}

beforeEach(() => {
  link = new PubSubLink();
  now = 0;
  Logger.overrideLogger(new CapturedLogger());
});

afterEach(async () => {
  for (const node of nodes.splice(0)) {
    node.tracker.stop(false);
    await node.pubsub.onApplicationShutdown();
  }
  Logger.overrideLogger(['error', 'warn']);
});

it('sends a new node the whole state of every node when it says hello', async () => {
  const a = await startNode('a');
  track(a, 'chan1', 'room:1', 'ann');
  track(a, 'chan2', 'room:2', 'bob');
  await sync(a);
  const b = await startNode('b');
  expect(keysOn(b, 'room:1')).toEqual(['ann']);
  expect(keysOn(b, 'room:2')).toEqual(['bob']);
  expect(b.changes.flatMap((change) => change.joins.map((p) => p.key)).sort()).toEqual(['ann', 'bob']);
});

it('replicates each change as a delta holding only that change', async () => {
  const a = await startNode('a');
  const b = await startNode('b');
  for (let i = 0; i < 50; i++) track(a, `chan${i}`, 'room:1', `user${i}`);
  await sync(a);
  expect(b.tracker.state.list('room:1')).toHaveLength(50);

  b.heard.length = 0;
  a.tracker.untrack('chan7', 'room:1', 'user7');
  const late = track(a, 'chan99', 'room:1', 'late');
  await sync(a);
  expect(b.heard.map((message) => message.event)).toEqual(['delta']);
  expect(b.heard[0]!.payload).toMatchObject({ joins: [late], leaves: [expect.any(String)] });
  expect((b.heard[0]!.payload as { joins: unknown[] }).joins).toHaveLength(1);
  expect(keysOn(b, 'room:1')).toEqual(keysOn(a, 'room:1'));
  expect(keysOn(b, 'room:1')).not.toContain('user7');
});

it('sends heartbeats that carry no presences, and only when it had nothing else to say', async () => {
  const a = await startNode('a');
  const b = await startNode('b');
  for (let i = 0; i < 200; i++) track(a, `chan${i}`, 'room:1', `user${i}`);
  await sync(a);
  a.tracker.tick(); // the delta just sent counts for this period
  await link.idle();
  b.heard.length = 0;
  a.tracker.tick();
  await link.idle();
  expect(b.heard).toHaveLength(1);
  expect(b.heard[0]!.event).toBe('heartbeat');
  expect(Object.keys(b.heard[0]!.payload as object).sort()).toEqual(['clock', 'from']);

  b.heard.length = 0;
  track(a, 'chan-x', 'room:1', 'x');
  await sync(a);
  a.tracker.tick();
  await link.idle();
  expect(b.heard.map((message) => message.event)).toEqual(['delta']);
});

it('asks for the whole state when a heartbeat shows that it missed a delta', async () => {
  const a = await startNode('a');
  const b = await startNode('b');
  a.adapter.disconnect();
  track(a, 'chan1', 'room:1', 'ann');
  await sync(a);
  a.adapter.reconnect();
  expect(keysOn(b, 'room:1')).toEqual([]);

  track(a, 'chan2', 'room:1', 'bob');
  await sync(a); // a delta with a gap: b cannot apply it and asks for a transfer
  expect(keysOn(b, 'room:1')).toEqual(['ann', 'bob']);

  a.adapter.disconnect();
  a.tracker.untrack('chan1', 'room:1', 'ann');
  await sync(a);
  a.adapter.reconnect();
  await advance(2 * BROADCAST_PERIOD); // a heartbeat shows a version b has not seen
  expect(keysOn(b, 'room:1')).toEqual(['bob']);
});

it('declares a silent node down after the down period: its presences leave, the others stay', async () => {
  const a = await startNode('a');
  const b = await startNode('b');
  const c = await startNode('c');
  track(a, 'chan1', 'room:1', 'ann');
  track(c, 'chan1', 'room:1', 'cat');
  await sync(a, c);
  expect(keysOn(b, 'room:1')).toEqual(['ann', 'cat']);

  a.adapter.disconnect();
  await advance(DOWN_PERIOD);
  expect(keysOn(b, 'room:1')).toEqual(['ann', 'cat']);
  await advance(BROADCAST_PERIOD);
  expect(keysOn(b, 'room:1')).toEqual(['cat']);
  expect(leftKeys(b)).toEqual(['ann']);
  expect(b.tracker.replicaNames()).toEqual(['c']);
  expect(keysOn(c, 'room:1')).toEqual(['cat']);
  expect(keysOn(a, 'room:1')).toEqual(['ann']); // cut off, a heard nobody either
});

it('merges a node that comes back without duplicates, including what changed while it was away', async () => {
  const a = await startNode('a');
  const b = await startNode('b');
  track(a, 'chan1', 'room:1', 'ann');
  track(a, 'chan2', 'room:1', 'amy');
  track(b, 'chan1', 'room:1', 'bob');
  await sync(a, b);

  a.adapter.disconnect();
  await advance(DOWN_PERIOD + BROADCAST_PERIOD);
  expect(keysOn(b, 'room:1')).toEqual(['bob']);
  expect(keysOn(a, 'room:1')).toEqual(['amy', 'ann']);
  a.tracker.untrack('chan2', 'room:1', 'amy');
  track(a, 'chan3', 'room:1', 'art');
  await sync(a);

  a.adapter.reconnect();
  await advance(2 * BROADCAST_PERIOD);
  expect(keysOn(b, 'room:1')).toEqual(['ann', 'art', 'bob']);
  expect(keysOn(a, 'room:1')).toEqual(['ann', 'art', 'bob']);
  expect(b.tracker.state.list('room:1')).toHaveLength(3);
});

it('drops the presences of a node that says goodbye at once', async () => {
  const a = await startNode('a');
  const b = await startNode('b');
  track(a, 'chan1', 'room:1', 'ann');
  await sync(a);
  a.tracker.stop(true);
  await link.idle();
  expect(keysOn(b, 'room:1')).toEqual([]);
  expect(leftKeys(b)).toEqual(['ann']);
  expect(b.tracker.replicaNames()).toEqual([]);
});

it('replaces the previous run of a node restarted under the same name', async () => {
  const a = await startNode('a');
  const b = await startNode('b');
  track(a, 'chan1', 'room:1', 'ann');
  await sync(a);
  a.tracker.stop(false); // killed: no goodbye

  const again = await startNode('a');
  track(again, 'chan1', 'room:1', 'ann-again');
  await sync(again);
  expect(keysOn(b, 'room:1')).toEqual(['ann-again']);
  expect(leftKeys(b)).toEqual(['ann']);
});

it('ignores messages that are not tracker messages, and a second node using its own name', async () => {
  const a = await startNode('a');
  const b = await startNode('b');
  // As if another node had sent them.
  b.adapter.receive(JSON.stringify({ topic: TRACKER_TOPIC, event: 'delta', payload: { from: { name: 'x' } } }));
  b.adapter.receive(
    JSON.stringify({ topic: TRACKER_TOPIC, event: 'delta', payload: { from: { name: 'b', vsn: 'other' }, clock: 1, joins: [], leaves: [] } }),
  );
  track(a, 'chan1', 'room:1', 'ann');
  await sync(a);
  expect(keysOn(b, 'room:1')).toEqual(['ann']);
  expect(b.tracker.replicaNames()).toEqual(['a']);
});
