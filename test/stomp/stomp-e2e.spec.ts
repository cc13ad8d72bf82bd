import WebSocket from 'ws';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { Journal } from '../fixtures/room.channel.js';
import { TokenSocketHandler } from '../fixtures/token.socket-handler.js';
import { useTestApp } from '../support/app-scope.js';
import { useClients } from '../support/client-scope.js';
import { eventually, nextEvent, push } from '../support/phoenix-client.js';
import { json, useStompClients } from '../support/stomp-client.js';

describe('STOMP over WebSocket with @stomp/stompjs', () => {
  const app = useTestApp(() => conformanceApp('express', { transports: ['websocket', 'stomp'] }));
  const stomp = useStompClients(() => `${app.current.socketUrl}/stomp`);
  const phoenix = useClients(app, '2.0.0');

  test('CONNECT runs the socket handler with the headers as params', async () => {
    const client = await stomp.connected({ user: 'ann', token: 'abc' });
    expect(client.connected!.headers.version).toBe('1.2');
    expect(client.connected!.headers.server).toBe('nestjs-channels');
    const attempt = app.get(TokenSocketHandler).attempts.at(-1)!;
    expect(attempt).toMatchObject({ params: { user: 'ann', token: 'abc' }, transport: 'stomp' });
  });

  // The server escapes headers as each version's spec says: 1.0 not at all, 1.1 as 1.2 does.
  // @stomp/stompjs unescapes only under 1.2, so its 1.1 mode shows the escaped form.
  test.each([
    ['1.0', '/topic/room:v10:x'],
    ['1.1', '/topic/room\\cv11\\cx'],
  ])('a STOMP %s client connects, subscribes and receives broadcasts', async (version, destination) => {
    const client = await stomp.connected({ user: 'old' }, { versions: [version] });
    expect(client.connected!.headers.version).toBe(version);
    const topic = `room:v${version.replace('.', '')}:x`;
    const sub = await client.subscribe(topic);
    client.send(topic, 'shout', { version }, { receipt: 'v' });
    await client.receipt('v');
    await eventually(() => sub.messages.some((message) => message.headers.event === 'shout'), 'the shout');
    const shout = sub.messages.find((message) => message.headers.event === 'shout')!;
    expect(shout.headers.destination).toBe(destination);
    expect(json(shout)).toEqual({ version });
  });

  test('the upgrade checks the origin and the subprotocol (HTTP 403), as on the Phoenix WebSocket', async () => {
    const status = (protocols: string[], origin?: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`${app.current.socketUrl}/stomp`, protocols, origin ? { origin } : {});
        ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        ws.on('open', () => {
          resolve(101);
          ws.close();
        });
        ws.on('error', () => {});
      });
    expect(await status(['v12.stomp'])).toBe(101);
    expect(await status(['v12.stomp'], 'https://evil.example.com')).toBe(403);
    expect(await status(['phoenix'])).toBe(403);
  });

  test('a refused CONNECT gets ERROR, then the connection closes', async () => {
    const client = stomp.create({ token: 'refuse' }).activate();
    const error = await client.nextError();
    expect(error.headers.message).toBe('connection refused');
    await client.closed();
    expect(client.connected).toBeUndefined();
  });

  test('SUBSCRIBE joins: the join reply is the first MESSAGE, then SEND runs @HandleIn with a reply and receipt', async () => {
    const client = await stomp.connected({ user: 'ann' });
    const sub = await client.subscribe('room:stomp-1', { nick: 'annie' });
    expect(sub.messages[0]!.headers).toMatchObject({ event: 'phx_reply', 'reply-to': 'subscribe', status: 'ok' });
    expect(json(sub.messages[0]!)).toEqual({ joined: 'room:stomp-1' });
    client.send('room:stomp-1', 'whoami', {}, { receipt: 'r1' });
    await client.receipt('r1');
    const reply = sub.messages.find((message) => message.headers['receipt-id'] === 'r1')!;
    expect(json(reply)).toMatchObject({ assigns: { user: 'ann', nick: 'annie' }, transport: 'stomp' });
  });

  test('a STOMP client and a phoenix client in one room see each other', async () => {
    const client = await stomp.connected({ user: 'ann' });
    const sub = await client.subscribe('room:mixed');
    const socket = await phoenix.connected({ params: { user: 'bob' } });
    const channel = await phoenix.joined(socket, 'room:mixed');
    const shout = nextEvent(channel, 'shout');
    client.send('room:mixed', 'shout', { from: 'stomp' });
    expect(await shout).toEqual({ from: 'stomp' });
    await push(channel, 'shout', { from: 'phoenix' });
    await eventually(() => sub.messages.some((message) => message.headers.event === 'shout' && json(message).from === 'phoenix'), 'the shout');
    const message = sub.messages.find((m) => json(m).from === 'phoenix')!;
    expect(message.headers).toMatchObject({ destination: '/topic/room:mixed', subscription: sub.id, 'content-type': 'application/json' });
    expect(message.headers['message-id']).toBeTruthy();
  });

  test('a refused join is ERROR with the reason, then close', async () => {
    const client = await stomp.connected({ user: 'ann' });
    client.client.subscribe('/topic/room:forbidden', () => {});
    const error = await client.nextError();
    expect(error.headers.message).toBe('forbidden room');
    expect(json(error)).toEqual({ reason: 'forbidden room', room: 'room:forbidden' });
    await client.closed();
  });

  test('an invalid payload is ERROR, then close', async () => {
    const client = await stomp.connected({ user: 'ann' });
    await client.subscribe('room:invalid');
    client.send('room:invalid', 'new_msg', { body: '' });
    const error = await client.nextError();
    expect(json(error)).toMatchObject({ reason: expect.any(String) });
    await client.closed();
  });

  test('UNSUBSCRIBE leaves; DISCONNECT answers its receipt, closes, and @Terminate runs', async () => {
    const journal = app.get(Journal);
    const client = await stomp.connected({ user: 'ann' });
    const sub = await client.subscribe('room:leave-1');
    await client.subscribe('room:leave-2');
    sub.unsubscribe({ receipt: 'u1' });
    await client.receipt('u1');
    await eventually(() => journal.terminationsOf('room:leave-1').includes('leave'), 'terminate leave');
    await client.client.deactivate();
    await eventually(() => journal.terminationsOf('room:leave-2').includes('closed'), 'terminate closed');
  });
});
