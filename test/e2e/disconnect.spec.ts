import { ChannelsServer } from '../../lib/index.js';
import { conformanceApp } from '../fixtures/conformance.app.js';
import { useTestApp } from '../support/app-scope.js';
import { useClients } from '../support/client-scope.js';
import { closeCodeSeen, describeEachTarget, servingBothTransports } from '../support/matrix.js';
import { recordCloses } from '../support/message-log.js';
import { eventually, push } from '../support/phoenix-client.js';

describeEachTarget('ChannelsServer.disconnect(socketId)', (target) => {
  const app = useTestApp(() => conformanceApp(target.platform, servingBothTransports()));
  const clients = useClients(app, target);
  const goingAway = closeCodeSeen(target.transport, 1001);

  test('closes every socket with that id with 1001 (over long-poll: ends the session), and no other socket', async () => {
    const annOnPhone = await clients.connected({ params: { user: 'ann' } });
    const annOnLaptop = await clients.connected({ params: { user: 'ann' } });
    const bobSocket = await clients.connected({ params: { user: 'bob' } });
    const anonymousSocket = await clients.connected();
    await clients.joined(annOnPhone, 'room:dc');
    const bob = await clients.joined(bobSocket, 'room:dc');
    const anonymous = await clients.joined(anonymousSocket, 'room:dc');
    const [phoneCloses, laptopCloses, bobCloses, anonymousCloses] = [annOnPhone, annOnLaptop, bobSocket, anonymousSocket].map(recordCloses);

    app.get(ChannelsServer).disconnect('user:ann');

    await eventually(() => phoneCloses.length > 0 && laptopCloses.length > 0, 'both of Ann’s sockets closed');
    expect([phoneCloses[0].code, laptopCloses[0].code]).toEqual([goingAway, goingAway]);
    // Every close happens at once on the server, so these round trips come after any of them.
    expect(await push(bob, 'echo', { n: 1 })).toEqual({ status: 'ok', response: { n: 1 } });
    expect(await push(anonymous, 'echo', { n: 2 })).toEqual({ status: 'ok', response: { n: 2 } });
    expect(bobCloses).toEqual([]);
    expect(anonymousCloses).toEqual([]);
  });

  test('a disconnected client reconnects and authenticates again', async () => {
    const socket = await clients.connected({ params: { user: 'cid' } });
    const channel = await clients.joined(socket, 'room:dc-again');
    const closes = recordCloses(socket);
    app.get(ChannelsServer).disconnect('user:cid');
    await eventually(() => closes.length > 0 && socket.isConnected() && channel.state === 'joined', 'reconnected and rejoined');
    expect((await push(channel, 'whoami')).response).toMatchObject({ id: 'user:cid' });
  });
});
