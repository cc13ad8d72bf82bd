import { join } from '../../test/support/phoenix-client.js';
import { SampleClients, signIn, startSampleApp, type SampleApp } from './support/sample-app.js';

let server: SampleApp;
const clients = new SampleClients(() => server.socketUrl);
beforeAll(async () => {
  server = await startSampleApp();
});
afterEach(() => clients.disconnectAll());
afterAll(() => server.close());

test('a user joins their own user:<name> channel', async () => {
  const socket = await clients.connected(await signIn(server.baseUrl, 'ann'));
  expect(await join(socket.channel('user:ann'))).toEqual({ status: 'ok', response: {} });
});

test.each(['user:bob', 'user:Ann', 'user:', 'user:ann2'])(
  'anyone else joining %s gets {"reason": "unauthorized"}',
  async (topic) => {
    const socket = await clients.connected(await signIn(server.baseUrl, 'ann'));
    expect(await join(socket.channel(topic))).toEqual({ status: 'error', response: { reason: 'unauthorized' } });
  },
);

test.each(['lobby', 'rooms:lobby', 'users_socket:ann', 'chat:history'])(
  'any other topic (%s) gets {"reason": "unmatched topic"}',
  async (topic) => {
    const socket = await clients.connected(await signIn(server.baseUrl, 'ann'));
    expect(await join(socket.channel(topic))).toEqual({ status: 'error', response: { reason: 'unmatched topic' } });
  },
);
