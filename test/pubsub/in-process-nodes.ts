import { Logger } from '@nestjs/common';
import { PubSub, RedisPubSubAdapter, type BroadcastMessage, type HistoryOptions, type RedisPubSubOptions } from '../../lib/index.js';
import { historyPolicy } from '../../lib/history/history-options.js';
import { HistoryPolicies } from '../../lib/history/history-policies.js';
import { randomNodeId } from '../../lib/node-identity.js';
import { CapturedLogger } from '../support/captured-logger.js';
import { eventually } from '../support/phoenix-client.js';

/** One "node" in this process: a PubSub on its own Redis adapter. */
export interface InProcessNode {
  adapter: RedisPubSubAdapter;
  pubsub: PubSub;
}

/**
 * Nodes for adapter-level specs: each test's nodes are shut down after it, and each test gets a
 * fresh captured Nest logger (`logs()`) so that what the adapter logs can be asserted.
 */
export function useInProcessNodes(): {
  /** A node; `history` lists the topic patterns that keep history, as `@Channel(pattern, { history })` would. */
  startNode(options: RedisPubSubOptions, history?: Record<string, HistoryOptions>): Promise<InProcessNode>;
  logs(): CapturedLogger;
} {
  const running: InProcessNode[] = [];
  let logger = new CapturedLogger();
  beforeEach(() => {
    logger = new CapturedLogger();
    Logger.overrideLogger(logger);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((node) => node.pubsub.onApplicationShutdown()));
  });
  return {
    async startNode(options, history = {}) {
      const adapter = new RedisPubSubAdapter(options);
      const policies = new HistoryPolicies();
      for (const [pattern, historyOptions] of Object.entries(history)) policies.add(pattern, historyPolicy(historyOptions));
      const pubsub = new PubSub(adapter);
      // What Nest injects into these properties in an app.
      Object.assign(pubsub, { nodeId: randomNodeId(), policies });
      await pubsub.onModuleInit();
      const node = { adapter, pubsub };
      running.push(node);
      return node;
    },
    logs: () => logger,
  };
}

/** Subscribes a handler on `node` that records every message it gets. */
export function record(node: InProcessNode, topic: string): BroadcastMessage[] {
  const seen: BroadcastMessage[] = [];
  node.pubsub.subscribe(topic, (message) => seen.push(message));
  return seen;
}

/**
 * A broadcast made on `one` reaches `two` once and `one` once, never again through Redis: a fence
 * broadcast from `two` after "hello" arrived there would come back to `one` after any echo.
 * `subscribed` waits until both nodes' subscriptions to the topic's channel are in place.
 */
export async function expectBroadcastCrossesOnce(one: InProcessNode, two: InProcessNode, topic: string, subscribed: () => Promise<void>): Promise<void> {
  const onOne = record(one, topic);
  const onTwo = record(two, topic);
  await subscribed();

  one.pubsub.broadcast(topic, 'hello', { n: 1 });
  await eventually(() => onTwo.length === 1, 'node two got the broadcast');
  two.pubsub.broadcast(topic, 'fence', {});
  await eventually(() => onOne.length === 2, 'node one got the fence');

  expect(onOne.map((message) => message.event)).toEqual(['hello', 'fence']);
  expect(onTwo).toEqual([
    { topic, event: 'hello', payload: { n: 1 } },
    { topic, event: 'fence', payload: {} },
  ]);
}
