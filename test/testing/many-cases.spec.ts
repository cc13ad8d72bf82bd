import type { TestingModule } from '@nestjs/testing';
import { ChannelsServer, PubSub } from 'nestjs-channels';
import { ChannelsTestHarness } from 'nestjs-channels/testing';
import { DenyGuard, Journal, RoomChannel } from '../fixtures/room.channel.js';
import { compileChannelsModule } from './fixtures/compile-module.js';

// Hundreds of cases share one module: each connects, joins, pushes and tears down cleanly.
const CYCLES = 300;

let moduleRef: TestingModule;
let channels: ChannelsTestHarness;

beforeAll(async () => {
  moduleRef = await compileChannelsModule([RoomChannel, Journal, DenyGuard]);
  channels = await ChannelsTestHarness.create(moduleRef);
});
afterAll(() => moduleRef.close());

it(`runs ${CYCLES} connect + join + push + assertReply cycles without leaking connections or subscriptions`, async () => {
  // The library's own subscriptions (e.g. presence replication) are there before any client.
  const baselineTopics = moduleRef.get(PubSub).topicCount;
  for (let i = 0; i < CYCLES; i++) {
    const socket = await channels.connect();
    const room = await socket.subscribeAndJoin(`room:${i}`, { nick: `user${i}` });
    await room.assertReply(room.push('new_msg', { body: `hello ${i}` }), 'ok', { body: `hello ${i}`, nick: `user${i}` });
    await channels.close();
  }
  expect(moduleRef.get(ChannelsServer).connectionCount).toBe(0);
  expect(moduleRef.get(PubSub).topicCount).toBe(baselineTopics);
  expect(moduleRef.get(Journal).terminated).toHaveLength(CYCLES);
});
