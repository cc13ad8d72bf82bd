import { Journal, RoomChannel, DenyGuard } from '../fixtures/room.channel.js';
import { connect, createClient, disconnect, join, push } from '../support/phoenix-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let server: TestApp;
beforeAll(async () => {
  server = await startTestApp({ providers: [RoomChannel, Journal, DenyGuard] });
});
afterAll(() => server.close());

test('join and echo', async () => {
  const client = createClient(server.socketUrl);
  await connect(client);
  const channel = client.channel('room:lobby', { nick: 'ann' });
  expect(await join(channel)).toEqual({ status: 'ok', response: { joined: 'room:lobby' } });
  expect(await push(channel, 'echo', { a: 1 })).toEqual({ status: 'ok', response: { a: 1 } });
  await disconnect(client);
});
