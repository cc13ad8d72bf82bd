import { conformanceApp } from '../fixtures/conformance.app.js';
import { Journal } from '../fixtures/room.channel.js';
import { ClientScope } from '../support/client-scope.js';
import { describeEachTarget, servingBothTransports } from '../support/matrix.js';
import { LONGPOLL_REQUEST_FAILED, LONGPOLL_SESSION_GONE, recordCloses } from '../support/message-log.js';
import { eventually } from '../support/phoenix-client.js';
import { startTestApp } from '../support/test-app.js';

describeEachTarget('application shutdown', ({ platform, vsn, transport }) => {
  test('app.close() closes the sockets with 1012 (long-poll: ends the sessions) and runs @Terminate with "shutdown"', async () => {
    const server = await startTestApp(conformanceApp(platform, servingBothTransports()));
    const clients = new ClientScope(() => server.socketUrl, { vsn, via: transport });
    try {
      const journal = server.app.get(Journal);
      const socket = await clients.connected();
      const closes = recordCloses(socket);
      await clients.joined(socket, 'room:draining');
      await clients.joined(socket, 'room:draining-too');

      await server.close();

      await eventually(() => closes.length > 0, 'the socket closed');
      if (transport === 'websocket') expect(closes[0].code).toBe(1012);
      // Long-poll has no close code: a poll waiting on the server learns that its session is gone,
      // one sent after the server stopped listening fails; the client reconnects after either.
      else expect([LONGPOLL_SESSION_GONE, LONGPOLL_REQUEST_FAILED]).toContain(closes[0].code);
      await eventually(() => journal.terminated.length === 2, '@Terminate of both channels');
      expect(journal.terminationsOf('room:draining')).toEqual(['shutdown']);
      expect(journal.terminationsOf('room:draining-too')).toEqual(['shutdown']);
    } finally {
      await clients.disconnectAll();
    }
  });
});
