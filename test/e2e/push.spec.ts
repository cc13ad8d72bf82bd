import { conformanceApp } from '../fixtures/conformance.app.js';
import { useTestApp } from '../support/app-scope.js';
import { useClients } from '../support/client-scope.js';
import { describeEachTarget, servingBothTransports } from '../support/matrix.js';
import { push } from '../support/phoenix-client.js';

describeEachTarget('push', (target) => {
  const app = useTestApp(() => conformanceApp(target.platform, servingBothTransports()));
  const clients = useClients(app, target);

  async function joinedChannel(topic = 'room:push', params: Record<string, unknown> = { nick: 'ann' }) {
    return clients.joined(await clients.connected(), topic, params);
  }

  test('a returned value is the ok reply', async () => {
    const channel = await joinedChannel();
    expect(await push(channel, 'echo', { text: 'hi', n: [1, 2] })).toEqual({ status: 'ok', response: { text: 'hi', n: [1, 2] } });
  });

  test('a thrown ChannelException is the error reply and the channel keeps running', async () => {
    const channel = await joinedChannel();
    expect(await push(channel, 'fail')).toEqual({ status: 'error', response: { reason: 'nope', code: 42 } });
    expect(await push(channel, 'echo', { after: 'fail' })).toEqual({ status: 'ok', response: { after: 'fail' } });
    expect(channel.state).toBe('joined');
  });

  test('returning undefined sends no reply, so the push times out', async () => {
    const channel = await joinedChannel();
    await expect(push(channel, 'silent', {}, 200)).rejects.toThrow('no reply to silent');
    expect(await push(channel, 'echo', { still: 'joined' })).toEqual({ status: 'ok', response: { still: 'joined' } });
  });

  test('@Ref() replies later', async () => {
    const channel = await joinedChannel();
    expect(await push(channel, 'later', { delay: 30 })).toEqual({ status: 'ok', response: { late: true } });
  });

  test('socket.socketRef() replies later, with any status', async () => {
    const channel = await joinedChannel();
    expect(await push(channel, 'later_socket_ref')).toEqual({ status: 'error', response: { late: 'and sorry' } });
  });

  test('a catch-all @HandleIn() gets the events nobody else claims, with their names', async () => {
    const channel = await joinedChannel();
    expect(await push(channel, 'anything:else', { x: 1 })).toEqual({
      status: 'ok',
      response: { caughtAll: 'anything:else', payload: { x: 1 } },
    });
  });

  test('an event no handler claims answers "unhandled event" and the channel stays joined', async () => {
    const channel = await joinedChannel('lobby', {});
    expect(await push(channel, 'dance')).toEqual({ status: 'error', response: { reason: 'unhandled event' } });
    expect(await push(channel, 'ping')).toEqual({ status: 'ok', response: { pong: true } });
  });

  test('@Payload(new ValidationPipe()) answers "invalid" with the validation errors', async () => {
    const channel = await joinedChannel();
    expect(await push(channel, 'new_msg', { body: '' })).toEqual({
      status: 'error',
      response: { reason: 'invalid', errors: ['body must be longer than or equal to 1 characters'] },
    });
    const wrongType = await push(channel, 'new_msg', { body: 42 });
    expect(wrongType).toEqual({ status: 'error', response: { reason: 'invalid', errors: expect.any(Array) } });
    expect([...wrongType.response.errors].sort()).toEqual([
      'body must be a string',
      'body must be longer than or equal to 1 and shorter than or equal to 200 characters',
    ]);
  });

  test('a valid payload passes the ValidationPipe and @Assigns reads the join assigns', async () => {
    const channel = await joinedChannel('room:push', { nick: 'bea' });
    expect(await push(channel, 'new_msg', { body: 'hello' })).toEqual({ status: 'ok', response: { body: 'hello', nick: 'bea' } });
  });
});
