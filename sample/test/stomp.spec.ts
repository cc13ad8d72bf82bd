import type { IMessage } from '@stomp/stompjs';
import { ChannelsTokenService } from 'nestjs-channels';
import { eventually, nextEvent, push } from '../../test/support/phoenix-client.js';
import { DEMO_TOKEN_SECRET } from '../src/config/app-config.js';
import { SESSION_TOKEN_SALT } from '../src/session/session-user.js';
import { json, useStompClients } from '../../test/support/stomp-client.js';
import { SampleClients, signIn, startSampleApp, type SampleApp } from './support/sample-app.js';

// The SAMPLE-CONTRACT's STOMP section, with the real @stomp/stompjs client.
let server: SampleApp;
const phoenix = new SampleClients(() => server.socketUrl);
const stomp = useStompClients(() => `${server.socketUrl}/stomp`);
beforeAll(async () => {
  server = await startSampleApp();
});
afterEach(() => phoenix.disconnectAll());
afterAll(() => server.close());

const withEvent = (messages: IMessage[], event: string) => messages.filter((message) => message.headers.event === event);

test('a STOMP client with a token chats with a phoenix client in room:lobby and sees presence', async () => {
  const annToken = await signIn(server.baseUrl, 'ann');
  const client = await stomp.connected({ token: annToken });
  const lobby = await client.subscribe('room:lobby');
  expect(json(lobby.messages[0]!)).toMatchObject({ messages: expect.any(Array) });
  await eventually(() => withEvent(lobby.messages, 'presence_state').length === 1, 'presence_state');

  const bob = await phoenix.connected(await signIn(server.baseUrl, 'bob'));
  const { channel } = await phoenix.joined(bob, 'room:lobby');
  await eventually(() => withEvent(lobby.messages, 'presence_diff').some((message) => 'bob' in json(message).joins), 'bob present');

  const fromStomp = nextEvent(channel, 'new_msg');
  client.send('room:lobby', 'new_msg', { body: 'hi' }, { receipt: 'hi-1' });
  await client.receipt('hi-1');
  expect(await fromStomp).toMatchObject({ user: 'ann', body: 'hi' });

  await push(channel, 'new_msg', { body: 'hello ann' });
  await eventually(() => withEvent(lobby.messages, 'new_msg').some((message) => json(message).body === 'hello ann'), 'the phoenix message');
  const message = withEvent(lobby.messages, 'new_msg').find((m) => json(m).body === 'hello ann')!;
  expect(Object.keys(json(message)).sort()).toEqual(['at', 'body', 'id', 'user']);
});

test('no token, a bad token, an expired token: ERROR, then the connection closes', async () => {
  const expired = await new ChannelsTokenService({ secrets: DEMO_TOKEN_SECRET, clock: () => Date.now() - 2 * 86_400_000 }).sign(
    SESSION_TOKEN_SALT,
    { id: 'ann', session: 'two days old' },
  );
  for (const headers of [{}, { token: 'not-a-token' }, { token: expired }] as Array<Record<string, string>>) {
    const client = stomp.create(headers).activate();
    expect((await client.nextError()).headers.message).toBe('connection refused');
    await client.closed();
  }
});

test('an invalid body is ERROR with reason invalid; /topic/user:<other> is refused', async () => {
  const token = await signIn(server.baseUrl, 'ann');
  const client = await stomp.connected({ token });
  await client.subscribe('room:lobby');
  client.send('room:lobby', 'new_msg', { body: '' });
  expect((await client.nextError()).headers.message).toBe('invalid');
  const other = await stomp.connected({ token });
  other.client.subscribe('/topic/user:bob', () => {});
  expect((await other.nextError()).headers.message).toBe('unauthorized');
});

test('a STOMP subscriber that comes back with since gets the messages it missed, each with its position', async () => {
  const token = await signIn(server.baseUrl, 'ann');
  const client = await stomp.connected({ token });
  const first = await client.subscribe('room:since');
  const { position } = json(first.messages[0]!).recovery as { position: string };
  expect(position).toMatch(/:/);
  first.unsubscribe({ receipt: 'left' });
  await client.receipt('left');

  const bob = await phoenix.connected(await signIn(server.baseUrl, 'bob'));
  const { channel } = await phoenix.joined(bob, 'room:since');
  for (const body of ['one', 'two']) await push(channel, 'new_msg', { body });

  const again = await client.subscribe('room:since', { since: position });
  expect(json(again.messages[0]!).recovery).toMatchObject({ recovered: true });
  await eventually(() => withEvent(again.messages, 'new_msg').length === 2, 'the missed messages');
  const missed = withEvent(again.messages, 'new_msg');
  expect(missed.map((message) => json(message).body)).toEqual(['one', 'two']);
  expect(missed.every((message) => /:/.test(message.headers.position ?? ''))).toBe(true);
});
