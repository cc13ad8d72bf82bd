import type { TestingModule } from '@nestjs/testing';
import { ChannelAssertionError, ChannelsTestHarness, type TestChannel } from 'nestjs-channels/testing';
import { DenyGuard, Journal, RoomChannel } from '../fixtures/room.channel.js';
import { compileChannelsModule } from './fixtures/compile-module.js';
import { GatedChannel, JoinGate } from './fixtures/gated.channel.js';

// Short waits: every case here waits for something that never comes.
const WAIT = 50;

let moduleRef: TestingModule;
let channels: ChannelsTestHarness;

beforeAll(async () => {
  moduleRef = await compileChannelsModule([RoomChannel, Journal, DenyGuard, GatedChannel, JoinGate]);
  channels = await ChannelsTestHarness.create(moduleRef, { assertTimeoutMs: WAIT, refuteTimeoutMs: WAIT });
});
afterEach(() => channels.close());
afterAll(() => moduleRef.close());

async function joinRoom(topic = 'room:lobby', params: Record<string, unknown> = {}): Promise<TestChannel> {
  return (await channels.connect()).subscribeAndJoin(topic, params);
}

describe('assertReply', () => {
  it('fails after the timeout when no reply comes, listing the replies received', async () => {
    const room = await joinRoom();
    await room.assertReply(room.push('echo', { first: true }), 'ok');
    const ref = room.push('silent');
    const failure = room.assertReply(ref, 'ok', { done: true });
    await expect(failure).rejects.toThrow(ChannelAssertionError);
    await expect(room.assertReply(ref, 'ok')).rejects.toThrow(
      `assertReply: expected a reply to ref "${ref}" with status "ok" on "room:lobby" within ${WAIT} ms.`,
    );
    await expect(room.assertReply(ref, 'ok')).rejects.toThrow(
      /Replies received:\n {2}reply to ref "\d+": ok \{ joined: 'room:lobby' \}\n {2}reply to ref "\d+": ok \{ first: true \}/,
    );
  });

  it('fails at once, naming what came, when the reply has another status', async () => {
    const room = await joinRoom();
    const ref = room.push('echo', { x: 1 });
    await expect(room.assertReply(ref, 'error', {}, 5_000)).rejects.toThrow(
      `assertReply: expected a reply to ref "${ref}" with status "error" matching {} on "room:lobby", ` +
        `got reply to ref "${ref}": ok { x: 1 }.`,
    );
  });

  it('fails when the response does not contain the expected subset', async () => {
    const room = await joinRoom();
    const ref = room.push('echo', { a: 1, b: { c: 2 } });
    await expect(room.assertReply(ref, 'ok', { b: { c: 3 } })).rejects.toThrow("matching { b: { c: 3 } } on \"room:lobby\", got reply to ref");
  });

  it('starts the stack at the line of the test that asserted', async () => {
    const room = await joinRoom();
    const error = await room.assertReply(room.push('silent'), 'ok').catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(ChannelAssertionError);
    const firstFrame = (error as Error).stack!.split('\n').find((line) => line.trimStart().startsWith('at '));
    expect(firstFrame).toContain('assertion-failures.spec.ts');
  });
});

describe('refuteReply', () => {
  it('fails when the refuted reply comes', async () => {
    const room = await joinRoom();
    const ref = room.push('echo', { x: 1 });
    await expect(room.refuteReply(ref, 'ok')).rejects.toThrow(`refuteReply: unexpected reply to ref "${ref}": ok { x: 1 } on "room:lobby".`);
  });
});

describe('assertPush', () => {
  it('fails when the push never comes, listing what the channel received', async () => {
    const room = await joinRoom('room:lobby', { welcome: true });
    await expect(room.assertPush('goodbye', { reason: 'x' })).rejects.toThrow(
      `assertPush: no push "goodbye" matching { reason: 'x' } on "room:lobby" within ${WAIT} ms.\n` +
        `Received on "room:lobby":\n  push "welcome" { topic: 'room:lobby' }`,
    );
  });

  it('fails when only a push with another payload came, and marks pushes already asserted', async () => {
    const room = await joinRoom('room:lobby', { welcome: true });
    await room.assertPush('welcome');
    await expect(room.assertPush('welcome', { topic: 'room:other' })).rejects.toThrow(
      `Received on "room:lobby":\n  push "welcome" { topic: 'room:lobby' } (already asserted)`,
    );
  });

  it('says "(nothing)" when nothing came', async () => {
    const room = await joinRoom();
    await expect(room.assertPush('anything')).rejects.toThrow('Received on "room:lobby":\n  (nothing)');
  });

  it('prints jest asymmetric matchers by their description', async () => {
    const room = await joinRoom();
    await expect(room.assertPush('tick', { at: expect.any(Number) })).rejects.toThrow('no push "tick" matching { at: Any<Number> }');
  });
});

describe('refutePush', () => {
  it('fails when the refuted push came', async () => {
    const room = await joinRoom('room:lobby', { welcome: true });
    await expect(room.refutePush('welcome')).rejects.toThrow(`refutePush: unexpected push "welcome" { topic: 'room:lobby' } on "room:lobby".`);
  });

  it('fails when a broadcast reaches the client', async () => {
    const room = await joinRoom('room:loud');
    const refuted = room.refutePush('shout', { text: 'hi' }, 1_000);
    room.push('shout', { text: 'hi' });
    await expect(refuted).rejects.toThrow(`refutePush: unexpected broadcast "shout" { text: 'hi' } on "room:loud", which matches { text: 'hi' }.`);
  });
});

describe('assertBroadcast and refuteBroadcast', () => {
  it('assertBroadcast fails listing the broadcasts seen on the topic', async () => {
    const room = await joinRoom('room:news');
    room.push('shout', { text: 'one' });
    await expect(room.assertBroadcast('shout', { text: 'two' })).rejects.toThrow(
      `assertBroadcast: no broadcast "shout" matching { text: 'two' } on "room:news" within ${WAIT} ms.\n` +
        `Broadcasts on "room:news":\n  "shout" { text: 'one' }`,
    );
  });

  it('refuteBroadcast fails when the broadcast is published', async () => {
    const room = await joinRoom('room:news');
    const refuted = room.refuteBroadcast('shout', undefined, 1_000);
    room.push('shout', { text: 'now' });
    await expect(refuted).rejects.toThrow(`refuteBroadcast: unexpected broadcast "shout" { text: 'now' } on "room:news".`);
  });
});

describe('joins, connects and teardown', () => {
  it('subscribeAndJoin names the topic and the error reply', async () => {
    const socket = await channels.connect();
    await expect(socket.subscribeAndJoin('elsewhere:1')).rejects.toThrow(
      `join of "elsewhere:1" was refused with error { reason: 'unmatched topic' }`,
    );
  });

  it('subscribeAndJoin fails when no join reply comes in time', async () => {
    const socket = await channels.connect();
    await expect(socket.subscribeAndJoin('gated:1')).rejects.toThrow(
      `subscribeAndJoin: no reply to the join of "gated:1" within ${WAIT} ms.`,
    );
    moduleRef.get(JoinGate).open();
  });

  it('assertClosed fails when the server keeps the socket open', async () => {
    const socket = await channels.connect();
    await expect(socket.assertClosed()).rejects.toThrow(`assertClosed: the server did not close the socket within ${WAIT} ms.`);
  });

  it('close() fails assertions still waiting, so no timer outlives the test', async () => {
    const room = await joinRoom();
    const pending = room.assertPush('never', undefined, 60_000);
    const pendingBroadcast = room.assertBroadcast('never', undefined, 60_000);
    await channels.close();
    await expect(pending).rejects.toThrow('the channels test harness was closed while an assertion waited');
    await expect(pendingBroadcast).rejects.toThrow('the subscription to "room:lobby" ended while an assertion waited');
  });
});
