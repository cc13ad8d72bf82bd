import { ChannelsTokenService } from 'nestjs-channels';
import { ConnectionRefusedError } from 'nestjs-channels/testing';
import { SessionController } from '../src/session/session.controller.js';
import { createSampleHarness, type SampleHarness } from './support/sample-harness.js';

// UserChannel and the socket handler on the library's testing harness.

let sample: SampleHarness;
beforeAll(async () => {
  sample = await createSampleHarness();
});
afterEach(() => sample.channels.close());
afterAll(() => sample.moduleRef.close());

describe('connecting', () => {
  test('a session token signs the socket in: assigns.user and the socket id users_socket:<name>', async () => {
    const socket = await sample.connectAs('ann');
    expect(socket.assigns.user).toEqual({ id: 'ann', session: expect.any(String) });
    expect(socket.id).toBe('users_socket:ann');
  });

  test('no token, a bad one or one signed for another purpose is refused', async () => {
    await expect(sample.channels.connect()).rejects.toThrow(ConnectionRefusedError);
    await expect(sample.channels.connect({ token: 'not-a-token' })).rejects.toThrow(ConnectionRefusedError);
    const invite = await sample.moduleRef.get(ChannelsTokenService).sign('invite', { id: 'ann', session: 's' });
    await expect(sample.channels.connect({ token: invite })).rejects.toThrow(ConnectionRefusedError);
  });

  test("logout closes the user's sockets with 1001, and its token is refused from then on", async () => {
    const token = await sample.tokenFor('ann');
    const socket = await sample.channels.connect({ token });
    await sample.moduleRef.get(SessionController).logout(`Bearer ${token}`);
    await socket.assertClosed(1001);
    await expect(sample.channels.connect({ token })).rejects.toThrow(ConnectionRefusedError);
  });
});

describe('user:<name>', () => {
  test('its own user joins', async () => {
    const ann = await sample.connectAs('ann');
    expect((await ann.subscribeAndJoin('user:ann')).joinResponse).toEqual({});
  });

  test.each(['user:bob', 'user:Ann', 'user:', 'user:ann2'])('anyone else joining %s gets {"reason": "unauthorized"}', async (topic) => {
    const ann = await sample.connectAs('ann');
    await expect(ann.subscribeAndJoin(topic)).rejects.toMatchObject({ response: { reason: 'unauthorized' } });
  });

  test('carries the mentions of that user only', async () => {
    const bobPrivate = await (await sample.connectAs('bob')).subscribeAndJoin('user:bob');
    const annPrivate = await (await sample.connectAs('ann')).subscribeAndJoin('user:ann');
    const room = await (await sample.connectAs('carol')).subscribeAndJoin('room:mentions');
    room.push('new_msg', { body: '@bob, see this' });
    await bobPrivate.assertPush('mention', { from: 'carol', room: 'mentions', body: '@bob, see this' });
    await annPrivate.refutePush('mention');
  });
});
