import type { TestingModule } from '@nestjs/testing';
import { ChannelAssertionError, ChannelsTestHarness } from 'nestjs-channels/testing';
import { PresenceJournal, PresenceRoomChannel } from '../presence/support/presence-room.channel.js';
import { compileChannelsModule } from './fixtures/compile-module.js';

let moduleRef: TestingModule;
let channels: ChannelsTestHarness;

beforeAll(async () => {
  moduleRef = await compileChannelsModule([PresenceRoomChannel, PresenceJournal]);
  channels = await ChannelsTestHarness.create(moduleRef);
});
afterEach(() => channels.close());
afterAll(() => moduleRef.close());

test('assertPresence waits for a tracked key, with a partial meta match', async () => {
  const socket = await channels.connect();
  await socket.subscribeAndJoin('presence:lobby', { user: 'ann', device: 'phone' });
  const list = await channels.assertPresence('presence:lobby', 'ann', { device: 'phone' });
  expect(list.ann.metas).toHaveLength(1);
});

test('refutePresence waits until the presence left with its channel', async () => {
  const socket = await channels.connect();
  const room = await socket.subscribeAndJoin('presence:gone', { user: 'bob' });
  await channels.assertPresence('presence:gone', 'bob');
  await room.leave();
  await channels.refutePresence('presence:gone', 'bob');
});

test('a presence that never comes fails with the list that was seen', async () => {
  const socket = await channels.connect();
  await socket.subscribeAndJoin('presence:other', { user: 'cat', device: 'laptop' });
  await channels.assertPresence('presence:other', 'cat');
  const failure = channels.assertPresence('presence:other', 'cat', { device: 'phone' }, 50);
  await expect(failure).rejects.toThrow(ChannelAssertionError);
  await expect(failure).rejects.toThrow(/"cat" with a meta matching \{"device":"phone"\} is not present on "presence:other".*laptop/);
});
