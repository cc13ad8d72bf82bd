import { conformanceApp } from '../fixtures/conformance.app.js';
import { Journal } from '../fixtures/room.channel.js';
import { ClientScope } from '../support/client-scope.js';
import { describeEachTarget } from '../support/matrix.js';
import { recordCloses } from '../support/message-log.js';
import { eventually } from '../support/phoenix-client.js';
import { startTestApp } from '../support/test-app.js';

describeEachTarget('application shutdown', ({ platform, vsn }) => {
  test('app.close() closes the sockets with 1012 and runs @Terminate with "shutdown"', async () => {
    const server = await startTestApp(conformanceApp(platform));
    const clients = new ClientScope(() => server.socketUrl, { vsn });
    try {
      const journal = server.app.get(Journal);
      const socket = await clients.connected();
      const closes = recordCloses(socket);
      await clients.joined(socket, 'room:draining');
      await clients.joined(socket, 'room:draining-too');

      await server.close();

      await eventually(() => closes.length > 0, 'the socket closed');
      expect(closes[0].code).toBe(1012);
      await eventually(() => journal.terminated.length === 2, '@Terminate of both channels');
      expect(journal.terminationsOf('room:draining')).toEqual(['shutdown']);
      expect(journal.terminationsOf('room:draining-too')).toEqual(['shutdown']);
    } finally {
      await clients.disconnectAll();
    }
  });
});
