import type { TestingModule } from '@nestjs/testing';
import { ChannelsServer } from 'nestjs-channels';
import { ChannelAssertionError, ChannelsTestHarness } from 'nestjs-channels/testing';
import { HISTORY_PROVIDERS } from '../history/fixtures.js';
import { compileChannelsModule } from './fixtures/compile-module.js';

// The testing utilities know about history: the join's recovery, positions, and rejoining with since.

let moduleRef: TestingModule;
let channels: ChannelsTestHarness;
beforeAll(async () => {
  moduleRef = await compileChannelsModule(HISTORY_PROVIDERS);
  channels = await ChannelsTestHarness.create(moduleRef, { assertTimeoutMs: 500, refuteTimeoutMs: 50 });
});
afterEach(() => channels.close());
afterAll(() => moduleRef.close());

test('a channel knows its join recovery and the position of what it received', async () => {
  const room = await (await channels.connect()).subscribeAndJoin('chat:t1');
  expect(room.recovery).toEqual({ position: expect.stringMatching(/:0$/) });
  expect(room.position).toBe(room.recovery!.position);
  moduleRef.get(ChannelsServer).broadcast('chat:t1', 'said', { n: 1 });
  const epoch = room.recovery!.position!.split(':')[0];
  await room.assertPush('said', { n: 1 }, { position: `${epoch}:1` });
  expect(room.position).toBe(`${epoch}:1`);
});

test('assertPush with a position fails on a message at another one, and says where it was', async () => {
  const room = await (await channels.connect()).subscribeAndJoin('chat:t2');
  moduleRef.get(ChannelsServer).broadcast('chat:t2', 'said', { n: 1 });
  const failure = room.assertPush('said', { n: 1 }, { position: 'elsewhere:1' });
  await expect(failure).rejects.toBeInstanceOf(ChannelAssertionError);
  await expect(failure).rejects.toThrow(/no push "said" .* at position "elsewhere:1"[\s\S]*broadcast "said" at "[^"]+:1"/);
  await room.assertPush('said', { n: 1 }, { position: true });
});

test('rejoin({ since }) recovers what was missed; an ephemeral event has no position', async () => {
  const socket = await channels.connect();
  const room = await socket.subscribeAndJoin('chat:t3');
  const since = room.position!;
  await room.leave();
  const server = moduleRef.get(ChannelsServer);
  server.broadcast('chat:t3', 'said', { n: 1 });
  server.broadcast('chat:t3', 'typing', {});
  server.broadcast('chat:t3', 'said', { n: 2 });
  const back = await room.rejoin({ since });
  expect(back.recovery).toEqual({ position: expect.stringMatching(/:2$/), recovered: true });
  await back.assertPush('said', { n: 1 }, { position: true });
  await back.assertPush('said', { n: 2 }, { position: back.recovery!.position! });
  await back.refutePush('typing');
  const lost = await back.rejoin({ since: 'another-epoch:1' });
  expect(lost.recovery).toEqual({ position: back.recovery!.position, recovered: false });
  await lost.refutePush('said');
});
