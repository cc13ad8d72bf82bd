import type { Channel as PhoenixChannel } from 'phoenix';
import { collect, eventually, join, nextEvent, push } from '../../test/support/phoenix-client.js';
import { SampleClients, signIn, startSampleApp, type SampleApp } from './support/sample-app.js';

let server: SampleApp;
const clients = new SampleClients(() => server.socketUrl);
const tokens: Record<string, string> = {};
beforeAll(async () => {
  server = await startSampleApp();
  for (const user of ['ann', 'bob']) tokens[user] = await signIn(server.baseUrl, user);
});
afterEach(() => clients.disconnectAll());
afterAll(() => server.close());

let roomCounter = 0;
/** A room no other test has used, so each test starts with an empty history. */
const freshRoom = () => `test-${++roomCounter}`;

async function joinAs(user: string, topic: string): Promise<{ channel: PhoenixChannel; response: any }> {
  return clients.joined(await clients.connected(tokens[user]), topic);
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
/** The `recovery` of a room's join reply: the room's position (recovery.spec.ts has the rest). */
const RECOVERY = { position: expect.stringMatching(/^[A-Za-z0-9_.-]+:\d+$/) };

describe('joining', () => {
  test('an empty room answers an empty history', async () => {
    const { response } = await joinAs('ann', `room:${freshRoom()}`);
    expect(response).toEqual({ messages: [], recovery: RECOVERY });
  });

  test('the join reply holds the history, oldest first, as {id, user, body, at}', async () => {
    const room = freshRoom();
    const { channel } = await joinAs('ann', `room:${room}`);
    const ids: string[] = [];
    for (const body of ['one', 'two', 'three']) ids.push((await push(channel, 'new_msg', { body })).response.id);

    const { response } = await joinAs('bob', `room:${room}`);
    expect(response.messages.map((message: any) => message.body)).toEqual(['one', 'two', 'three']);
    expect(response.messages.map((message: any) => message.id)).toEqual(ids);
    for (const message of response.messages) {
      expect(Object.keys(message).sort()).toEqual(['at', 'body', 'id', 'user']);
      expect(message.user).toBe('ann');
      expect(message.at).toMatch(ISO_TIME);
    }
  });

  test('the history keeps the last 50 messages of that room only', async () => {
    const room = freshRoom();
    const { channel } = await joinAs('ann', `room:${room}`);
    for (let n = 1; n <= 53; n++) await push(channel, 'new_msg', { body: `message ${n}` });

    const { response } = await joinAs('bob', `room:${room}`);
    expect(response.messages).toHaveLength(50);
    expect(response.messages[0].body).toBe('message 4');
    expect(response.messages[49].body).toBe('message 53');
    expect((await joinAs('bob', `room:${freshRoom()}`)).response.messages).toEqual([]);
  });

  test.each([
    ['an empty name', 'room:'],
    ['a space', 'room:bad name'],
    ['65 characters', `room:${'x'.repeat(65)}`],
    ['a dot', 'room:a.b'],
  ])('a room name with %s gets {"reason": "invalid room"}', async (_case, topic) => {
    const socket = await clients.connected(tokens.ann);
    expect(await join(socket.channel(topic))).toEqual({ status: 'error', response: { reason: 'invalid room' } });
  });

  test('a 64-character name of letters, digits, _ and - is a room', async () => {
    const name = `Ab_9-${'z'.repeat(59)}`;
    expect((await joinAs('ann', `room:${name}`)).response).toEqual({ messages: [], recovery: RECOVERY });
  });
});

describe('new_msg', () => {
  test('replies {id} and broadcasts {id, user, body, at} to everyone, the sender too', async () => {
    const room = freshRoom();
    const ann = await joinAs('ann', `room:${room}`);
    const bob = await joinAs('bob', `room:${room}`);
    const toAnn = nextEvent(ann.channel, 'new_msg');
    const toBob = nextEvent(bob.channel, 'new_msg');

    const reply = await push(ann.channel, 'new_msg', { body: 'hello, world' });
    expect(reply).toEqual({ status: 'ok', response: { id: expect.any(String) } });
    const expected = { id: reply.response.id, user: 'ann', body: 'hello, world', at: expect.stringMatching(ISO_TIME) };
    expect(await toAnn).toEqual(expected);
    expect(await toBob).toEqual(expected);
  });

  test('gives every message its own id', async () => {
    const { channel } = await joinAs('ann', `room:${freshRoom()}`);
    const first = await push(channel, 'new_msg', { body: 'a' });
    const second = await push(channel, 'new_msg', { body: 'a' });
    expect(first.response.id).not.toBe(second.response.id);
  });

  test('a body of 2000 characters is accepted', async () => {
    const { channel } = await joinAs('ann', `room:${freshRoom()}`);
    expect((await push(channel, 'new_msg', { body: 'x'.repeat(2000) })).status).toBe('ok');
  });

  test.each([
    ['missing', {}],
    ['not a string', { body: 42 }],
    ['empty', { body: '' }],
    ['too long', { body: 'x'.repeat(2001) }],
  ])('a body that is %s gets {"reason": "invalid", "errors": [...]} and is not broadcast', async (_case, payload) => {
    const room = freshRoom();
    const ann = await joinAs('ann', `room:${room}`);
    const bob = await joinAs('bob', `room:${room}`);
    const seenByBob = collect(bob.channel, 'new_msg');

    const reply = await push(ann.channel, 'new_msg', payload);
    expect(reply.status).toBe('error');
    expect(reply.response).toEqual({ reason: 'invalid', errors: expect.arrayContaining([expect.stringContaining('body')]) });

    // Broadcasts arrive in order: once this one is in, an earlier one would have been too.
    await push(ann.channel, 'new_msg', { body: 'valid' });
    await eventually(() => seenByBob.length > 0, 'bob to receive the valid message');
    expect(seenByBob.map((message) => message.body)).toEqual(['valid']);
    const { response } = await joinAs('bob', `room:${room}`);
    expect(response.messages.map((message: any) => message.body)).toEqual(['valid']);
  });
});

describe('typing', () => {
  test('reaches everyone else as {user}, not the sender, and gets no reply', async () => {
    const room = freshRoom();
    const ann = await joinAs('ann', `room:${room}`);
    const bob = await joinAs('bob', `room:${room}`);
    const typingSeenByAnn = collect(ann.channel, 'typing');
    const toBob = nextEvent(bob.channel, 'typing');

    const typingReplies: unknown[] = [];
    const typingPush = ann.channel
      .push('typing', {})
      .receive('ok', (reply: unknown) => typingReplies.push(reply))
      .receive('error', (reply: unknown) => typingReplies.push(reply));
    expect(await toBob).toEqual({ user: 'ann' });

    // Replies and broadcasts reach ann in order: after this reply and this broadcast, any
    // reply to "typing" or a "typing" echo would already be here.
    const toAnn = nextEvent(ann.channel, 'new_msg');
    await push(ann.channel, 'new_msg', { body: 'done typing' });
    await toAnn;
    expect(typingReplies).toEqual([]);
    expect(typingSeenByAnn).toEqual([]);
    (typingPush as unknown as { cancelTimeout(): void }).cancelTimeout(); // no reply is coming: drop its 10 s timer
  });
});

describe('mentions', () => {
  test('a body mentioning @user also sends {from, room, body} on user:<user>', async () => {
    const room = freshRoom();
    const bobSocket = await clients.connected(tokens.bob);
    const { channel: bobPrivate } = await clients.joined(bobSocket, 'user:bob');
    const { channel: annRoom } = await joinAs('ann', `room:${room}`);
    const mention = nextEvent(bobPrivate, 'mention');

    await push(annRoom, 'new_msg', { body: 'hey @bob, look' });
    expect(await mention).toEqual({ from: 'ann', room, body: 'hey @bob, look' });
  });

  test('only the mentioned users get a mention, once each', async () => {
    const room = freshRoom();
    const bobSocket = await clients.connected(tokens.bob);
    const { channel: bobPrivate } = await clients.joined(bobSocket, 'user:bob');
    const annSocket = await clients.connected(tokens.ann);
    const { channel: annPrivate } = await clients.joined(annSocket, 'user:ann');
    const { channel: annRoom } = await clients.joined(annSocket, `room:${room}`);
    const mentionsOfBob = collect(bobPrivate, 'mention');
    const mentionsOfAnn = collect(annPrivate, 'mention');

    await push(annRoom, 'new_msg', { body: 'no mention here, mail bob@example.com' });
    await push(annRoom, 'new_msg', { body: '@bob and @bob again' });
    await eventually(() => mentionsOfBob.length > 0, 'bob to be mentioned');
    // A later message to ann's own topic proves the earlier ones had their chance to arrive.
    await push(annRoom, 'new_msg', { body: 'ping @ann' });
    await eventually(() => mentionsOfAnn.length > 0, 'ann to be mentioned');
    expect(mentionsOfBob.map((m) => m.body)).toEqual(['@bob and @bob again']);
    expect(mentionsOfAnn.map((m) => m.body)).toEqual(['ping @ann']);
  });
});
