import { PubSub, type BroadcastMessage, type PubSubAdapter } from 'nestjs-channels';
import type { ChatMessage } from '../src/chat/chat-message.js';
import { jest } from '@jest/globals';
import { HISTORY_LIMIT, MessageStore, ROOM_IDLE_MS } from '../src/chat/message-store.service.js';

/** A one-node adapter that can play a message arriving from another node. */
class OtherNodes implements PubSubAdapter {
  deliver: (message: BroadcastMessage) => void = () => {};
  init(deliver: (message: BroadcastMessage) => void): void {
    this.deliver = deliver;
  }
  publish(): void {}
  subscribe(): void {}
  unsubscribe(): void {}
  close(): void {}
}

let otherNodes: OtherNodes;
let pubsub: PubSub;
let store: MessageStore;
beforeEach(async () => {
  otherNodes = new OtherNodes();
  pubsub = new PubSub(otherNodes);
  await pubsub.onModuleInit();
  store = new MessageStore(pubsub);
  store.onModuleInit();
});
afterEach(() => store.onModuleDestroy());

const message = (room: string, n: number): ChatMessage => ({
  id: `${room}-${n}`,
  room,
  user: 'ann',
  body: `message ${n}`,
  at: new Date(n * 1000).toISOString(),
});

test('keeps each room apart, oldest first, and has a message as soon as add() returns', () => {
  store.add(message('a', 1));
  store.add(message('b', 1));
  store.add(message('a', 2));
  expect(store.recent('a').map((m) => m.id)).toEqual(['a-1', 'a-2']);
  expect(store.recent('b').map((m) => m.id)).toEqual(['b-1']);
  expect(store.recent('c')).toEqual([]);
});

test(`keeps the last ${HISTORY_LIMIT} messages of a room`, () => {
  for (let n = 1; n <= HISTORY_LIMIT + 7; n++) store.add(message('a', n));
  const recent = store.recent('a');
  expect(recent).toHaveLength(HISTORY_LIMIT);
  expect(recent[0].id).toBe('a-8');
  expect(recent.at(-1)!.id).toBe(`a-${HISTORY_LIMIT + 7}`);
});

test('also records messages another node published through PubSub', () => {
  // What a cross-node adapter does with a message from elsewhere: deliver it on this node.
  const fromElsewhere: BroadcastMessage = { topic: 'chat:history', event: 'message', payload: message('a', 1) };
  otherNodes.deliver(fromElsewhere);
  expect(store.recent('a').map((m) => m.id)).toEqual(['a-1']);
});

test('hands out copies, so callers cannot change the history', () => {
  store.add(message('a', 1));
  store.recent('a').pop();
  expect(store.recent('a')).toHaveLength(1);
});

test('a room nobody used for ROOM_IDLE_MS is forgotten; one read or written stays', () => {
  // The store reads the clock: fix it, so that a busy machine's passing milliseconds do not count.
  const start = Date.now();
  const clock = jest.spyOn(Date, 'now').mockReturnValue(start);
  store.add(message('idle', 1));
  store.add(message('busy', 1));
  expect(store.roomCount).toBe(2);
  store.sweep(start + ROOM_IDLE_MS / 2);
  expect(store.roomCount).toBe(2);
  clock.mockReturnValue(start + ROOM_IDLE_MS / 2);
  store.recent('busy'); // a join reads it
  jest.restoreAllMocks();
  store.sweep(start + ROOM_IDLE_MS + 1);
  expect(store.recent('idle')).toEqual([]);
  expect(store.recent('busy').map((m) => m.id)).toEqual(['busy-1']);
  expect(store.roomCount).toBe(1);
});
