import { JoinRefusedError, type TestChannel } from 'nestjs-channels/testing';
import { createSampleHarness, type SampleHarness } from './support/sample-harness.js';

// RoomChannel on the library's testing harness: the same promises as room-channel.spec.ts,
// without a network, through the real socket handler, guards and ValidationPipe.

let sample: SampleHarness;
beforeAll(async () => {
  sample = await createSampleHarness();
});
afterEach(() => sample.channels.close());
afterAll(() => sample.moduleRef.close());

let roomCounter = 0;
/** A room no other test has used, so each test starts with an empty history and nobody online. */
const freshRoom = () => `harness-${++roomCounter}`;

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const RECOVERY = { position: expect.stringMatching(/^[A-Za-z0-9_.-]+:\d+$/) };
const META = { online_at: expect.stringMatching(ISO_TIME), phx_ref: expect.any(String) };

async function joinAs(user: string, topic: string): Promise<TestChannel> {
  return (await sample.connectAs(user)).subscribeAndJoin(topic);
}

async function send(channel: TestChannel, body: string): Promise<string> {
  const reply = (await channel.assertReply(channel.push('new_msg', { body }), 'ok')) as { id: string };
  return reply.id;
}

describe('join', () => {
  test('answers the history, oldest first, as {id, user, body, at}', async () => {
    const topic = `room:${freshRoom()}`;
    const ann = await joinAs('ann', topic);
    expect(ann.joinResponse).toEqual({ messages: [], recovery: RECOVERY });
    const ids = [await send(ann, 'one'), await send(ann, 'two')];

    const bob = await joinAs('bob', topic);
    expect(bob.joinResponse).toEqual({
      messages: [
        { id: ids[0], user: 'ann', body: 'one', at: expect.stringMatching(ISO_TIME) },
        { id: ids[1], user: 'ann', body: 'two', at: expect.stringMatching(ISO_TIME) },
      ],
      recovery: RECOVERY,
    });
  });

  test('refuses a bad room name with {"reason": "invalid room"}', async () => {
    const socket = await sample.connectAs('ann');
    const refusal = socket.subscribeAndJoin('room:not a room');
    await expect(refusal).rejects.toThrow(JoinRefusedError);
    await expect(refusal).rejects.toMatchObject({ response: { reason: 'invalid room' } });
  });

  test('refuses a topic no channel serves with {"reason": "unmatched topic"}', async () => {
    const socket = await sample.connectAs('ann');
    await expect(socket.subscribeAndJoin('lobby')).rejects.toMatchObject({ response: { reason: 'unmatched topic' } });
  });
});

describe('presence', () => {
  test('pushes presence_state after the join: the user name as key, metas with online_at', async () => {
    const ann = await joinAs('ann', `room:${freshRoom()}`);
    const state = (await ann.assertPush('presence_state', { ann: { metas: [META] } })) as Record<string, unknown>;
    expect(Object.keys(state)).toEqual(['ann']);
  });

  test('sends presence_diff to the room when someone joins and when they leave', async () => {
    const topic = `room:${freshRoom()}`;
    const ann = await joinAs('ann', topic);
    await ann.assertPush('presence_state');

    const bobSocket = await sample.connectAs('bob');
    const bob = await bobSocket.subscribeAndJoin(topic);
    const stateOfBob = (await bob.assertPush('presence_state')) as Record<string, unknown>;
    expect(Object.keys(stateOfBob).sort()).toEqual(['ann', 'bob']);
    await ann.assertPush('presence_diff', { joins: { bob: { metas: [META] } }, leaves: {} });

    await bobSocket.close();
    await ann.assertPush('presence_diff', { joins: {}, leaves: { bob: { metas: [META] } } });
  });

  test('two tabs of one user are one key with two metas', async () => {
    const topic = `room:${freshRoom()}`;
    await joinAs('ann', topic);
    const second = await joinAs('ann', topic);
    const state = (await second.assertPush('presence_state')) as Record<string, { metas: unknown[] }>;
    expect(state.ann.metas).toEqual([META, META]);
  });
});

describe('new_msg', () => {
  test('replies {id} and broadcasts {id, user, body, at} to everyone, the sender too', async () => {
    const topic = `room:${freshRoom()}`;
    const ann = await joinAs('ann', topic);
    const bob = await joinAs('bob', topic);

    const id = await send(ann, 'hello, world');
    const message = { id, user: 'ann', body: 'hello, world', at: expect.stringMatching(ISO_TIME) };
    await ann.assertBroadcast('new_msg', message);
    await ann.refuteBroadcast('new_msg'); // published once
    await ann.assertPush('new_msg', message);
    await bob.assertPush('new_msg', message);
  });

  test.each([
    ['missing', {}],
    ['not a string', { body: 42 }],
    ['empty', { body: '' }],
    ['too long', { body: 'x'.repeat(2001) }],
  ])('a body that is %s gets {"reason": "invalid", "errors": [...]} and nothing is broadcast', async (_case, payload) => {
    const ann = await joinAs('ann', `room:${freshRoom()}`);
    const errors = expect.arrayContaining([expect.stringContaining('body')]);
    await ann.assertReply(ann.push('new_msg', payload), 'error', { reason: 'invalid', errors });
    await ann.refuteBroadcast('new_msg');
  });

  test('a @mention also sends mention {from, room, body} on user:<name>', async () => {
    const room = freshRoom();
    const bobPrivate = await joinAs('bob', 'user:bob');
    const ann = await joinAs('ann', `room:${room}`);

    await send(ann, 'hey @bob, look');
    await bobPrivate.assertPush('mention', { from: 'ann', room, body: 'hey @bob, look' });
  });
});

describe('typing', () => {
  test('reaches everyone else as {user}, not the sender, and gets no reply', async () => {
    const topic = `room:${freshRoom()}`;
    const ann = await joinAs('ann', topic);
    const bob = await joinAs('bob', topic);

    const ref = ann.push('typing', {});
    await bob.assertPush('typing', { user: 'ann' });
    await ann.assertBroadcast('typing', { user: 'ann' });
    await ann.refutePush('typing');
    await ann.refuteReply(ref);
  });
});
