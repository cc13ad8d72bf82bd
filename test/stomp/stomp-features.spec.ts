import type { IMessage } from '@stomp/stompjs';
import { ChannelsServer } from '../../lib/index.js';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { PresenceJournal, PresenceRoomChannel } from '../presence/support/presence-room.channel.js';
import { useTestApp } from '../support/app-scope.js';
import { useClients } from '../support/client-scope.js';
import { eventually, push, sleep } from '../support/phoenix-client.js';
import { json, useStompClients } from '../support/stomp-client.js';

const withEvent = (messages: IMessage[], event: string) => messages.filter((message) => message.headers.event === event);

describe('STOMP: presence, binary bodies, escaping, crashes, ack modes, transactions', () => {
  const app = useTestApp(() =>
    conformanceApp('express', { transports: ['websocket', 'stomp'] }, { providers: [PresenceRoomChannel, PresenceJournal] }),
  );
  const stomp = useStompClients(() => `${app.current.socketUrl}/stomp`);
  const phoenix = useClients(app, '2.0.0');

  test('presence_state and presence_diff reach STOMP subscribers; a STOMP user is present to phoenix clients', async () => {
    const client = await stomp.connected({ user: 'ann' });
    const sub = await client.subscribe('presence:stomp', { user: 'ann' });
    await eventually(() => withEvent(sub.messages, 'presence_state').length === 1, 'presence_state');
    expect(Object.keys(json(withEvent(sub.messages, 'presence_state')[0]!))).toEqual(['ann']);
    const socket = await phoenix.connected({ params: { user: 'bob' } });
    const channel = socket.channel('presence:stomp', { user: 'bob' });
    const state = new Promise<any>((resolve) => channel.on('presence_state', resolve));
    channel.join();
    expect(Object.keys(await state).sort()).toEqual(['ann', 'bob']);
    await eventually(() => withEvent(sub.messages, 'presence_diff').some((message) => 'bob' in json(message).joins), 'bob joining');
  });

  test('binary bodies travel both ways, NUL and non-UTF-8 bytes included', async () => {
    const client = await stomp.connected({ user: 'ann' });
    const sub = await client.subscribe('room:binary');
    client.client.publish({
      destination: '/topic/room:binary',
      headers: { event: 'bytes', 'content-type': 'application/octet-stream', receipt: 'b1' },
      binaryBody: new Uint8Array([1, 0, 255]),
    });
    await client.receipt('b1');
    const pushed = withEvent(sub.messages, 'bytes')[0]!;
    expect(pushed.headers['content-type']).toBe('application/octet-stream');
    expect([...pushed.binaryBody]).toEqual([255, 0, 1]);
    const reply = sub.messages.find((message) => message.headers['receipt-id'] === 'b1')!;
    // Not UTF-8: it must travel as a binary WebSocket message.
    expect(Buffer.from(reply.binaryBody).toString('latin1')).toBe('ack:\x01\x00\xff');
  });

  test('header values with colons, backslashes and line breaks round-trip (STOMP 1.2 escaping)', async () => {
    const client = await stomp.connected({ user: 'a:b\\c' });
    const nick = 'x:y\nz\\w';
    const sub = await client.subscribe('room:escaping', { nick });
    client.send('room:escaping', 'whoami', {}, { receipt: 'e1' });
    await client.receipt('e1');
    const reply = sub.messages.find((message) => message.headers['receipt-id'] === 'e1')!;
    expect(json(reply).assigns).toEqual({ user: 'a:b\\c', nick });
    expect(reply.headers.destination).toBe('/topic/room:escaping');
  });

  test('a crash ends that channel\'s subscriptions with a phx_error MESSAGE; the others are unaffected', async () => {
    const client = await stomp.connected({ user: 'ann' });
    const crashing = await client.subscribe('room:crashing');
    const other = await client.subscribe('room:other');
    client.send('room:crashing', 'boom', {});
    await eventually(() => withEvent(crashing.messages, 'phx_error').length === 1, 'phx_error');
    client.send('room:other', 'echo', { still: 'here' }, { receipt: 'c1' });
    await client.receipt('c1');
    expect(json(other.messages.find((message) => message.headers['receipt-id'] === 'c1')!)).toEqual({ still: 'here' });
    // The crashed subscription is gone: SUBSCRIBE again rejoins.
    const again = await client.subscribe('room:crashing');
    expect(again.messages[0]!.headers['reply-to']).toBe('subscribe');
  });

  test('a SEND without receipt gets no reply MESSAGE; a handler that returns nothing still gets the receipt', async () => {
    const client = await stomp.connected({ user: 'ann' });
    const sub = await client.subscribe('room:receipts');
    client.send('room:receipts', 'echo', { quiet: true });
    client.send('room:receipts', 'silent', {}, { receipt: 's1' });
    await client.receipt('s1');
    expect(sub.messages.map((message) => message.headers.event)).toEqual(['phx_reply']);
  });

  test('two subscriptions to one topic share one join and both receive broadcasts', async () => {
    const client = await stomp.connected({ user: 'ann' });
    const first = await client.subscribe('room:twice');
    const second = await client.subscribe('room:twice');
    client.send('room:twice', 'shout', { n: 1 });
    await eventually(() => withEvent(first.messages, 'shout').length === 1 && withEvent(second.messages, 'shout').length === 1, 'both');
    expect(withEvent(first.messages, 'shout')[0]!.headers.subscription).toBe(first.id);
    expect(withEvent(second.messages, 'shout')[0]!.headers.subscription).toBe(second.id);
    first.unsubscribe();
    client.send('room:twice', 'shout', { n: 2 }, { receipt: 't2' });
    await client.receipt('t2');
    await eventually(() => withEvent(second.messages, 'shout').length === 2, 'the second shout');
    expect(withEvent(first.messages, 'shout')).toHaveLength(1);
  });

  test.each([
    ['ack:client', (client: any) => client.client.subscribe('/topic/room:acks', () => {}, { ack: 'client' }), /ack:auto only/],
    ['ACK', (client: any) => client.client.ack('m1', 'sub-0'), /ack:auto only/],
    ['BEGIN', (client: any) => client.client.begin('tx1'), /transactions are not supported/],
    ['SEND to a topic not subscribed', (client: any) => client.send('room:nowhere', 'echo', {}), /unmatched topic/],
  ])('%s: ERROR, then close', async (_name, act, reason) => {
    const client = await stomp.connected({ user: 'ann' });
    act(client);
    expect((await client.nextError()).headers.message).toMatch(reason);
    await client.closed();
  });

  test('ChannelsServer.disconnect(id) closes STOMP sockets too', async () => {
    const client = await stomp.connected({ user: 'dora' });
    await client.subscribe('room:dc');
    app.get(ChannelsServer).disconnect('user:dora');
    expect(await client.closed()).toBe(1001);
  });

  test('a phoenix client and a STOMP client chat over new_msg (validation pipe applies to both)', async () => {
    const client = await stomp.connected({ user: 'ann' });
    const sub = await client.subscribe('room:chat', { nick: 'annie' });
    const socket = await phoenix.connected({ params: { user: 'bob' } });
    const channel = await phoenix.joined(socket, 'room:chat');
    expect(await push(channel, 'new_msg', { body: 'from phoenix' })).toMatchObject({ status: 'ok' });
    client.send('room:chat', 'new_msg', { body: 'from stomp' }, { receipt: 'n1' });
    await client.receipt('n1');
    expect(json(sub.messages.find((message) => message.headers['receipt-id'] === 'n1')!)).toEqual({ body: 'from stomp', nick: 'annie' });
    await sleep(10);
  });
});
